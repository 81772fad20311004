import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DecisionSchema, type Decision } from '../../src/index.js';
import { LOCK_FILE_NAME } from '../../src/lock/index.js';
import { runCli } from '../helpers/cli.js';
import { othersLock } from '../helpers/lock.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { tempDir } from '../helpers/tmp.js';
import { fakeVaults, type FakeVaultOptions } from '../helpers/vault-server.js';

const TOKEN = 'hvs.test-token-not-secret';
const { fake } = fakeVaults();
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

/** `check --json --vault --auto-snapshot daily` against a stand-in Vault answering this status. */
async function checkWith(status: Record<string, unknown>, ...flags: string[]): Promise<{ code: number; d: Decision }> {
  return checkAgainst({ autoSnapshot: status }, ...flags);
}

async function checkAgainst(options: FakeVaultOptions, ...flags: string[]): Promise<{ code: number; d: Decision }> {
  const v = await fake(options);
  const argv = ['check', '--json', '--vault', '--auto-snapshot', 'daily', '--op', 'POST sys/mounts/kv', ...flags];
  const r = await runCli(argv, { cwd: tempDir('auto-'), env: { VAULT_ADDR: v.address, VAULT_TOKEN: TOKEN } });
  expect(r.stdout, r.stderr).not.toBe('');
  return { code: r.code, d: DecisionSchema.parse(JSON.parse(r.stdout)) };
}

describe('automated snapshots (--auto-snapshot NAME) against the change window', () => {
  it('idle, the last run ended, no next run given: go, nothing in progress', async () => {
    const { code, d } = await checkWith({});
    expect(code).toBe(0);
    expect(d.inProgress).toEqual([]);
  });

  it('a run started after the last one ended: SNAPSHOT_IN_PROGRESS, a no-go even with an earlier run as evidence', async () => {
    const { code, d } = await checkWith({ last_snapshot_start: ago(1), last_snapshot_end: ago(30) });
    expect(code).toBe(1);
    expect(d.snapshot?.file).toBe('auto-snapshot:daily');
    expect(d.inProgress).toEqual([expect.objectContaining({ code: 'SNAPSHOT_IN_PROGRESS', severity: 'no-go' })]);
    expect(d.reasons[0]).toMatch(/"daily" started at .* and has not ended \(the last one ended at /);
  });

  it('the first run ever, still going (no end yet): SNAPSHOT_IN_PROGRESS', async () => {
    const { code, d } = await checkWith({ last_snapshot_start: ago(2), last_snapshot_end: '' });
    expect(code).toBe(1);
    expect(d.inProgress.map((f) => f.code)).toEqual(['SNAPSHOT_IN_PROGRESS']);
    expect(d.reasons.join(' ')).toMatch(/no run has ended yet/);
  });

  it('the next run due inside the window (default 1h): a warning that says when and how to pause it', async () => {
    const { code, d } = await checkWith({ next_snapshot_start: inMinutes(20) });
    expect(code).toBe(0);
    expect(d.inProgress).toEqual([
      expect.objectContaining({ code: 'SNAPSHOT_DUE_DURING_CHANGE', severity: 'warning' }),
    ]);
    const reason = d.inProgress[0]?.reason ?? '';
    expect(reason).toMatch(/due at .* \(in (19|20)m\), inside the change window of 1h/);
    expect(reason).toContain('sys/storage/raft/snapshot-auto/config/daily');
  });

  it('--strict makes the run due during the change a no-go', async () => {
    const { code, d } = await checkWith({ next_snapshot_start: inMinutes(20) }, '--strict');
    expect(code).toBe(1);
    expect(d.reasons.some((r) => r.includes('SNAPSHOT_DUE_DURING_CHANGE') || r.includes('is due at'))).toBe(true);
  });

  it('--window sets the change window: due after it, nothing; due within it, the warning', async () => {
    expect((await checkWith({ next_snapshot_start: inMinutes(20) }, '--window', '10m')).d.inProgress).toEqual([]);
    const long = await checkWith({ next_snapshot_start: inMinutes(90) }, '--window', '2h');
    expect(long.d.inProgress.map((f) => f.code)).toEqual(['SNAPSHOT_DUE_DURING_CHANGE']);
    expect(long.d.inProgress[0]?.reason).toContain('change window of 2h');
  });

  it('overdue (due in the past): it may start any moment, so it is due during the change', async () => {
    const { d } = await checkWith({ next_snapshot_start: ago(1) });
    expect(d.inProgress[0]?.reason).toMatch(/overdue: it may start any moment/);
  });

  it('before Vault 1.21 (no next_snapshot_start): due at the last start plus the config interval', async () => {
    const status = { last_snapshot_start: ago(50), last_snapshot_end: ago(49) };
    const due = await checkAgainst({ autoSnapshot: status, autoSnapshotConfig: { interval: 3600 } });
    expect(due.d.inProgress.map((f) => f.code)).toEqual(['SNAPSHOT_DUE_DURING_CHANGE']);
    expect(due.d.inProgress[0]?.reason).toMatch(/\(its interval of 1h after the last run\) \(in (9|10)m\)/);
    const daily = await checkAgainst({ autoSnapshot: status, autoSnapshotConfig: { interval: 86400 } });
    expect(daily.d.inProgress).toEqual([]);
    // A token without sudo cannot read the config: a note, and only the in-progress check applies.
    const denied = await checkAgainst({ autoSnapshot: status });
    expect(denied.code).toBe(0);
    expect(denied.d.inProgress).toEqual([]);
    expect(denied.d.cluster?.notes.join(' ')).toMatch(/snapshot-auto\/config\/daily: permission denied \(403\)/);
  });

  it("a status that cannot be read (a wrong name, the token's policy): a no-go, even with a fresh snapshot", async () => {
    const cwd = tempDir('auto-');
    const servers = ['vault-0', 'vault-1', 'vault-2'].map((id) => ({ id, address: `${id}:8201` }));
    writeFileSync(path.join(cwd, 'fresh.snap'), buildSnapshot({ takenAt: new Date(Date.now() - 60_000), servers }));
    const denied = { status: 403, contentType: 'application/json', body: '{"errors":["permission denied"]}' };
    for (const options of [{}, { answers: { '/v1/sys/storage/raft/snapshot-auto/status/daily': denied } }]) {
      const v = await fake(options);
      const env = { VAULT_ADDR: v.address, VAULT_TOKEN: TOKEN };
      const argv = ['check', '--json', '--vault', '--snapshot-dir', '.', '--op', 'POST sys/mounts/kv'];
      const watched = await runCli([...argv, '--auto-snapshot', 'daily'], { cwd, env });
      const d = DecisionSchema.parse(JSON.parse(watched.stdout));
      expect(watched.code).toBe(1);
      expect(d.snapshot?.file).toBe('fresh.snap');
      expect(d.inProgress).toEqual([expect.objectContaining({ code: 'SNAPSHOT_IN_PROGRESS', severity: 'no-go' })]);
      expect(d.reasons[0]).toMatch(
        /"daily" could not be read \(.*(404|403).*\), so whether a run is going cannot be told/,
      );
      // Not asked to watch one: nothing to tell.
      expect((await runCli(argv, { cwd, env })).code).toBe(0);
    }
  });

  it('a bad --window is a usage error (exit 2)', async () => {
    for (const w of ['soon', '0m', '-1h', '1 hour']) {
      const r = await runCli(['check', `--window=${w}`, '--op', 'POST sys/mounts/kv']);
      expect(r.code, w).toBe(2);
      expect(r.stderr).toMatch(/--window takes a duration/);
    }
  });
});

describe('a snapshot lock names its cluster', () => {
  it('check --vault refuses for a lock of the same cluster, and ignores one of another cluster', async () => {
    const v = await fake({ clusterId: 'c1-1111', clusterName: 'prod' });
    const cwd = tempDir('auto-');
    writeFileSync(path.join(cwd, 'fresh.snap'), buildSnapshot({ takenAt: new Date(Date.now() - 60_000) }));
    const argv = ['check', '--json', '--vault', '--snapshot-dir', '.', '--op', 'POST sys/mounts/kv'];
    const env = { VAULT_ADDR: v.address, VAULT_TOKEN: TOKEN };
    const lock = (id: string) => othersLock({ cluster: { id, name: null, address: null } });
    writeFileSync(path.join(cwd, LOCK_FILE_NAME), lock('c2-2222'));
    const other = await runCli(argv, { cwd, env });
    expect(DecisionSchema.parse(JSON.parse(other.stdout)).inProgress).toEqual([]);
    writeFileSync(path.join(cwd, LOCK_FILE_NAME), lock('c1-1111'));
    const same = await runCli(argv, { cwd, env });
    expect(same.code).toBe(1);
    const d = DecisionSchema.parse(JSON.parse(same.stdout));
    expect(d.inProgress.map((f) => [f.code, f.severity])).toEqual([['SNAPSHOT_IN_PROGRESS', 'no-go']]);
  });
});
