import { formatDuration } from '../config/duration.js';
import type { ClusterFacts, InProgress } from './schema.js';

/**
 * The automated snapshot (Vault Enterprise, --auto-snapshot NAME) against the change window: a run that started and
 * has not ended is a backup in progress (no-go); the next run due inside the window is a warning (--strict: no-go).
 * Pure: `now` and `windowMs` are given.
 */
export function autoSnapshotInProgress(
  cluster: ClusterFacts | null,
  now: number,
  windowMs: number,
  asked: string | null = null,
): InProgress[] {
  const a = cluster?.reachable ? cluster.autoSnapshot : null;
  if (!a) return asked && cluster?.reachable ? [unreadStatus(cluster, asked)] : [];
  const out: InProgress[] = [];
  const start = a.lastStart ? Date.parse(a.lastStart) : NaN;
  const end = a.lastEnd ? Date.parse(a.lastEnd) : NaN;
  if (!Number.isNaN(start) && (Number.isNaN(end) || start > end)) {
    const ended = Number.isNaN(end) ? 'no run has ended yet' : `the last one ended at ${a.lastEnd}`;
    out.push({
      code: 'SNAPSHOT_IN_PROGRESS',
      severity: 'no-go',
      reason:
        `The automated snapshot "${a.name}" started at ${a.lastStart} and has not ended (${ended}). No change may ` +
        'start while a backup is taken: wait for it to end, then run the check again.',
    });
  }
  // When the next run is due: as the status says (Vault 1.21+), else the last start plus the config's interval.
  const interval = a.intervalSeconds ? a.intervalSeconds * 1000 : null;
  const next = a.nextStart ? Date.parse(a.nextStart) : interval !== null ? start + interval : NaN;
  if (!Number.isNaN(next) && next <= now + windowMs) {
    const at = a.nextStart ?? new Date(next).toISOString();
    const from = a.nextStart ? '' : ` (its interval of ${formatDuration(interval as number)} after the last run)`;
    const when = next <= now ? 'overdue: it may start any moment' : `in ${formatDuration(next - now)}`;
    out.push({
      code: 'SNAPSHOT_DUE_DURING_CHANGE',
      severity: 'warning',
      reason:
        `The automated snapshot "${a.name}" is due at ${at}${from} (${when}), inside the change window of ` +
        `${formatDuration(windowMs)} (--window): finish before it, or pause it for the change by raising its ` +
        `interval (vault read sys/storage/raft/snapshot-auto/config/${a.name}, then write it back with a longer ` +
        'interval) and set it back afterwards.',
    });
  }
  return out;
}

/**
 * An automated snapshot the check was told to watch whose status did not come back (the token's policy, a name
 * Vault does not know): whether a run is going cannot be told, so the change waits, as for a lock that cannot be read.
 */
function unreadStatus(cluster: ClusterFacts, name: string): InProgress {
  const path = `sys/storage/raft/snapshot-auto/status/${encodeURIComponent(name)}`;
  const said = cluster.notes.find((n) => n.startsWith(`${path}: `))?.slice(path.length + 2);
  return {
    code: 'SNAPSHOT_IN_PROGRESS',
    severity: 'no-go',
    reason:
      `The status of the automated snapshot "${name}" could not be read (${said ?? 'no answer'}), so whether a run is ` +
      `going cannot be told: check the name, and that the token may read ${path}.`,
  };
}
