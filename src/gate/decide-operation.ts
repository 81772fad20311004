import type { Classification } from '../classify/schema.js';
import { classifyUpgrade } from '../classify/upgrade.js';
import { compareVersions, parseVersion } from '../classify/version.js';
import { formatDuration } from '../config/duration.js';
import { maxAgeFor, modeFor, type Policy } from './policy.js';
import { warning } from './findings.js';
import { isBlocking } from './schema.js';
import type { ClusterFacts, DecidedOperation, EvidenceSnapshot, Warning } from './schema.js';

/** What every operation of one decision is weighed against. */
export interface OperationContext {
  readonly policy: Policy;
  readonly cluster: ClusterFacts | null;
  /** The evidence chosen, or null; its age in milliseconds. */
  readonly snapshot: EvidenceSnapshot | null;
  readonly ageMs: number | null;
  /** How many candidates were refused (said when there is no valid snapshot). */
  readonly refusedCount: number;
  /** Why the live cluster cannot vouch for a change, or null. */
  readonly unavailable: string | null;
  /** Why the cluster's storage has no atomic snapshots, or null. */
  readonly noAtomicSnapshots: string | null;
  /** The newest Vault version the chosen snapshot records (`core/versions/*`): one that has run on the storage. */
  readonly recordedVersion?: string | null;
}

/** One operation decided: what it needs and has, the reason it blocks (if it does), a warning (if any). */
export interface OperationOutcome {
  readonly decided: DecidedOperation;
  /** A reason for a no-go, or null when this operation does not block. */
  readonly blocks: string | null;
  readonly warning: Warning | null;
}

const describe = (c: Classification): string =>
  c.method && c.path ? `${c.method} ${c.path}${c.namespace ? ` (namespace ${c.namespace})` : ''}` : c.input;

const notUnderstood = (c: Pick<Classification, 'input' | 'reason'>): string =>
  `${c.input} is not understood: ${c.reason.replace(/^Not understood: /, '')}`;

/**
 * The reason an operation adds to the decision's `reasons` when it blocks, or null: renderers use it to tell the
 * reasons about one operation from the general ones (strict mode), without matching sentences.
 */
export function operationReason(o: DecidedOperation): string | null {
  if (!isBlocking(o.status)) return null;
  return o.verdict === 'invalid' ? notUnderstood(o) : o.why;
}

/** Decides one classified operation against the evidence and the policy. Pure. */
export function decideOperation(classified: Classification, ctx: OperationContext): OperationOutcome {
  const { policy, cluster, snapshot, unavailable, noAtomicSnapshots } = ctx;
  let c = classified;
  // "upgrade TO": the running version is the FROM, so a lower TO is a downgrade.
  if (c.category === 'upgrade' && c.from === null && c.to && cluster?.version) {
    const where = { ...(c.file ? { file: c.file } : {}), ...(c.line ? { line: c.line } : {}) };
    c = { ...c, ...classifyUpgrade(c.input, cluster.version, c.to), ...where };
  }
  // "upgrade TO" with no running version to take FROM from (offline): the storage has run every version its
  // snapshot records, so a TO below the newest of them is a storage downgrade, refused as any other. Only then: a
  // stated FROM (or a Helm chart's, whose numbers are not Vault's) was classified already.
  const ran = ctx.recordedVersion ? parseVersion(ctx.recordedVersion) : null;
  const target = c.category === 'upgrade' && c.from === null && c.to ? parseVersion(c.to) : null;
  let downgradeWhy: string | null = null;
  if (ran && target && snapshot && compareVersions(target, ran) < 0) {
    downgradeWhy =
      `${c.input} is a downgrade: ${snapshot.file} records Vault ${ran.text} on this storage (core/versions), newer ` +
      `than ${target.text}; Vault does not support storage downgrades, so it is refused even with a snapshot; the ` +
      'way back is restoring the pre-upgrade snapshot on the old version (allowDowngrade permits it).';
    c = { ...c, category: 'downgrade', reason: downgradeWhy };
  }
  const base = { ...c, satisfiedBy: null };
  const done = (decided: DecidedOperation, blocks: string | null = null, warning: Warning | null = null) => ({
    decided,
    blocks,
    warning,
  });
  if (c.verdict === 'invalid') {
    const decided = { ...base, needs: 'refused' as const, policy: null, maxAge: null, status: 'refused' as const };
    return done({ ...decided, why: c.reason }, notUnderstood(c));
  }
  if (c.verdict !== 'backup-first') {
    return done({ ...base, needs: 'nothing', policy: null, maxAge: null, status: 'not-needed', why: c.reason });
  }
  const mode = modeFor(policy, c.category);
  const limit = maxAgeFor(policy, c.category);
  const maxAge = formatDuration(limit);
  const snapshotNeeded = { ...base, needs: 'snapshot' as const, policy: mode, maxAge };
  const refused = { ...base, needs: 'refused' as const, policy: mode, maxAge, status: 'refused' as const };
  if (unavailable) {
    const why = `${describe(c)} cannot be checked against the cluster: ${unavailable}`;
    return done({ ...snapshotNeeded, status: 'vault-unavailable', why }, why);
  }
  if (noAtomicSnapshots) return done({ ...refused, why: noAtomicSnapshots }, noAtomicSnapshots);
  if (c.category === 'downgrade' && !policy.allowDowngrade) {
    const why =
      downgradeWhy ??
      `${c.input} is a downgrade: Vault does not support storage downgrades, so it is refused even with a snapshot; ` +
        'the way back is restoring the pre-upgrade snapshot on the old version (allowDowngrade permits it).';
    return done({ ...refused, why }, why);
  }
  if (mode === 'allow') {
    const why = `The policy allows ${c.category} operations without a snapshot.`;
    return done({ ...base, needs: 'nothing', policy: mode, maxAge: null, status: 'allowed', why });
  }
  if (snapshot && (ctx.ageMs as number) <= limit) {
    const why = `${snapshot.file} was taken ${snapshot.age} ago, within the ${maxAge} allowed for ${c.category}.`;
    return done({ ...snapshotNeeded, status: 'satisfied', satisfiedBy: snapshot.file, why });
  }
  const lack = snapshot
    ? `the newest valid snapshot (${snapshot.file}) is ${snapshot.age} old`
    : `there is no valid snapshot${ctx.refusedCount ? ` (${ctx.refusedCount} refused)` : ''}`;
  const why = `${describe(c)} needs a snapshot no older than ${maxAge} (${c.category}), and ${lack}.`;
  if (mode === 'warn') {
    const message = `${why} The policy for ${c.category} is "warn", so it goes ahead.`;
    return done({ ...snapshotNeeded, status: 'warned', why }, null, warning('POLICY_WARN', message));
  }
  return done({ ...snapshotNeeded, status: snapshot ? 'stale' : 'no-snapshot', why }, why);
}
