import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startGcsStandIn, type GcsStandIn } from '../helpers/gcs-stand-in.js';
import { S3RVER_ENV, startLocalS3, type LocalS3 } from '../helpers/s3-server.js';
import { fresh } from '../helpers/stored-snapshots.js';

let gcs: GcsStandIn;
let s3: LocalS3;
beforeAll(async () => {
  gcs = await startGcsStandIn();
  s3 = await startLocalS3('gcs-interop');
});
afterAll(async () => {
  await gcs?.close();
  await s3?.close();
});

interface Decision {
  snapshot: { file: string } | null;
  rejected: { file: string; code: string }[];
}

async function check(url: string, env: Record<string, string> = {}) {
  const r = await runCli(['check', '--json', '--op', 'POST sys/mounts/kv', '--snapshot-url', url], { env });
  return { ...r, decision: JSON.parse(r.stdout || 'null') as Decision };
}

describe('check --snapshot-url gs://…', () => {
  it('reads through the JSON API with @google-cloud/storage (STORAGE_EMULATOR_HOST, a documented stand-in)', async () => {
    gcs.put('vault-backups', 'daily/old.snap', Buffer.from('junk'));
    gcs.put('vault-backups', 'daily/vault.snap', fresh());
    const { code, decision, stderr } = await check('gs://vault-backups/daily', { STORAGE_EMULATOR_HOST: gcs.endpoint });
    expect(stderr).toBe('');
    expect(decision.snapshot?.file).toBe('gs://vault-backups/daily/vault.snap');
    expect(code).toBe(0);
  });

  it('reports a bucket it may not read as ACCESS_DENIED and a missing one as NO_SUCH_BUCKET', async () => {
    const env = { STORAGE_EMULATOR_HOST: gcs.endpoint };
    const denied = await check('gs://forbidden/daily', env);
    expect(denied.decision.rejected).toEqual([expect.objectContaining({ code: 'ACCESS_DENIED' })]);
    const missing = await check(`gs://nobody/daily?endpoint=${gcs.endpoint}`);
    expect(missing.decision.rejected).toEqual([expect.objectContaining({ code: 'NO_SUCH_BUCKET' })]);
    expect(missing.code).toBe(1);
  });

  it("reads through Cloud Storage's S3-compatible API with HMAC keys (api=s3; s3rver stands in for it)", async () => {
    await s3.put('daily/vault.snap', fresh());
    const url = `gs://gcs-interop/daily?api=s3&endpoint=${s3.proxy.endpoint}&forcePathStyle=true`;
    const { code, decision } = await check(url, S3RVER_ENV);
    expect(decision.snapshot?.file).toBe('gs://gcs-interop/daily/vault.snap');
    expect(code).toBe(0);
  });
});
