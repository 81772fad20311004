import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createVaultClient, readVaultSettings, saveSnapshot } from '../../src/index.js';
import { gatherClusterFacts } from '../../src/unstable.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * Opt-in: the same checks against a real Vault with raft storage. Run with VAULT_CHANGE_GATE_REAL_VAULT=1 and
 * VAULT_ADDR / VAULT_TOKEN set (README, "A real Vault for the opt-in tests"). Skipped otherwise.
 */
const enabled =
  process.env.VAULT_CHANGE_GATE_REAL_VAULT === '1' &&
  Boolean(process.env.VAULT_ADDR) &&
  Boolean(process.env.VAULT_TOKEN);

describe.skipIf(!enabled)('against a real Vault (VAULT_CHANGE_GATE_REAL_VAULT=1)', () => {
  const env = process.env as Record<string, string | undefined>;
  it('reads the cluster facts of an unsealed raft cluster', async () => {
    const facts = await gatherClusterFacts(createVaultClient(readVaultSettings(env)));
    expect(facts).toMatchObject({ reachable: true, sealed: false, storageType: 'raft' });
    expect(facts.raftServers?.length).toBeGreaterThan(0);
  });

  it('saves a snapshot that verifies and matches the live raft configuration', async () => {
    const dir = tempDir('real-');
    const client = createVaultClient(readVaultSettings(env));
    const r = await saveSnapshot(client, path.join(dir, 'real.snap'));
    expect(r.valid).toBe(true);
    const facts = await gatherClusterFacts(client);
    expect(r.servers.map((s) => s.id).sort()).toEqual((facts.raftServers ?? []).map((s) => s.id).sort());
    const check = await runCli(['check', '--json', '--vault', '--op', 'POST sys/mounts/x', '--snapshot-dir', dir], {
      env,
    });
    expect(check.code).toBe(0);
    expect(check.stdout + check.stderr).not.toContain(env.VAULT_TOKEN as string);
    expect(readdirSync(dir)).toEqual(['real.snap']);
  });
});
