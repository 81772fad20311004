import { formatDuration } from '../config/duration.js';
import type { ClusterFacts, InProgress } from './schema.js';

/**
 * The automated snapshot (Vault Enterprise, --auto-snapshot NAME) against the change window: a run that started and
 * has not ended is a backup in progress (no-go); the next run due inside the window is a warning (--strict: no-go).
 * Pure: `now` and `windowMs` are given.
 */
export function autoSnapshotInProgress(cluster: ClusterFacts | null, now: number, windowMs: number): InProgress[] {
  const a = cluster?.reachable ? cluster.autoSnapshot : null;
  if (!a) return [];
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
