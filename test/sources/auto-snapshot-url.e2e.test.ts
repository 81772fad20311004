import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { S3RVER_ENV, startLocalS3, type LocalS3 } from '../helpers/s3-server.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { tempDir } from '../helpers/tmp.js';
import { startFakeVault, type FakeVault } from '../helpers/vault-server.js';

const TOKEN = 'hvs.test-token-not-secret';
const servers = ['vault-0', 'vault-1', 'vault-2'].map((id) => ({ id, address: `${id}:8201` }));
/** The live cluster's own snapshot: its raft servers, an index behind the applied 164. */
const ours = (agoMs: number) => buildSnapshot({ takenAt: new Date(Date.now() - agoMs), index: 160, servers });

let s3: LocalS3;
const vaults: FakeVault[] = [];
beforeAll(async () => {
  s3 = await startLocalS3('auto');
});
afterAll(async () => {
  await s3?.close();
  for (const v of vaults) await v.close();
});

interface Decision {
  snapshot: { file: string; takenAtItsWord?: true } | null;
  rejected: { file: string; code: string }[];
}

async function check(lastUrl: string, sourcePrefix: string) {
  const vault = await startFakeVault({ autoSnapshot: { last_snapshot_url: lastUrl } });
  vaults.push(vault);
  const args = ['check', '--json', '--vault', '--auto-snapshot', 'daily', '--op', 'POST sys/mounts/kv'];
  const env = { ...S3RVER_ENV, VAULT_ADDR: vault.address, VAULT_TOKEN: TOKEN };
  const r = await runCli([...args, '--snapshot-url', s3.url(sourcePrefix)], { env, cwd: tempDir('auto-') });
  return { ...r, decision: JSON.parse(r.stdout || 'null') as Decision };
}

describe('--auto-snapshot: the stored object its status names (last_snapshot_url) is read, not taken at its word', () => {
  it('verifies the object in a configured source and takes it as the evidence', async () => {
    await s3.put('daily/vault-snapshot-1.snap', ours(5 * 60_000));
    const { code, decision } = await check('s3://auto/daily/vault-snapshot-1.snap', 'other');
    expect(decision.snapshot?.file).toBe('s3://auto/daily/vault-snapshot-1.snap');
    expect(decision.snapshot?.takenAtItsWord).toBeUndefined();
    expect(code).toBe(0);
  });

  it('is a no-go when that object is damaged, whatever the status says', async () => {
    const bytes = ours(5 * 60_000);
    bytes[bytes.length - 6]! ^= 0xff;
    await s3.put('broken/vault-snapshot-2.snap', bytes);
    const https = 'https://auto.s3.us-east-1.amazonaws.com/broken/vault-snapshot-2.snap';
    const { code, decision } = await check(https, 'broken');
    expect(code).toBe(1);
    expect(decision.snapshot).toBeNull();
    expect(decision.rejected.map((r) => r.file)).toContain('s3://auto/broken/vault-snapshot-2.snap');
  });

  it('says the status was taken at its word when no configured source holds the object', async () => {
    const { code, decision, stdout } = await check('s3://elsewhere/daily/vault-snapshot-3.snap', 'none');
    expect(code).toBe(0);
    expect(decision.snapshot?.file).toBe('auto-snapshot:daily');
    expect(decision.snapshot?.takenAtItsWord).toBe(true);
    expect(stdout).not.toContain(TOKEN);
  });
});
