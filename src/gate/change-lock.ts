import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { redactUrl } from '../classify/redact.js';
import { loadConfig, resolveConfigPath } from '../config/load.js';
import { acquireLock, obstacle, type HeldLock, type LockCluster, type Obstacle } from '../lock/index.js';
import type { CheckOptions } from './check-options.js';
import { showFolder } from './in-progress.js';

/** Where the change lock goes and what it says. */
export interface ChangeLockOptions extends Pick<
  CheckOptions,
  'cwd' | 'snapshotDir' | 'configFile' | 'config' | 'takeSnapshot' | 'snapshots' | 'env'
> {
  /** What holds it, shown to whoever it stops (default "a change"). */
  readonly reason?: string;
  /** The folders to lock; default: the snapshot folders the check would read or write (see changeLockFolders). */
  readonly folders?: readonly string[];
  /** Which cluster the change is for (default: VAULT_ADDR of `env`). */
  readonly cluster?: Partial<LockCluster>;
  /** Remove a stale lock first (never a live one). */
  readonly breakStaleLock?: boolean;
}

/** The change lock could not be taken: a snapshot is being taken (or a stale lock is left) in `folder`. */
export class ChangeLockError extends Error {
  override readonly name = 'ChangeLockError';
  readonly obstacle: Obstacle;
  readonly folder: string;
  constructor(found: Obstacle, folder: string) {
    super(found.reason);
    this.obstacle = found;
    this.folder = folder;
  }
}

/**
 * The snapshot folders of a check: --snapshot-dir, snapshots.dir and each cluster's, the folders of --snapshot
 * files, and the --take-snapshot folder (made if missing, as taking a snapshot would). Missing ones are left out.
 */
export async function changeLockFolders(options: ChangeLockOptions): Promise<string[]> {
  const cwd = options.cwd ?? process.cwd();
  if (options.folders) return [...new Set(options.folders.map((f) => path.resolve(cwd, f)))];
  const loaded =
    options.config ??
    (await loadConfig({ cwd, ...(options.configFile !== undefined ? { file: options.configFile } : {}) }));
  const { config, baseDir } = loaded;
  const dirs: string[] = [];
  if (options.snapshotDir !== undefined) dirs.push(path.resolve(cwd, options.snapshotDir));
  if (config.snapshots?.dir !== undefined) dirs.push(resolveConfigPath(config.snapshots.dir, baseDir));
  for (const c of config.clusters ?? []) {
    if (c.snapshots?.dir !== undefined) dirs.push(resolveConfigPath(c.snapshots.dir, baseDir));
  }
  for (const f of options.snapshots ?? []) dirs.push(path.dirname(path.resolve(cwd, f)));
  const existing: string[] = [];
  for (const d of new Set(dirs)) if ((await stat(d).catch(() => null))?.isDirectory()) existing.push(d);
  if (options.takeSnapshot !== undefined) {
    const root = path.resolve(cwd, options.takeSnapshot);
    const names = config.clusters?.length ? config.clusters.map((c) => c.name) : [null];
    for (const name of names) {
      const dir = name === null ? root : path.join(root, name);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      existing.push(dir);
    }
  }
  return [...new Set(existing)];
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Holds the change lock of every snapshot folder while `fn` runs, so that no `snapshot save` (nor
 * `check --take-snapshot`) of this tool starts during the change: Vault's storage docs say to back up before, but
 * not during, a change. Releases on every path: return, throw, and a signal (SIGINT, SIGTERM, SIGHUP) when nothing
 * else handles it (the lock goes, then the signal takes its default course); a handled signal leaves the release to
 * the handler's return. A change lock already held by another change (`lock acquire` in the same CI job) is
 * shared, not refused. Throws ChangeLockError, without running `fn`, while a snapshot is being taken or a stale
 * lock is left (unless `breakStaleLock`).
 */
export async function withChangeLock<T>(
  options: ChangeLockOptions,
  fn: (held: { readonly folders: readonly string[] }) => T | Promise<T>,
): Promise<T> {
  const cwd = options.cwd ?? process.cwd();
  const folders = await changeLockFolders(options);
  const addr = (options.env ?? process.env).VAULT_ADDR;
  const cluster = options.cluster ?? { address: addr ? redactUrl(addr) : null };
  const locks: HeldLock[] = [];
  const releaseSync = () => {
    for (const l of locks) l.releaseSync();
  };
  const handlers = SIGNALS.map((signal) => {
    const handler = () => {
      if (process.listenerCount(signal) > 1) return; // someone else stops the work; `finally` releases
      releaseSync();
      process.off(signal, handler);
      process.kill(process.pid, signal);
    };
    return [signal, handler] as const;
  });
  for (const [s, h] of handlers) process.on(s, h);
  process.on('exit', releaseSync);
  try {
    for (const dir of folders) {
      const request = {
        purpose: 'change' as const,
        reason: options.reason ?? 'a change',
        cluster,
        ...(options.breakStaleLock ? { breakStale: true } : {}),
      };
      const result = await acquireLock(dir, request);
      if (result.acquired) locks.push(result.lock);
      else if (result.found.state !== 'live' || result.found.info.purpose !== 'change') {
        throw new ChangeLockError(obstacle(result.found, showFolder(dir, cwd)), dir);
      }
    }
    return await fn({ folders });
  } finally {
    for (const [s, h] of handlers) process.off(s, h);
    process.off('exit', releaseSync);
    await Promise.all(locks.map((l) => l.release()));
  }
}
