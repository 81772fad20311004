import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ChangeLockError,
  createVaultClient,
  readVaultSettings,
  saveSnapshot,
  SnapshotSaveError,
  withChangeLock,
} from '../../src/index.js';
import { acquireLock, judge, LOCK_FILE_NAME, readLock, sameCluster, type LockInfo } from '../../src/lock/index.js';
import { othersLock } from '../helpers/lock.js';
import { tempDir } from '../helpers/tmp.js';
import { fakeVaults } from '../helpers/vault-server.js';

const TOKEN = 'hvs.test-token-not-secret';
const { fake } = fakeVaults();

const lockIn = (dir: string) => path.join(dir, LOCK_FILE_NAME);
const read = (dir: string) => JSON.parse(readFileSync(lockIn(dir), 'utf8')) as LockInfo;

describe('withChangeLock(options, fn)', () => {
  it('holds the change lock while fn runs and releases it after a return and after a throw', async () => {
    const dir = tempDir('wcl-');
    const result = await withChangeLock({ folders: [dir], reason: 'nightly rotation' }, ({ folders }) => {
      expect(folders).toEqual([dir]);
      expect(read(dir)).toMatchObject({ purpose: 'change', pid: process.pid, reason: 'nightly rotation' });
      return 42;
    });
    expect(result).toBe(42);
    expect(existsSync(lockIn(dir))).toBe(false);
    const failing = withChangeLock({ folders: [dir] }, () => {
      throw new Error('the change failed');
    });
    await expect(failing).rejects.toThrow('the change failed');
    expect(existsSync(lockIn(dir))).toBe(false);
  });

  it('a snapshot taken inside it, into the same folder, nests (it is before the change); another one refuses', async () => {
    const dir = tempDir('wcl-');
    const v = await fake();
    const client = createVaultClient(readVaultSettings({ VAULT_ADDR: v.address, VAULT_TOKEN: TOKEN }, dir));
    await withChangeLock({ folders: [dir] }, async () => {
      const saved = await saveSnapshot(client, path.join(dir, 'before.snap'));
      expect(saved.valid).toBe(true);
      expect(read(dir).purpose).toBe('change'); // still the change's lock
    });
    expect(readdirSync(dir).sort()).toEqual(['before.snap', 'before.snap.json']);
    // The same folder spelled through a symbolic link is still this change's own folder.
    const link = path.join(tempDir('wcl-'), 'link');
    symlinkSync(dir, link);
    await withChangeLock({ folders: [dir] }, () => saveSnapshot(client, path.join(link, 'via-link.snap')));
    expect(existsSync(path.join(dir, 'via-link.snap'))).toBe(true);
    // Held by another process: the save refuses, writing nothing.
    writeFileSync(lockIn(dir), othersLock({ purpose: 'change', reason: 'exec vault operator rekey' }));
    const refused = await saveSnapshot(client, path.join(dir, 'during.snap')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SnapshotSaveError);
    expect((refused as { obstacle: { code: string } }).obstacle.code).toBe('CHANGE_IN_PROGRESS');
    expect(existsSync(path.join(dir, 'during.snap'))).toBe(false);
  });

  it('refuses with ChangeLockError (fn never runs) while another process takes a snapshot', async () => {
    const dir = tempDir('wcl-');
    writeFileSync(lockIn(dir), othersLock({}));
    let ran = false;
    const error = await withChangeLock({ folders: [dir], cwd: dir }, () => (ran = true)).catch((e: unknown) => e);
    expect(ran).toBe(false);
    expect(error).toBeInstanceOf(ChangeLockError);
    expect((error as ChangeLockError).obstacle.code).toBe('SNAPSHOT_IN_PROGRESS');
    expect((error as ChangeLockError).message).toMatch(
      /A snapshot is being taken into \.: snapshot save other\.snap \(pid/,
    );
    expect(read(dir).token).toBe('theirs');
  });

  it('a stale lock (process gone) refuses with STALE_LOCK; breakStaleLock takes it, then releases', async () => {
    const dir = tempDir('wcl-');
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
    writeFileSync(lockIn(dir), othersLock({ pid: dead }));
    const error = await withChangeLock({ folders: [dir] }, () => 0).catch((e: unknown) => e);
    expect((error as ChangeLockError).obstacle.code).toBe('STALE_LOCK');
    expect(read(dir).token).toBe('theirs');
    await withChangeLock({ folders: [dir], breakStaleLock: true }, () => expect(read(dir).pid).toBe(process.pid));
    expect(existsSync(lockIn(dir))).toBe(false);
  });

  it('shares a live change lock of a runbook (lock acquire) and leaves it in place', async () => {
    const dir = tempDir('wcl-');
    const manual = await acquireLock(dir, { purpose: 'change', reason: 'CI job 7', detached: true });
    expect(manual.acquired).toBe(true);
    await withChangeLock({ folders: [dir] }, () => expect(read(dir).reason).toBe('CI job 7'));
    expect(read(dir).reason).toBe('CI job 7');
  });
});

describe('the lock file', () => {
  it('a folder that cannot be locked is said as a folder that cannot be written', async () => {
    const dir = tempDir('wcl-');
    const v = await fake();
    const client = createVaultClient(readVaultSettings({ VAULT_ADDR: v.address, VAULT_TOKEN: TOKEN }, dir));
    const missing = path.join(dir, 'no-such-folder', 'b.snap');
    await expect(saveSnapshot(client, missing)).rejects.toThrow(
      /cannot write beside .*b\.snap: its folder does not exist/,
    );
    expect(v.requests.filter((r) => r.url.includes('snapshot'))).toEqual([]);
  });

  it('a lock that is a symbolic link or a FIFO is never followed nor waited on; broken, only the link goes', async () => {
    const dir = tempDir('wcl-');
    const target = path.join(tempDir('wcl-'), 'precious');
    writeFileSync(target, othersLock({ pid: spawnSync(process.execPath, ['-e', '']).pid as number }));
    symlinkSync(target, lockIn(dir));
    const found = await readLock(dir);
    expect(found).toMatchObject({ state: 'unreadable', why: 'it is a symbolic link' });
    const refused = await withChangeLock({ folders: [dir] }, () => 0).catch((e: unknown) => e);
    expect((refused as ChangeLockError).obstacle.code).toBe('STALE_LOCK');
    await withChangeLock({ folders: [dir], breakStaleLock: true }, () => expect(read(dir).pid).toBe(process.pid));
    expect(existsSync(target)).toBe(true);
    const fifo = tempDir('wcl-');
    spawnSync('mkfifo', [lockIn(fifo)]);
    expect(await readLock(fifo)).toMatchObject({ state: 'unreadable', why: 'it is not a file' });
  });

  it('an empty or foreign lock file is unreadable, never free', () => {
    expect(judge('/x', '').state).toBe('unreadable');
    expect(judge('/x', '{"pid": 1}')).toMatchObject({ state: 'unreadable', why: 'it is not a lock this tool wrote' });
  });

  it('a lock taken on another host is live: its process cannot be asked from here', () => {
    const found = judge('/x', othersLock({ host: 'elsewhere.example', pid: 999_999 }));
    expect(found).toMatchObject({ state: 'live', why: 'it was taken on another host (elsewhere.example)' });
  });

  it('clusters differ only by both IDs, or both names; addresses are not compared', () => {
    const a = { id: 'c1', name: 'prod', address: 'https://vault:8200' };
    expect(sameCluster(a, { id: 'c1' })).toBe(true);
    expect(sameCluster(a, { id: 'c2', name: 'prod' })).toBe(false);
    expect(sameCluster({ ...a, id: null }, { name: 'staging' })).toBe(false);
    expect(sameCluster(a, { address: 'https://other:8200' })).toBe(true);
    expect(sameCluster({ id: null, name: null, address: null }, { id: 'c9' })).toBe(true);
  });
});
