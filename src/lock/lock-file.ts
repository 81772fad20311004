import { randomBytes } from 'node:crypto';
import { link, open, realpath, rename, rm } from 'node:fs/promises';
import { constants, readFileSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { fsErrorWords } from '../shared/fs-errors.js';

/**
 * The lock of a snapshot folder: one file, `DIR/.vault-change-gate.lock`, created with O_EXCL, so that a snapshot
 * and a change never run at the same time (Vault's storage docs: back up before, but not during, writes to /sys).
 * `snapshot` is held while a snapshot is written into the folder; `change` while a change runs against the cluster
 * whose backups the folder holds (exec, withChangeLock, `lock acquire`).
 */
export const LOCK_FILE_NAME = '.vault-change-gate.lock';

export const LockPurposeSchema = z.enum(['snapshot', 'change']);
export type LockPurpose = z.infer<typeof LockPurposeSchema>;

/** Which cluster the lock is for; every field null when unknown (then it counts as the same cluster as any). */
export const LockClusterSchema = z.strictObject({
  id: z.string().nullable(),
  name: z.string().nullable(),
  address: z.string().nullable(),
});
export type LockCluster = z.infer<typeof LockClusterSchema>;

export const LockInfoSchema = z.strictObject({
  kind: z.literal('vault-change-gate/lock'),
  version: z.literal(1),
  purpose: LockPurposeSchema,
  /** The holder's process; null for a lock taken by `lock acquire`, which outlives the command that took it. */
  pid: z.number().int().positive().nullable(),
  host: z.string(),
  /** ISO 8601. */
  startedAt: z.string(),
  cluster: LockClusterSchema,
  /** What holds it, in a few words (`snapshot save backups/x.snap`, `exec terraform apply`, the --reason). */
  reason: z.string(),
  /** ISO 8601: after this the lock is stale; null: held until released. */
  expiresAt: z.string().nullable(),
  /** Random: tells this holder's lock from a later one at the same path. */
  token: z.string(),
});
export type LockInfo = z.infer<typeof LockInfoSchema>;

/** A lock found in a folder, judged. `stale`: its process is gone on this host, or it expired. */
export type FoundLock =
  | { readonly state: 'live' | 'stale'; readonly file: string; readonly info: LockInfo; readonly why: string }
  | { readonly state: 'unreadable'; readonly file: string; readonly info: null; readonly why: string };

export interface LockRequest {
  readonly purpose: LockPurpose;
  readonly reason: string;
  readonly cluster?: Partial<LockCluster>;
  /** Held by no process (`lock acquire`): stale only when it expires. */
  readonly detached?: boolean;
  /** From now; none: held until released. */
  readonly ttlMs?: number;
  /** Remove a stale or unreadable lock first (never a live one). */
  readonly breakStale?: boolean;
  /** Our clock (tests). */
  readonly now?: () => Date;
}

/** A lock this process holds. `release` removes the file only while it is still ours; safe to call twice. */
export interface HeldLock {
  readonly file: string;
  readonly info: LockInfo;
  /** True when another holder of this process already held it (exec's change lock, then its own snapshot). */
  readonly nested: boolean;
  readonly release: () => Promise<void>;
  readonly releaseSync: () => void;
}

export type AcquireResult =
  { readonly acquired: true; readonly lock: HeldLock } | { readonly acquired: false; readonly found: FoundLock };

export const lockFile = (dir: string): string => path.join(dir, LOCK_FILE_NAME);

/** Tokens of the locks this process holds, by file: a second holder here nests instead of refusing. */
const held = new Map<string, LockInfo>();

/** Whether process `pid` exists on this host (EPERM: it exists, owned by someone else). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds it since when, for a sentence: `snapshot save x.snap (pid 42 on host-a, since 2026-…)`. */
export function describeHolder(info: LockInfo): string {
  const who = info.pid === null ? `taken with "lock acquire" on ${info.host}` : `pid ${info.pid} on ${info.host}`;
  const until = info.expiresAt ? `, until ${info.expiresAt}` : '';
  return `${info.reason} (${who}, since ${info.startedAt}${until})`;
}

/** Judges a lock's content: live, or stale with why. Pure except for asking whether a local pid exists. */
export function judge(file: string, text: string, now: number = Date.now()): FoundLock {
  let info: LockInfo;
  try {
    info = LockInfoSchema.parse(JSON.parse(text));
  } catch {
    // Empty: a holder is writing it this very moment, or died doing so; either way it is not ours to take.
    const why = text.trim() === '' ? 'it is empty' : 'it is not a lock this tool wrote';
    return { state: 'unreadable', file, info: null, why };
  }
  if (info.expiresAt !== null && Date.parse(info.expiresAt) <= now) {
    return { state: 'stale', file, info, why: `it expired at ${info.expiresAt}` };
  }
  if (info.pid !== null && info.host === hostname() && !alive(info.pid)) {
    return { state: 'stale', file, info, why: `its process ${info.pid} is gone (killed, or the machine restarted)` };
  }
  const why = info.host === hostname() ? 'its holder is running' : `it was taken on another host (${info.host})`;
  return { state: 'live', file, info, why };
}

/** A lock is a few hundred bytes: more is not a lock this tool wrote (and is not read whole). */
const MAX_LOCK_BYTES = 64 * 1024;

/** The lock file's text; a symbolic link or anything but a regular file is refused, never followed. */
async function readLockText(file: string): Promise<string> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'NOT_A_FILE' });
    const buffer = Buffer.alloc(Math.min(info.size, MAX_LOCK_BYTES));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** The lock in `dir`, judged; null when there is none. */
export async function readLock(dir: string, now: number = Date.now()): Promise<FoundLock | null> {
  const file = lockFile(dir);
  let text: string;
  try {
    text = await readLockText(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    const why =
      code === 'ELOOP' ? 'it is a symbolic link' : code === 'NOT_A_FILE' ? 'it is not a file' : fsErrorWords(error);
    return { state: 'unreadable', file, info: null, why };
  }
  return judge(file, text, now);
}

/**
 * A live change lock of the same cluster in a folder above `dir` (by its real path), or null. A change locks its
 * snapshot folder, and snapshots are looked for in the folder's subfolders too: a snapshot saved into one of them
 * during the change is a backup taken during the change all the same. A lock above that cannot be read (another
 * user's change, mode 0600) may be such a change: it is returned too.
 */
export async function changeLockAbove(
  dir: string,
  cluster: Partial<LockCluster>,
  now: number = Date.now(),
): Promise<FoundLock | null> {
  let d = await realpath(dir).catch(() => path.resolve(dir));
  for (let parent = path.dirname(d); parent !== d; d = parent, parent = path.dirname(d)) {
    const found = await readLock(parent, now);
    if (found?.state === 'unreadable') return found;
    if (found?.state === 'live' && found.info.purpose === 'change' && !heldHere(found)) {
      if (sameCluster(found.info.cluster, cluster)) return found;
    }
  }
  return null;
}

/** Whether this process holds the lock `found` (then it is no obstacle to itself). */
export const heldHere = (found: FoundLock): boolean =>
  // By token, not by path: one folder has many spellings (relative, through a symbolic link).
  found.info !== null && [...held.values()].some((info) => info.token === found.info?.token);

/**
 * Two clusters are the same unless both IDs, or (an ID missing) both names, differ. Addresses are not compared:
 * one cluster has many spellings of its address, and a wrong "different" would let a change run during a backup.
 */
export function sameCluster(a: LockCluster, b: Partial<LockCluster>): boolean {
  if (a.id && b.id) return a.id === b.id;
  if (a.name && b.name) return a.name === b.name;
  return true;
}

function ownership(file: string, info: LockInfo, nested: boolean): HeldLock {
  let released = nested;
  const stillOurs = (text: string) => {
    try {
      return (JSON.parse(text) as { token?: unknown }).token === info.token;
    } catch {
      return false;
    }
  };
  return {
    file,
    info,
    nested,
    release: async () => {
      if (released) return;
      released = true;
      held.delete(file);
      const text = await readLockText(file).catch(() => '');
      if (stillOurs(text)) await rm(file, { force: true });
    },
    releaseSync: () => {
      if (released) return;
      released = true;
      held.delete(file);
      try {
        if (stillOurs(readFileSync(file, 'utf8'))) unlinkSync(file);
      } catch {
        // already gone
      }
    },
  };
}

/** Creates the lock file with O_EXCL and fsyncs it; false when one is there already. */
async function create(file: string, info: LockInfo): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new LockError(`cannot create the lock ${file}: ${fsErrorWords(error, true)}`, { cause: error });
  }
  try {
    await handle.writeFile(`${JSON.stringify(info, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Moves a stale lock aside, but only the very one that was judged stale: if another process replaced it in the
 * meantime, it is put back and the break fails.
 */
async function breakLock(found: FoundLock): Promise<boolean> {
  const aside = `${found.file}.broken-${randomBytes(4).toString('hex')}`;
  const before = found.info?.token ?? null;
  try {
    await rename(found.file, aside);
  } catch {
    return true; // gone already: try to take it
  }
  const moved = await readLockText(aside).catch(() => '');
  let token: unknown = null;
  try {
    token = (JSON.parse(moved) as { token?: unknown }).token ?? null;
  } catch {
    token = null;
  }
  if (token !== before) {
    await link(aside, found.file).catch(() => {});
    await rm(aside, { force: true });
    return false;
  }
  await rm(aside, { force: true });
  return true;
}

/** Taking the lock failed for a reason that is the machine's, not a holder's (a folder that cannot be written). */
export class LockError extends UserError {
  override readonly name = 'LockError';
}

/**
 * Takes the lock of `dir` for `request.purpose`. Another live holder, a stale lock (unless `breakStale`) or an
 * unreadable one: not acquired, with the lock found. A lock this process already holds nests. Never waits.
 */
export async function acquireLock(dir: string, request: LockRequest): Promise<AcquireResult> {
  const file = lockFile(dir);
  const now = request.now?.() ?? new Date();
  const cluster = { id: null, name: null, address: null, ...request.cluster };
  const info: LockInfo = {
    kind: 'vault-change-gate/lock',
    version: 1,
    purpose: request.purpose,
    pid: request.detached ? null : process.pid,
    host: hostname(),
    startedAt: now.toISOString(),
    cluster,
    reason: request.reason,
    expiresAt: request.ttlMs === undefined ? null : new Date(now.getTime() + request.ttlMs).toISOString(),
    token: randomBytes(12).toString('hex'),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await create(file, info)) {
      // A detached lock belongs to no process: nothing here releases it but `lock release`.
      if (!request.detached) held.set(file, info);
      return { acquired: true, lock: ownership(file, info, false) };
    }
    const found = await readLock(dir, now.getTime());
    if (found === null) continue; // released between the two looks: try again
    if (heldHere(found) && found.info) return { acquired: true, lock: ownership(file, found.info, true) };
    if (found.state === 'live' || !request.breakStale) return { acquired: false, found };
    if (!(await breakLock(found))) continue;
  }
  const found = await readLock(dir, now.getTime());
  if (found) return { acquired: false, found };
  throw new LockError(`cannot take the lock ${file}: it keeps changing hands`);
}

/** Removes a detached (`lock acquire`) change lock, or a stale one with `breakStale`; says what it did. */
export async function releaseDetached(
  dir: string,
  options: { breakStale?: boolean; now?: number } = {},
): Promise<{ released: boolean; found: FoundLock | null }> {
  const found = await readLock(dir, options.now);
  if (!found) return { released: false, found: null };
  const detached = found.info?.purpose === 'change' && found.info.pid === null;
  if (!detached && !(options.breakStale && found.state !== 'live')) return { released: false, found };
  return { released: await breakLock(found), found };
}
