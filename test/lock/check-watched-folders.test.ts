import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/index.js';
import { LOCK_FILE_NAME } from '../../src/lock/index.js';
import { othersLock } from '../helpers/lock.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The folders exec locks are the snapshot folders of the check (docs/not-during.md): a snapshot being taken into
 * any of them is a snapshot in progress for check too, not only in the one folder the evidence is searched in.
 */
describe('check sees a snapshot in progress in every snapshot folder it knows of', () => {
  const obstacles = [
    ['a live snapshot lock', (dir: string) => writeFileSync(path.join(dir, LOCK_FILE_NAME), othersLock())],
    ['a file in flight', (dir: string) => writeFileSync(path.join(dir, '.next.snap.0a1b2c3d.partial'), 'streaming')],
  ] as const;
  const folders = [
    ['--snapshot-dir', { snapshotDir: 'backups' }, false],
    ['snapshots.dir of the config', {}, true],
    ['the folder of a --snapshot file', { snapshots: ['backups/fresh.snap'] }, false],
    ['snapshots.dir of the config, with --snapshot-dir naming another', { snapshotDir: 'elsewhere' }, true],
  ] as const;
  for (const [obstacle, make] of obstacles) {
    it.each(folders)(`${obstacle} in %s: a no-go`, async (_, options, config) => {
      const cwd = tempDir('watched-');
      const backups = path.join(cwd, 'backups');
      const elsewhere = path.join(cwd, 'elsewhere');
      for (const d of [backups, elsewhere]) mkdirSync(d, { mode: 0o700 });
      const fresh = buildSnapshot({ takenAt: new Date(Date.now() - 60_000) });
      for (const d of [backups, elsewhere]) writeFileSync(path.join(d, 'fresh.snap'), fresh, { mode: 0o600 });
      if (config) writeFileSync(path.join(cwd, 'vault-change-gate.config.json'), '{"snapshots":{"dir":"backups"}}');
      const before = await check({ cwd, operations: ['POST sys/mounts/kv'], ...options, env: {} });
      expect(before.verdict, before.reasons.join('\n')).toBe('go');
      make(backups);
      const during = await check({ cwd, operations: ['POST sys/mounts/kv'], ...options, env: {} });
      expect(during.verdict).toBe('no-go');
      expect(during.inProgress.map((f) => [f.code, f.severity])).toContainEqual(['SNAPSHOT_IN_PROGRESS', 'no-go']);
    });
  }
});

describe('the folder of a --snapshot file is looked at on its own level only', () => {
  it("a snapshot named in a project folder: the project's subfolders (node_modules, builds) are no snapshot folder", async () => {
    const cwd = tempDir('beside-');
    writeFileSync(path.join(cwd, 'fresh.snap'), buildSnapshot({ takenAt: new Date(Date.now() - 60_000) }));
    // A subfolder past the entry bound, and a temp name deep inside it: neither is about the snapshot named.
    const deps = path.join(cwd, 'node_modules', 'pkg');
    mkdirSync(deps, { recursive: true });
    for (let i = 0; i < 20_001; i++) writeFileSync(path.join(deps, `f${i}`), '');
    writeFileSync(path.join(deps, 'cache.snap.tmp123'), 'x');
    const go = await check({ cwd, operations: ['POST sys/mounts/kv'], snapshots: ['fresh.snap'], env: {} });
    expect(go.verdict, go.reasons.join('\n')).toBe('go');
    expect(go.inProgress).toEqual([]);
    // Beside the file, a snapshot being written still counts.
    writeFileSync(path.join(cwd, '.next.snap.0a1b2c3d.partial'), 'streaming');
    const during = await check({ cwd, operations: ['POST sys/mounts/kv'], snapshots: ['fresh.snap'], env: {} });
    expect(during.verdict).toBe('no-go');
    expect(during.inProgress.map((f) => f.code)).toEqual(['SNAPSHOT_IN_PROGRESS']);
  });
});
