import { describe, expect, it } from 'vitest';
import { defaultPolicy, DecisionSchema, evaluate, policyFromConfig, type SnapshotInspection } from '../../src/index.js';

const NOW = '2026-11-26T12:00:00.000Z';
const minutesAgo = (m: number) => new Date(Date.parse(NOW) - m * 60_000).toISOString();

const snap = (file: string, takenAt: string | null, extra: Partial<SnapshotInspection> = {}): SnapshotInspection => ({
  file,
  valid: true,
  format: 'vault',
  id: 'bolt-snapshot',
  index: 100,
  term: 2,
  version: 1,
  size: 10,
  takenAt,
  servers: [],
  sha256: 'ab'.repeat(32),
  vaultVersions: [],
  sealType: 'shamir',
  keys: {},
  bytes: 100,
  notes: [],
  problems: [],
  ...extra,
});

const decide = (ops: string[], snapshots: SnapshotInspection[], policy = defaultPolicy, override?: string) =>
  evaluate(ops, { now: NOW, snapshots }, policy, override ? { override: { reason: override, by: 'alice' } } : {});

describe('evaluate (pure)', () => {
  type Row = [name: string, ops: string[], snapshots: SnapshotInspection[], allowed: boolean, statuses: string[]];
  const fresh = snap('fresh.snap', minutesAgo(10));
  const table: Row[] = [
    [
      'nothing needs a backup',
      ['GET sys/health', 'PUT sys/policies/acl/x', 'PUT secret/data/x'],
      [],
      true,
      ['not-needed', 'not-needed', 'not-needed'],
    ],
    ['an upgrade with a 10-minute-old snapshot', ['upgrade 1.16.2 -> 1.17.0'], [fresh], true, ['satisfied']],
    [
      'an upgrade with a 61-minute-old snapshot',
      ['upgrade 1.16.2 -> 1.17.0'],
      [snap('a.snap', minutesAgo(61))],
      false,
      ['stale'],
    ],
    [
      'a mount with a 23-hour-old snapshot',
      ['POST sys/mounts/kv'],
      [snap('a.snap', minutesAgo(23 * 60))],
      true,
      ['satisfied'],
    ],
    [
      'a mount with a 25-hour-old snapshot',
      ['POST sys/mounts/kv'],
      [snap('a.snap', minutesAgo(25 * 60))],
      false,
      ['stale'],
    ],
    ['a rekey at 59 minutes', ['vault operator rekey -init'], [snap('a.snap', minutesAgo(59))], true, ['satisfied']],
    ['a rekey at 61 minutes', ['vault operator rekey -init'], [snap('a.snap', minutesAgo(61))], false, ['stale']],
    ['key rotation at 61 minutes', ['POST sys/rotate'], [snap('a.snap', minutesAgo(61))], false, ['stale']],
    [
      'root generation at 61 minutes',
      ['vault operator generate-root -init'],
      [snap('a.snap', minutesAgo(61))],
      false,
      ['stale'],
    ],
    [
      'a restore at 61 minutes',
      ['vault operator raft snapshot restore x.snap'],
      [snap('a.snap', minutesAgo(61))],
      false,
      ['stale'],
    ],
    ['no snapshot at all', ['POST sys/mounts/kv'], [], false, ['no-snapshot']],
    [
      'only an invalid snapshot',
      ['POST sys/mounts/kv'],
      [
        snap('bad.snap', minutesAgo(1), {
          valid: false,
          problems: [{ code: 'HASH_MISMATCH', reason: 'x.', message: 'x.' }],
        }),
      ],
      false,
      ['no-snapshot'],
    ],
    ['a downgrade, even with a fresh snapshot', ['upgrade 1.17.0 -> 1.16.2'], [fresh], false, ['refused']],
    ['an invalid operation', ['POST sys//x'], [fresh], false, ['refused']],
    [
      'a snapshot 4 minutes in the future (within skew)',
      ['upgrade 1.17.0'],
      [snap('f.snap', minutesAgo(-4))],
      true,
      ['satisfied'],
    ],
    [
      'a snapshot 6 minutes in the future',
      ['upgrade 1.17.0'],
      [snap('f.snap', minutesAgo(-6))],
      false,
      ['no-snapshot'],
    ],
    [
      'the newest valid one decides, not the newest file',
      ['upgrade 1.17.0'],
      [
        snap('old.snap', minutesAgo(90)),
        snap('new-bad.snap', minutesAgo(1), {
          valid: false,
          problems: [{ code: 'GZIP_TRUNCATED', reason: 'x.', message: 'x.' }],
        }),
        snap('mid.snap', minutesAgo(30)),
      ],
      true,
      ['satisfied'],
    ],
  ];
  it.each(table)('%s', (_, ops, snapshots, allowed, statuses) => {
    const d = decide(ops, snapshots);
    expect(DecisionSchema.parse(d)).toBeTruthy();
    expect(d.allowed).toBe(allowed);
    expect(d.verdict).toBe(allowed ? 'go' : 'no-go');
    expect(d.operations.map((o) => o.status)).toEqual(statuses);
    expect(d.reasons.length === 0).toBe(allowed);
  });

  it('reports the evidence used and why candidates were refused', () => {
    const d = decide(
      ['upgrade 1.17.0'],
      [
        snap('old.snap', minutesAgo(90)),
        snap('mid.snap', minutesAgo(30)),
        snap('future.snap', minutesAgo(-60)),
        snap('bad.snap', null, {
          valid: false,
          problems: [
            {
              code: 'HASH_MISMATCH',
              reason: 'The SHA-256 of state.bin does not match SHA256SUMS.',
              message: 'The SHA-256 of state.bin does not match SHA256SUMS.',
            },
          ],
        }),
      ],
    );
    expect(d.snapshot).toMatchObject({ file: 'mid.snap', age: '30m', ageMs: 30 * 60_000, format: 'vault', index: 100 });
    expect(d.operations[0]?.satisfiedBy).toBe('mid.snap');
    expect(d.rejected.map((r) => [r.file, r.code])).toEqual([
      ['future.snap', 'FUTURE_DATED'],
      ['bad.snap', 'HASH_MISMATCH'],
    ]);
    expect(d.rejected[0]?.reason).toMatch(/1h in the future .*refused, not trusted/);
  });

  it('allows a downgrade with allowDowngrade and a fresh snapshot, within the 1-hour limit', () => {
    const policy = policyFromConfig({ allowDowngrade: true });
    expect(decide(['upgrade 1.17.0 -> 1.16.2'], [snap('a.snap', minutesAgo(10))], policy).allowed).toBe(true);
    expect(decide(['upgrade 1.17.0 -> 1.16.2'], [snap('a.snap', minutesAgo(70))], policy).allowed).toBe(false);
  });

  it('offline "upgrade TO" below a Vault version the evidence records as run on the storage is a downgrade', () => {
    // Offline "upgrade TO" has no FROM; the snapshot's core/versions/* say which Vault versions wrote the storage.
    const ran = snap('a.snap', minutesAgo(10), { vaultVersions: ['1.16.2', '1.17.0'] });
    for (const op of ['upgrade 1.15.0', 'upgrade 1.16.2', 'upgrade v1.16.9']) {
      const d = decide([op], [ran]);
      expect(d.allowed, op).toBe(false);
      expect(d.operations.map((o) => [o.category, o.status])).toEqual([['downgrade', 'refused']]);
      expect(d.reasons[0]).toMatch(/a\.snap records Vault 1\.17\.0 .*storage downgrades/);
    }
    // A stated FROM was classified already (a Helm chart's 0.28.0 is no Vault version to compare).
    for (const op of ['upgrade 1.17.0', 'upgrade 1.17.1', 'upgrade 1.16.2 -> 1.18.0', 'upgrade 0.27.0 -> 0.28.0']) {
      expect(
        decide([op], [ran]).operations.map((o) => [o.category, o.status]),
        op,
      ).toEqual([['upgrade', 'satisfied']]);
    }
    const policy = policyFromConfig({ allowDowngrade: true });
    expect(decide(['upgrade 1.15.0'], [ran], policy).allowed).toBe(true);
  });

  it('applies per-category modes: allow needs nothing, warn goes with a warning', () => {
    const policy = policyFromConfig({ policy: { loggers: 'allow', mounts: 'warn' } });
    const d = decide(['POST sys/loggers/core', 'POST sys/mounts/kv'], [], policy);
    expect(d.allowed).toBe(true);
    expect(d.operations.map((o) => o.status)).toEqual(['allowed', 'warned']);
    expect(d.warnings.map((w) => w.code)).toEqual(['POLICY_WARN']);
  });

  it('makes warnings a no-go in strict mode', () => {
    const policy = policyFromConfig({ policy: { mounts: 'warn' } }, { strict: true });
    const d = decide(['POST sys/mounts/kv'], [], policy);
    expect(d.allowed).toBe(false);
    expect(d.reasons.at(-1)).toMatch(/^Strict mode: 1 warning blocks/);
  });

  it('applies configured ages: per category, and a default that tightens but never loosens the 1-hour ones', () => {
    expect(
      decide(
        ['POST sys/mounts/kv'],
        [snap('a.snap', minutesAgo(100))],
        policyFromConfig({ snapshots: { maxAge: { mounts: '90m' } } }),
      ).allowed,
    ).toBe(false);
    expect(
      decide(
        ['upgrade 1.17.0'],
        [snap('a.snap', minutesAgo(100))],
        policyFromConfig({ snapshots: { maxAge: { default: '2d' } } }),
      ).allowed,
    ).toBe(false);
    expect(
      decide(
        ['upgrade 1.17.0'],
        [snap('a.snap', minutesAgo(40))],
        policyFromConfig({ snapshots: { maxAge: { default: '30m' } } }),
      ).allowed,
    ).toBe(false);
    expect(
      decide(
        ['upgrade 1.17.0'],
        [snap('a.snap', minutesAgo(100))],
        policyFromConfig({ snapshots: { maxAge: { upgrade: '2h' } } }),
      ).allowed,
    ).toBe(true);
    expect(
      decide(['upgrade 1.17.0'], [snap('a.snap', minutesAgo(20))], policyFromConfig({ clockSkew: '1m' })).allowed,
    ).toBe(true);
    expect(
      decide(['upgrade 1.17.0'], [snap('a.snap', minutesAgo(-2))], policyFromConfig({ clockSkew: '1m' })).allowed,
    ).toBe(false);
  });

  it('records an override: who, when, why; and the reasons stay', () => {
    const d = decide(['POST sys/mounts/kv'], [], defaultPolicy, 'change window CHG-123, snapshot taken by hand');
    expect(d.allowed).toBe(true);
    expect(d.overridden).toEqual({ reason: 'change window CHG-123, snapshot taken by hand', by: 'alice', at: NOW });
    expect(d.reasons).toHaveLength(1);
    expect(decide(['GET sys/health'], [], defaultPolicy, 'x').overridden).toBeNull();
  });

  it('says what to do next, with the exact command', () => {
    const d = evaluate(['POST sys/mounts/kv'], { now: NOW, snapshots: [], snapshotDir: '/backups' });
    expect(d.next[0]).toBe(
      'Take a snapshot now: vault operator raft snapshot save /backups/vault-20261126T120000Z.snap',
    );
    expect(d.next.at(-1)).toMatch(/--override "why"/);
  });

  it('is pure: the same inputs decide the same', () => {
    const args = [['upgrade 1.17.0', 'POST sys/mounts/x'], [snap('a.snap', minutesAgo(5))]] as const;
    expect(decide([...args[0]], [...args[1]])).toEqual(decide([...args[0]], [...args[1]]));
  });
});
