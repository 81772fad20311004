import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/index.js';
import { findInFlight, type SizeProbe } from '../../src/lock/index.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { tempDir } from '../helpers/tmp.js';

const NOW = Date.parse('2026-12-04T10:00:00Z');

/** A clock that never sleeps: `wait` moves time on and counts the waits. */
function fakeClock(start = NOW) {
  let now = start;
  const waits: number[] = [];
  return {
    waits,
    clock: {
      now: () => now,
      wait: async (ms: number) => {
        waits.push(ms);
        now += ms;
      },
    },
  };
}

/** Sizes per file, per look: the first look sees sizes[0], the second sizes[1]; mtime is "now" unless given. */
function probeOf(files: Record<string, { sizes: number[]; mtimeMs?: number }>): SizeProbe {
  const looks = new Map<string, number>();
  return async (file) => {
    const spec = files[path.basename(file)];
    if (!spec) return null;
    const n = looks.get(file) ?? 0;
    looks.set(file, n + 1);
    return { size: spec.sizes[Math.min(n, spec.sizes.length - 1)] as number, mtimeMs: spec.mtimeMs ?? NOW - 500 };
  };
}

/** A folder holding empty files of these names (the probe decides their sizes). */
function folder(...names: string[]): string {
  const dir = tempDir('inflight-');
  for (const n of names) {
    mkdirSync(path.dirname(path.join(dir, n)), { recursive: true });
    writeFileSync(path.join(dir, n), '');
  }
  return dir;
}

describe('snapshots in flight', () => {
  it.each([
    ['.b.snap.0a1b2c3d4e5f.partial', 'this tool'],
    ['.b.snap.0a1b2c3d4e5f.json.partial', 'this tool'],
    ['consul-20261204.snap.unverified', 'consul snapshot save'],
    ['consul-20261204.snap.unverified.tmp3344556677', 'consul snapshot save'],
    ['nightly/vault.snap.tmp123', 'temporary file'],
    ['vault.snap.tmp', 'temporary file'],
    ['.vault-2026.snap.Xa9b2Q', 'rsync'],
  ])('a temporary name of a snapshot writer: %s', async (name, by) => {
    const dir = folder(name, 'old.snap');
    const old = NOW - 3_600_000;
    const probe = probeOf({
      [path.basename(name)]: { sizes: [10], mtimeMs: old },
      'old.snap': { sizes: [5], mtimeMs: old },
    });
    const { clock, waits } = fakeClock();
    const found = await findInFlight(dir, { probe, clock });
    expect(found).toHaveLength(1);
    expect(found[0]?.file).toBe(name);
    expect(found[0]?.why).toContain(by);
    expect(found[0]?.why).toContain('1h ago');
    // Nothing was modified recently: no second look, no waiting.
    expect(waits).toEqual([]);
  });

  it('a file that grows between two looks (vault operator raft snapshot save writes FILE itself)', async () => {
    const dir = folder('vault-now.snap', 'done.snap');
    const probe = probeOf({ 'vault-now.snap': { sizes: [4096, 8192] }, 'done.snap': { sizes: [900, 900] } });
    const { clock, waits } = fakeClock();
    const found = await findInFlight(dir, { probe, clock, intervalMs: 250 });
    expect(waits).toEqual([250]);
    expect(found).toEqual([{ file: 'vault-now.snap', why: expect.stringMatching(/still growing \(4096 then 8192/) }]);
  });

  it('a recent file that does not grow, an old one, the lock file itself: nothing in flight', async () => {
    const dir = folder('a.snap', 'b.snap', '.vault-change-gate.lock');
    const probe = probeOf({
      'a.snap': { sizes: [100, 100] },
      'b.snap': { sizes: [10, 99], mtimeMs: NOW - 3_600_000 }, // old: never looked at twice
      '.vault-change-gate.lock': { sizes: [10, 20] },
    });
    const { clock, waits } = fakeClock();
    expect(await findInFlight(dir, { probe, clock })).toEqual([]);
    expect(waits).toHaveLength(1);
  });

  it('a file that vanished between the looks (renamed into place) is not in flight', async () => {
    const dir = folder('x.snap');
    let n = 0;
    const probe: SizeProbe = async () => (n++ === 0 ? { size: 1, mtimeMs: NOW } : null);
    expect(await findInFlight(dir, { probe, clock: fakeClock().clock })).toEqual([]);
  });

  it('check: a growing file in the snapshot folder is SNAPSHOT_IN_PROGRESS, a no-go for a change that needs one', async () => {
    const dir = tempDir('inflight-');
    writeFileSync(path.join(dir, 'fresh.snap'), buildSnapshot({ takenAt: new Date(NOW - 60_000) }), { mode: 0o600 });
    writeFileSync(path.join(dir, 'streaming.snap'), '');
    const probe = probeOf({ 'fresh.snap': { sizes: [2000] }, 'streaming.snap': { sizes: [10, 20] } });
    const { clock } = fakeClock();
    const options = { cwd: dir, snapshotDir: '.', now: new Date(NOW), inFlight: { probe, clock } };
    const d = await check({ ...options, operations: ['POST sys/mounts/kv'] });
    expect(d.allowed).toBe(false);
    expect(d.inProgress).toEqual([
      { code: 'SNAPSHOT_IN_PROGRESS', severity: 'no-go', reason: expect.stringContaining('streaming.snap') },
    ]);
    expect(d.reasons[0]).toMatch(/A snapshot is in flight in \.: streaming\.snap is still growing/);
    // A read needs no backup: the folder is not even looked at.
    const read = await check({ ...options, operations: ['GET sys/mounts'] });
    expect(read.allowed).toBe(true);
    expect(read.inProgress).toEqual([]);
  });

  it('as deep as the evidence is searched: a snapshot written 12 folders down is in flight too', async () => {
    const dir = tempDir('inflight-');
    writeFileSync(path.join(dir, 'fresh.snap'), buildSnapshot({ takenAt: new Date(Date.now() - 60_000) }), {
      mode: 0o600,
    });
    const deep = path.join(dir, ...'abcdefghijkl'.split(''));
    mkdirSync(deep, { recursive: true });
    // The evidence search reaches this deep: a snapshot finished here would count, so one being written here is seen.
    writeFileSync(path.join(deep, 'older.snap'), buildSnapshot({ takenAt: new Date(Date.now() - 120_000) }));
    writeFileSync(path.join(deep, '.next.snap.0a1b2c3d4e5f.partial'), 'streaming');
    expect((await findInFlight(dir)).map((f) => f.file)).toEqual([
      'a/b/c/d/e/f/g/h/i/j/k/l/.next.snap.0a1b2c3d4e5f.partial',
    ]);
    const d = await check({ cwd: dir, snapshotDir: '.', operations: ['POST sys/mounts/kv'], env: {} });
    expect(d.verdict).toBe('no-go');
    expect(d.inProgress.map((f) => f.code)).toEqual(['SNAPSHOT_IN_PROGRESS']);
  });

  it('a folder with more entries than are looked at: a snapshot written past them cannot be ruled out', async () => {
    const dir = tempDir('inflight-');
    writeFileSync(path.join(dir, 'a.snap'), buildSnapshot({ takenAt: new Date(Date.now() - 60_000) }), { mode: 0o600 });
    for (let i = 0; i < 20_000; i++) writeFileSync(path.join(dir, `old-${String(i).padStart(5, '0')}`), '');
    // Sorted after the 20,000 others: the one file a bounded look would never reach.
    writeFileSync(path.join(dir, 'zz-vault.snap.tmp1'), 'streaming');
    const d = await check({ cwd: dir, snapshotDir: '.', operations: ['POST sys/mounts/kv'], env: {} });
    expect(d.verdict).toBe('no-go');
    expect(d.inProgress).toEqual([
      {
        code: 'SNAPSHOT_IN_PROGRESS',
        severity: 'no-go',
        reason: expect.stringMatching(/^Whether a snapshot is being written into \. cannot be told: .*20000 entries/),
      },
    ]);
  }, 60_000);

  it('check right after a save: a snapshot verified valid (and its sidecar) is complete, so no second look', async () => {
    const dir = tempDir('inflight-');
    writeFileSync(path.join(dir, 'fresh.snap'), buildSnapshot({ takenAt: new Date(NOW - 1000) }), { mode: 0o600 });
    writeFileSync(path.join(dir, 'fresh.snap.json'), '{}', { mode: 0o600 });
    const probe = probeOf({ 'fresh.snap': { sizes: [2000] }, 'fresh.snap.json': { sizes: [2] } });
    const { clock, waits } = fakeClock();
    const options = { cwd: dir, snapshotDir: '.', now: new Date(NOW), inFlight: { probe, clock } };
    const d = await check({ ...options, operations: ['POST sys/mounts/kv'] });
    expect(d.inProgress).toEqual([]);
    expect(waits).toEqual([]);
    // A recent file that is not a valid snapshot is still looked at twice.
    writeFileSync(path.join(dir, 'notes.txt'), 'x');
    const again = fakeClock();
    const probe2 = probeOf({ 'fresh.snap': { sizes: [2000] }, 'notes.txt': { sizes: [1, 1] } });
    await check({ ...options, inFlight: { probe: probe2, clock: again.clock }, operations: ['POST sys/mounts/kv'] });
    expect(again.waits).toEqual([300]);
  });
});
