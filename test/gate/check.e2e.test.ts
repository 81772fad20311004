import { chmodSync, mkdirSync, readFileSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, DecisionSchema, GateRefusedError, guard } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { tempFiles } from '../helpers/tmp.js';
import { freshBundle } from '../helpers/server-config.js';

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);

const workspace = (files: Record<string, Buffer | string> = {}): string => tempFiles(files, 'check-');

const json = async (argv: string[], cwd: string, env: Record<string, string> = {}) => {
  const r = await runCli([...argv, '--json'], { cwd, env });
  return { code: r.code, stderr: r.stderr, decision: r.stdout ? DecisionSchema.parse(JSON.parse(r.stdout)) : null };
};

/** An upgrade, which needs a configuration bundle besides the snapshot (configBundles.requireFor). */
const UPGRADE_WITH_BUNDLE = ['check', '--op', 'upgrade 1.16.2 -> 1.17.0', '--snapshot-dir', 'backups'].concat([
  '--config-bundle-dir',
  'bundles',
]);

describe('vault-change-gate check, end to end with generated archives', () => {
  it('GO with a fresh snapshot (exit 0), naming it', async () => {
    const dir = workspace({ 'backups/a.snap': buildSnapshot({ takenAt: ago(10) }), ...freshBundle() });
    const r = await json(UPGRADE_WITH_BUNDLE, dir);
    expect(r.code).toBe(0);
    expect(r.decision?.snapshot?.file).toBe('backups/a.snap');
    expect(r.decision?.warnings).toEqual([]);
  });

  it('NO-GO with a stale one (exit 1), with the command to take a snapshot', async () => {
    const dir = workspace({ 'backups/a.snap': buildSnapshot({ takenAt: ago(90) }), ...freshBundle() });
    const r = await runCli(UPGRADE_WITH_BUNDLE, { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe(
      'NO-GO: 1 operation needs a snapshot no older than 1h, and the newest valid one, backups/a.snap, is 1h 30m old.',
    );
    expect(r.stdout).toMatch(
      /Take a snapshot now: vault operator raft snapshot save backups\/vault-\d{8}T\d{6}Z\.snap/,
    );
  });

  it('one per category limit: 1h for upgrades and rekeys, 24h for other writes', async () => {
    const dir = workspace({ 's/a.snap': buildSnapshot({ takenAt: ago(120) }) });
    expect((await json(['check', '--op', 'vault operator rekey -init', '--snapshot-dir', 's'], dir)).code).toBe(1);
    expect((await json(['check', '--op', 'vault secrets enable kv', '--snapshot-dir', 's'], dir)).code).toBe(0);
  });

  it('refuses a future-dated snapshot, a damaged one, and a copy of an old one with a new mtime', async () => {
    const old = buildSnapshot({ takenAt: ago(3 * 24 * 60) });
    const damaged = Buffer.from(buildSnapshot({ takenAt: ago(1) }));
    damaged[damaged.length - 20]! ^= 0xff;
    const dir = workspace({
      's/future.snap': buildSnapshot({ takenAt: ago(-30) }),
      's/damaged.snap': damaged,
      's/copy-of-old.snap': old,
    });
    const now = new Date();
    utimesSync(path.join(dir, 's/copy-of-old.snap'), now, now);
    const r = await json(['check', '--op', 'POST sys/mounts/kv', '--snapshot-dir', 's'], dir);
    expect(r.code).toBe(1);
    expect(r.decision?.snapshot?.file).toBe('s/copy-of-old.snap');
    expect(r.decision?.snapshot?.age).toBe('3d');
    expect(r.decision?.rejected.map((x) => x.code).sort()).toEqual(
      ['FUTURE_DATED', expect.stringMatching(/^(GZIP|TAR|HASH)/)].sort(),
    );
  });

  it('picks candidates with the pattern and does not follow symlinks out of the folder', async () => {
    const outside = workspace({ 'fresh.snap': buildSnapshot({ takenAt: ago(1) }) });
    const dir = workspace({
      's/old.snap': buildSnapshot({ takenAt: ago(300) }),
      's/fresh.backup': buildSnapshot({ takenAt: ago(1) }),
    });
    symlinkSync(path.join(outside, 'fresh.snap'), path.join(dir, 's/link.snap'));
    const r = await json(['check', '--op', 'POST sys/mounts/kv', '--snapshot-dir', 's'], dir);
    expect(r.decision?.snapshot?.file).toBe('s/old.snap');
    expect(r.decision?.rejected.map((x) => x.code)).toEqual(['SYMLINK_OUTSIDE']);
    const withPattern = await json(
      ['check', '--op', 'POST sys/mounts/kv', '--snapshot-dir', 's', '--pattern', '*.backup'],
      dir,
    );
    expect(withPattern.decision?.snapshot?.file).toBe('s/fresh.backup');
  });

  it('warns about snapshots and folders readable by others; --strict makes that a no-go', async () => {
    const dir = workspace({ 's/a.snap': buildSnapshot({ takenAt: ago(5) }) });
    chmodSync(path.join(dir, 's/a.snap'), 0o644);
    chmodSync(path.join(dir, 's'), 0o755);
    const r = await json(['check', '--op', 'POST sys/mounts/kv', '--snapshot-dir', 's'], dir);
    expect(r.code).toBe(0);
    expect(r.decision?.warnings.map((w) => w.code)).toEqual(['SNAPSHOT_READABLE_BY_OTHERS', 'FOLDER_OPEN_TO_OTHERS']);
    expect((await json(['check', '--op', 'POST sys/mounts/kv', '--snapshot-dir', 's', '--strict'], dir)).code).toBe(1);
  });

  it('reads the operations of a runbook with --script', async () => {
    const dir = workspace({
      'upgrade.sh': 'vault status\nvault operator raft snapshot save x.snap\nvault operator step-down\n',
      's/a.snap': buildSnapshot({ takenAt: ago(5) }),
    });
    const r = await json(['check', '--script', 'upgrade.sh', '--snapshot-dir', 's'], dir);
    expect(r.code).toBe(0);
    expect(r.decision?.operations.map((o) => `${o.line}:${o.status}`)).toEqual([
      '1:not-needed',
      '2:not-needed',
      '3:satisfied',
    ]);
  });

  it('a no-go for invalid operations (exit 2, as classify), and exit 2 for usage errors', async () => {
    const dir = workspace();
    expect((await json(['check', '--op', 'POST sys//x'], dir)).code).toBe(2);
    for (const argv of [
      ['check'],
      ['check', '--plan', 'plan.json', '--op', 'x'],
      ['check', '--op', 'GET sys/health', '--snapshot-dir', 'nope'],
      ['check', '--op', 'POST sys/mounts/x', '--snapshot', 'nope.snap'],
      ['check', '--op', 'x', '--override', ' '],
    ]) {
      const r = await runCli(UPGRADE_WITH_BUNDLE, { cwd: dir });
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('overrides and the decision log', () => {
  it('records who, when and why for an override, and logs every decision as one JSON line (0600)', async () => {
    const dir = workspace({ 'vault-change-gate.config.json': JSON.stringify({ decisionLog: 'logs/decisions.jsonl' }) });
    mkdirSync(path.join(dir, 'logs'));
    const nogo = await json(['check', '--op', 'POST sys/mounts/kv'], dir);
    expect(nogo.code).toBe(1);
    const over = await json(
      ['check', '--op', 'POST sys/mounts/kv', '--override', 'CHG-42: snapshot taken by hand'],
      dir,
    );
    expect(over.code).toBe(0);
    expect(over.decision?.overridden?.reason).toBe('CHG-42: snapshot taken by hand');
    expect(over.decision?.overridden?.by).toBeTruthy();
    const viaEnv = await json(['check', '--op', 'POST sys/mounts/kv'], dir, { VAULT_CHANGE_GATE_OVERRIDE: 'from env' });
    expect(viaEnv.decision?.overridden?.reason).toBe('from env');
    const log = path.join(dir, 'logs/decisions.jsonl');
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { verdict: string; overridden: unknown; by: string });
    expect(lines.map((l) => [l.verdict, l.overridden !== null])).toEqual([
      ['no-go', false],
      ['go', true],
      ['go', true],
    ]);
    expect(statSync(log).mode & 0o777).toBe(0o600);
  });
});

describe('library: check and guard', () => {
  it('guard runs the function only on a go, and throws GateRefusedError with the decision otherwise', async () => {
    const dir = workspace({ 'a.snap': buildSnapshot({ takenAt: ago(5) }) });
    let ran = 0;
    await expect(guard(['POST sys/mounts/kv'], () => ++ran, { cwd: dir })).rejects.toBeInstanceOf(GateRefusedError);
    expect(ran).toBe(0);
    const result = await guard(['POST sys/mounts/kv'], (d) => d.snapshot?.file, { cwd: dir, snapshots: ['a.snap'] });
    expect(result).toBe('a.snap');
  });

  it('check does not read snapshots when nothing needs one', async () => {
    const dir = workspace({ 's/bad.snap': 'not a snapshot' });
    const d = await check({ cwd: dir, operations: ['GET sys/health'], snapshotDir: 's' });
    expect(d.allowed).toBe(true);
    expect(d.rejected).toEqual([]);
  });
});

describe('verifying a folder of snapshots, newest first', () => {
  it('reads candidates newest first and stops at the first that can be the evidence', async () => {
    const bad = Buffer.from(buildSnapshot({ takenAt: ago(1) }));
    bad[bad.length - 30]! ^= 0xff;
    const dir = workspace({
      's/a-oldest.snap': buildSnapshot({ takenAt: ago(30) }),
      's/b-newer.snap': buildSnapshot({ takenAt: ago(10) }),
      's/c-middle.snap': buildSnapshot({ takenAt: ago(20) }),
      's/d-newest-but-damaged.snap': bad,
    });
    const read = new Set<string>();
    const d = await check({
      cwd: dir,
      operations: ['POST sys/mounts/kv'],
      snapshotDir: 's',
      onProgress: (f) => read.add(path.basename(f)),
    });
    expect(d.snapshot?.file).toBe('s/b-newer.snap');
    expect([...read]).toEqual(['d-newest-but-damaged.snap', 'b-newer.snap']);
    expect(d.rejected.map((r) => r.file)).toEqual(['s/d-newest-but-damaged.snap']);
  });

  it('peeks the time a snapshot says it was taken from its first bytes', async () => {
    const { peekTakenAt } = await import('../../src/snapshot/peek.js');
    const dir = workspace({
      'v.snap': buildSnapshot({ takenAt: new Date('2026-11-01T10:00:00Z') }),
      'c.snap': buildSnapshot({ format: 'consul', takenAt: new Date('2026-11-01T10:00:00.250Z') }),
      'x.snap': 'not gzip',
    });
    expect(await peekTakenAt(path.join(dir, 'v.snap'))).toBe(Date.parse('2026-11-01T10:00:00Z'));
    expect(await peekTakenAt(path.join(dir, 'c.snap'))).toBe(Date.parse('2026-11-01T10:00:00.250Z'));
    expect(await peekTakenAt(path.join(dir, 'x.snap'))).toBeNull();
    expect(await peekTakenAt(path.join(dir, 'missing.snap'))).toBeNull();
  });
});

describe('the decision log cannot be written', () => {
  it('is a configuration error (exit 2, one line), never a silent go', async () => {
    const dir = workspace({
      'vault-change-gate.config.json': JSON.stringify({ decisionLog: 'no-such-folder/decisions.jsonl' }),
    });
    const r = await runCli(['check', '--op', 'GET sys/health'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^vault-change-gate: cannot write the decision log .*no-such-folder\/decisions\.jsonl \(its folder does not exist\)/,
    );
  });
});
