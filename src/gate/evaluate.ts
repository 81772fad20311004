import { classify } from '../classify/classify.js';
import type { Classification, Operation } from '../classify/schema.js';
import { formatDuration } from '../config/duration.js';
import type { SnapshotInspection } from '../snapshot/schema.js';
import { classifyUpgrade } from '../classify/upgrade.js';
import { defaultPolicy, maxAgeFor, modeFor, type Policy } from './policy.js';
import { EvidenceSchema, type ClusterFacts, type DecidedOperation, type Decision, type Evidence, type EvidenceSnapshot, type Rejected, type Warning } from './schema.js';

export interface EvaluateContext {
  /** Lets a no-go go ahead, recorded with who asked and why. */
  readonly override?: { readonly reason: string; readonly by: string };
}

const isClassification = (op: unknown): op is Classification =>
  typeof op === 'object' && op !== null && 'verdict' in op && 'category' in op && 'input' in op;

/** `vault-20261126T130500Z.snap`: sortable, and safe in any file system. */
export const snapshotFileName = (nowIso: string, format: 'vault' | 'consul' = 'vault'): string =>
  `${format}-${nowIso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.snap`;

const sameServers = (snapshot: SnapshotInspection, cluster: ClusterFacts | null): boolean => {
  if (!cluster?.raftServers?.length || snapshot.servers.length === 0) return true;
  const ids = (list: readonly { id: string }[]) => [...new Set(list.map((x) => x.id))].sort().join(',');
  return ids(snapshot.servers) === ids(cluster.raftServers);
};

/** An automated snapshot's last run, as evidence (it cannot be read here, so it is taken at its word). */
function autoSnapshotCandidate(cluster: ClusterFacts | null): { candidate: SnapshotInspection | null; rejected: Rejected | null } {
  const a = cluster?.autoSnapshot;
  if (!a) return { candidate: null, rejected: null };
  const file = `auto-snapshot:${a.name}`;
  if (a.lastError) return { candidate: null, rejected: { file, code: 'AUTO_SNAPSHOT_FAILED', reason: `The last automated snapshot failed: ${a.lastError}.` } };
  if (!a.lastEnd || Number.isNaN(Date.parse(a.lastEnd))) return { candidate: null, rejected: { file, code: 'AUTO_SNAPSHOT_NONE', reason: 'The automated snapshot configuration has not finished a snapshot yet.' } };
  return {
    rejected: null,
    candidate: { file, valid: true, format: 'vault', id: null, index: null, term: null, version: null, size: null, takenAt: new Date(Date.parse(a.lastEnd)).toISOString(), servers: [], sha256: null, vaultVersions: [], sealType: null, keys: {}, bytes: 0, notes: [a.url ? `stored at ${a.url}` : ''], problems: [] },
  };
}

/**
 * Why a verified snapshot cannot be the evidence, or null when it can: invalid, no time, dated beyond the clock
 * skew in the future, or (with a live cluster) the raft servers of another cluster. Pure; check() uses it too, to
 * stop verifying once the newest acceptable snapshot is found.
 */
export function whyRefused(s: SnapshotInspection, now: number, skewMs: number, cluster: ClusterFacts | null): Rejected | null {
  if (!s.valid) {
    const p = s.problems[0];
    return { file: s.file, code: p?.code ?? 'INVALID', reason: p?.message ?? 'The snapshot is not valid.' };
  }
  if (!sameServers(s, cluster)) {
    const list = (xs: readonly { id: string }[]) => xs.map((x) => x.id).join(', ');
    return { file: s.file, code: 'FOREIGN_CLUSTER', reason: `Its raft servers (${list(s.servers)}) are not the live cluster's (${list(cluster?.raftServers ?? [])}): a snapshot of another cluster is not a backup of this one.` };
  }
  const taken = s.takenAt === null ? NaN : Date.parse(s.takenAt);
  if (Number.isNaN(taken)) return { file: s.file, code: 'NO_TIME', reason: 'The snapshot carries no time, so its freshness cannot be known.' };
  if (taken - now > skewMs) {
    return {
      file: s.file,
      code: 'FUTURE_DATED',
      reason: `The snapshot is dated ${s.takenAt}, ${formatDuration(taken - now)} in the future (more than the ${formatDuration(skewMs)} clock skew allowed): refused, not trusted.`,
    };
  }
  return null;
}

function pickEvidence(snapshots: readonly SnapshotInspection[], now: number, skewMs: number, cluster: ClusterFacts | null): { chosen: SnapshotInspection | null; rejected: Rejected[] } {
  const rejected: Rejected[] = [];
  let chosen: SnapshotInspection | null = null;
  for (const s of snapshots) {
    const refused = whyRefused(s, now, skewMs, cluster);
    if (refused) rejected.push(refused);
    else if (chosen === null || Date.parse(s.takenAt as string) > Date.parse(chosen.takenAt as string)) chosen = s;
  }
  return { chosen, rejected };
}

const describe = (c: Classification): string => (c.method && c.path ? `${c.method} ${c.path}${c.namespace ? ` (namespace ${c.namespace})` : ''}` : c.input);

/**
 * Decides go or no-go for planned operations from verified snapshots and a policy. Pure: it reads no clock, no
 * file and no network (`evidence.now` is the moment of the decision), so the same inputs always decide the same.
 */
export function evaluate(
  operations: readonly (Operation | Classification)[],
  evidenceInput: Evidence,
  policy: Policy = defaultPolicy,
  context: EvaluateContext = {},
): Decision {
  const evidence = EvidenceSchema.parse(evidenceInput);
  const now = Date.parse(evidence.now);
  const cluster = evidence.cluster;
  const auto = autoSnapshotCandidate(cluster);
  const candidates = auto.candidate ? [...evidence.snapshots, auto.candidate] : evidence.snapshots;
  const { chosen, rejected } = pickEvidence(candidates, now, policy.clockSkewMs, cluster);
  if (auto.rejected) rejected.push(auto.rejected);
  const ageMs = chosen ? Math.max(0, now - Date.parse(chosen.takenAt as string)) : null;
  const indexLag = chosen?.index != null && cluster?.appliedIndex != null ? cluster.appliedIndex - chosen.index : null;
  const snapshot: EvidenceSnapshot | null = chosen
    ? { file: chosen.file, takenAt: chosen.takenAt as string, age: formatDuration(ageMs as number), ageMs: ageMs as number, format: chosen.format, index: chosen.index, sha256: chosen.sha256, indexLag }
    : null;
  const unavailable = clusterUnavailable(cluster);
  const noAtomicSnapshots =
    cluster?.reachable && cluster.storageType && cluster.storageType !== 'raft' && cluster.storageType !== 'consul'
      ? `Vault at ${cluster.address} stores its data in "${cluster.storageType}", which has no atomic snapshots: the storage docs recommend backing it up offline (Vault stopped), so this is a no-go unless overridden with a reason once that backup is done.`
      : null;

  const warnings: Warning[] = [...evidence.warnings];
  const reasons: string[] = [];
  const decided: DecidedOperation[] = operations.map((op) => {
    let c = isClassification(op) ? op : classify(op);
    // "upgrade TO": the running version is the FROM, so a lower TO is a downgrade.
    if (c.category === 'upgrade' && c.from === null && c.to && cluster?.version) {
      c = { ...c, ...classifyUpgrade(c.input, cluster.version, c.to), ...(c.file ? { file: c.file } : {}), ...(c.line ? { line: c.line } : {}) };
    }
    const base = { ...c, satisfiedBy: null };
    if (c.verdict === 'invalid') {
      reasons.push(`${c.input} is not understood: ${c.reason.replace(/^Not understood: /, '')}`);
      return { ...base, needs: 'refused' as const, policy: null, maxAge: null, status: 'refused' as const, why: c.reason };
    }
    if (c.verdict !== 'backup-first') {
      return { ...base, needs: 'nothing' as const, policy: null, maxAge: null, status: 'not-needed' as const, why: c.reason };
    }
    const mode = modeFor(policy, c.category);
    const limit = maxAgeFor(policy, c.category);
    const maxAge = formatDuration(limit);
    if (unavailable) {
      const why = `${describe(c)} cannot be checked against the cluster: ${unavailable}`;
      reasons.push(why);
      return { ...base, needs: 'snapshot' as const, policy: mode, maxAge, status: 'vault-unavailable' as const, why };
    }
    if (noAtomicSnapshots) {
      reasons.push(noAtomicSnapshots);
      return { ...base, needs: 'refused' as const, policy: mode, maxAge, status: 'refused' as const, why: noAtomicSnapshots };
    }
    if (c.category === 'downgrade' && !policy.allowDowngrade) {
      const why = `${c.input} is a downgrade: Vault does not support storage downgrades, so it is refused even with a snapshot; the way back is restoring the pre-upgrade snapshot on the old version (allowDowngrade permits it).`;
      reasons.push(why);
      return { ...base, needs: 'refused' as const, policy: mode, maxAge, status: 'refused' as const, why };
    }
    if (mode === 'allow') {
      return { ...base, needs: 'nothing' as const, policy: mode, maxAge: null, status: 'allowed' as const, why: `The policy allows ${c.category} operations without a snapshot.` };
    }
    if (snapshot && (ageMs as number) <= limit) {
      return {
        ...base,
        needs: 'snapshot' as const,
        policy: mode,
        maxAge,
        status: 'satisfied' as const,
        satisfiedBy: snapshot.file,
        why: `${snapshot.file} was taken ${snapshot.age} ago, within the ${maxAge} allowed for ${c.category}.`,
      };
    }
    const status = snapshot ? ('stale' as const) : ('no-snapshot' as const);
    const lack = snapshot
      ? `the newest valid snapshot (${snapshot.file}) is ${snapshot.age} old`
      : `there is no valid snapshot${rejected.length ? ` (${rejected.length} refused)` : ''}`;
    const why = `${describe(c)} needs a snapshot no older than ${maxAge} (${c.category}), and ${lack}.`;
    if (mode === 'warn') {
      warnings.push({ code: 'POLICY_WARN', message: `${why} The policy for ${c.category} is "warn", so it goes ahead.` });
      return { ...base, needs: 'snapshot' as const, policy: mode, maxAge, status: 'warned' as const, why };
    }
    reasons.push(why);
    return { ...base, needs: 'snapshot' as const, policy: mode, maxAge, status, why };
  });

  if (policy.strict && warnings.length > 0) {
    reasons.push(`Strict mode: ${warnings.length} warning${warnings.length > 1 ? 's' : ''} block${warnings.length > 1 ? '' : 's'} the change (${warnings.map((w) => w.code).join(', ')}).`);
  }
  let allowed = reasons.length === 0;
  const overridden = !allowed && context.override ? { reason: context.override.reason, by: context.override.by, at: evidence.now } : null;
  if (overridden) allowed = true;

  const next: string[] = [];
  if (reasons.length > 0) {
    if (decided.some((d) => d.status === 'vault-unavailable')) next.push(`Make Vault reachable and unsealed (${cluster?.address}), then run the check again.`);
    if (decided.some((d) => d.status === 'no-snapshot' || d.status === 'stale')) {
      const dir = evidence.snapshotDir ?? '.';
      const consul = chosen?.format === 'consul';
      const target = `${dir.replace(/\/$/, '')}/${snapshotFileName(evidence.now, consul ? 'consul' : 'vault')}`;
      next.push(`Take a snapshot now: ${consul ? 'consul snapshot save' : 'vault operator raft snapshot save'} ${target}`);
      next.push('Then run the same check again.');
    }
    if (decided.some((d) => d.status === 'refused' && d.verdict === 'invalid')) next.push('Fix the operations that are not understood (each says why), or remove them.');
    if (decided.some((d) => d.category === 'downgrade' && d.status === 'refused')) {
      next.push('To go back to an older version, restore the pre-upgrade snapshot on that version; set "allowDowngrade": true only if you know the storage format did not change.');
    }
    if (policy.strict && warnings.length) next.push('Fix the warnings (for a snapshot readable by others: chmod 600 FILE), or run without --strict.');
    next.push(overridden ? 'Overridden: the change goes ahead, and the decision records who and why.' : 'Or go ahead anyway with a reason, which is recorded: --override "why" (or VAULT_CHANGE_GATE_OVERRIDE).');
  }

  return {
    allowed,
    verdict: allowed ? 'go' : 'no-go',
    decidedAt: evidence.now,
    operations: decided,
    snapshot,
    rejected: [...evidence.rejected, ...rejected],
    warnings,
    reasons: [...new Set(reasons)],
    overridden,
    next,
    cluster,
  };
}

/** Why the live cluster cannot vouch for a change, or null when it can (or was not asked). */
function clusterUnavailable(cluster: ClusterFacts | null): string | null {
  if (!cluster) return null;
  if (!cluster.reachable) return `${cluster.error ?? `Vault at ${cluster.address} cannot be reached`}.`.replace(/\.\.$/, '.');
  if (cluster.initialized === false || cluster.state === 'uninitialized') return `Vault at ${cluster.address} is not initialised.`;
  if (cluster.sealed === true || cluster.state === 'sealed') return `Vault at ${cluster.address} is sealed; unseal it first.`;
  return null;
}
