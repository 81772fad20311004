import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { SnapshotInspection } from '../snapshot/schema.js';
import {
  findInFlight,
  heldHere,
  obstacle,
  readLock,
  sameCluster,
  type InFlightOptions,
  type LockCluster,
} from '../lock/index.js';
import { autoSnapshotInProgress } from './auto-snapshot-window.js';
import { show } from './evidence.js';
import type { ClusterFacts, InProgress } from './schema.js';
import type { Shared, Target } from './targets.js';

/** A folder as sentences show it: relative to the working folder, `.` for the working folder itself. */
export const showFolder = (dir: string, cwd: string): string => (dir === cwd ? '.' : show(dir, cwd));

/** A snapshot folder to look into, and how it is shown. */
export interface WatchedFolder {
  readonly dir: string;
  readonly shown: string;
  /** Only the folder's own files, not its subfolders: the folder of a snapshot named on the command line. */
  readonly shallow?: boolean;
}

/**
 * Backups and changes in progress in the snapshot folders: the lock (a snapshot of the same cluster: no-go; a
 * change: a note, since the check may be part of it; stale: a warning) and snapshot files in flight (no-go). A lock
 * this process holds (exec's own) is no obstacle.
 */
export async function folderInProgress(
  folders: readonly WatchedFolder[],
  cluster: Partial<LockCluster>,
  options: { readonly now: number; readonly inFlight?: InFlightOptions },
): Promise<InProgress[]> {
  const out: InProgress[] = [];
  const seen = new Set<string>();
  for (const { dir, shown, shallow } of folders) {
    if (seen.has(dir) || !(await stat(dir).catch(() => null))?.isDirectory()) continue;
    seen.add(dir);
    const found = await readLock(dir, options.now);
    if (found && !heldHere(found) && (found.info === null || sameCluster(found.info.cluster, cluster))) {
      const { code, reason } = obstacle(found, shown);
      // A lock that cannot be read may be a snapshot being taken (another user's, or one being written): no-go.
      const unknown = found.state === 'unreadable';
      const severity =
        code === 'SNAPSHOT_IN_PROGRESS' || unknown ? 'no-go' : code === 'STALE_LOCK' ? 'warning' : 'note';
      out.push({ code, severity, reason });
    }
    for (const f of await findInFlight(dir, shallow ? { ...options.inFlight, maxDepth: 0 } : options.inFlight)) {
      if (f.uncertain) {
        const reason = `Whether a snapshot is being written into ${shown} cannot be told: ${f.why}.`;
        out.push({ code: 'SNAPSHOT_IN_PROGRESS', severity: 'no-go', reason });
        continue;
      }
      const reason =
        `A snapshot is in flight in ${shown}: ${f.why}. No change may start while a backup is taken: wait for it ` +
        'to finish (or remove the file if a save that was stopped left it), then run again.';
      out.push({ code: 'SNAPSHOT_IN_PROGRESS', severity: 'no-go', reason });
    }
  }
  return out;
}

/** One hour: how long a change is taken to run when --window does not say (the auto-snapshot check). */
export const DEFAULT_WINDOW_MS = 3_600_000;

/** Everything in progress for one target of a check: its folders, its automated snapshot, the caller's findings. */
export async function inProgressFor(
  target: Target,
  shared: Shared,
  cluster: ClusterFacts | null,
  takeFolder: string | null,
  verified: readonly SnapshotInspection[],
): Promise<InProgress[]> {
  const { options, cwd, now } = shared;
  // Valid archives (and their sidecars) are complete: no second look at them, so no wait right after a save.
  const settled = new Set(
    verified.filter((s) => s.valid).flatMap((s) => [path.resolve(cwd, s.file), `${path.resolve(cwd, s.file)}.json`]),
  );
  const nowMs = Date.parse(now);
  const deep = [target.dir, takeFolder, ...(shared.watched ?? [])].filter((d): d is string => d !== null);
  const folders = [
    ...[...new Set(deep)].map((dir) => ({ dir, shown: showFolder(dir, cwd) })),
    // After the deep ones: a folder that is both is looked into whole (folderInProgress takes each folder once).
    ...(shared.besideFiles ?? []).map((dir) => ({ dir, shown: showFolder(dir, cwd), shallow: true })),
  ];
  const identity = cluster
    ? { id: cluster.clusterId, name: cluster.clusterName, address: cluster.address }
    : { address: target.env?.VAULT_ADDR ?? shared.options.env?.VAULT_ADDR ?? null };
  const inFlight = { inFlight: { ...options.inFlight, settled } };
  const all = [
    ...(options.inProgress ?? []),
    ...(await folderInProgress(folders, identity, { now: nowMs, ...inFlight })),
    ...autoSnapshotInProgress(cluster, nowMs, options.windowMs ?? DEFAULT_WINDOW_MS, watchedAutoSnapshot(shared)),
  ];
  // The caller's finding (exec's lock) and the folder's may be the same lock: said once, the caller's first.
  return all.filter((f, i) => all.findIndex((g) => g.reason === f.reason) === i);
}

/** The automated snapshot configuration the check was told to watch (--auto-snapshot, vault.autoSnapshot), or null. */
const watchedAutoSnapshot = (shared: Shared): string | null =>
  shared.options.autoSnapshot ?? shared.config.vault?.autoSnapshot ?? null;
