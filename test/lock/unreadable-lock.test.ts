import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/index.js';
import { changeLockAbove, LOCK_FILE_NAME } from '../../src/lock/index.js';
import { othersLock } from '../helpers/lock.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * A lock that cannot be read says nothing about whether a snapshot is being taken: another user's live lock (mode
 * 0600, EACCES here), one being written this very moment (empty), or not this tool's. Counted as a stale one (a
 * warning), it let a change go while a backup was running; it is a no-go, as it already was for exec and lock.
 */
const spellings = [
  ['empty (its holder is writing it)', (file: string) => writeFileSync(file, '')],
  ['not a lock this tool wrote', (file: string) => writeFileSync(file, '{"pid": 1}')],
  ['a symbolic link', (file: string) => symlinkSync(path.join(path.dirname(file), 'elsewhere'), file)],
  ['a folder', (file: string) => mkdirSync(file)],
] as const;

describe('a lock that cannot be read is a no-go, never a stale lock that only warns', () => {
  it.each(spellings)('check: a lock file %s', async (_, make) => {
    const cwd = tempDir('unreadable-lock-');
    const backups = path.join(cwd, 'backups');
    mkdirSync(backups, { mode: 0o700 });
    writeFileSync(path.join(backups, 'fresh.snap'), buildSnapshot({ takenAt: new Date(Date.now() - 60_000) }), {
      mode: 0o600,
    });
    make(path.join(backups, LOCK_FILE_NAME));
    const d = await check({ cwd, snapshotDir: 'backups', operations: ['POST sys/mounts/kv'], env: {} });
    expect(d.verdict).toBe('no-go');
    expect(d.inProgress).toEqual([
      { code: 'STALE_LOCK', severity: 'no-go', reason: expect.stringMatching(/cannot be read .*cannot be told/) },
    ]);
  });

  it('a stale lock (its process gone) still only warns', async () => {
    const cwd = tempDir('unreadable-lock-');
    mkdirSync(path.join(cwd, 'backups'), { mode: 0o700 });
    writeFileSync(path.join(cwd, 'backups', 'fresh.snap'), buildSnapshot({ takenAt: new Date(Date.now() - 60_000) }));
    writeFileSync(path.join(cwd, 'backups', LOCK_FILE_NAME), othersLock({ pid: 2 ** 22 + 7 }));
    const d = await check({ cwd, snapshotDir: 'backups', operations: ['POST sys/mounts/kv'], env: {} });
    expect(d.inProgress.map((f) => [f.code, f.severity])).toEqual([['STALE_LOCK', 'warning']]);
    expect(d.verdict).toBe('go');
  });

  it.each(spellings)('snapshot save below a folder whose lock is %s: refused', async (_, make) => {
    const backups = tempDir('unreadable-lock-');
    mkdirSync(path.join(backups, 'daily'));
    make(path.join(backups, LOCK_FILE_NAME));
    expect(await changeLockAbove(path.join(backups, 'daily'), {})).toMatchObject({ state: 'unreadable' });
  });
});
