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

/** The sidecar found beside a snapshot, as evidence carries it. */
export type SidecarEvidence = NonNullable<Evidence['sidecars']>[string];

/** What whyRefused weighs a snapshot against besides itself. */
export interface RefusalContext {
  readonly now: number;
  readonly skewMs: number;
  /** Raft entries a snapshot may be behind the live cluster; null: no limit. */
  readonly maxIndexLag: number | null;
  /** The live cluster, when it was asked and answered as Vault. */
  readonly cluster: ClusterFacts | null;
  readonly sidecar: SidecarEvidence | null;
}

type Match = EvidenceSnapshot['matched'][number];

const NOT_THIS_ONE = 'a snapshot of another cluster is not a backup of this one.';

const serverKey = (s: { id: string; address: string }) => `${s.id}@${s.address}`;
const listServers = (xs: readonly { id: string; address: string }[]) => xs.map(serverKey).join(', ');

/**
 * What ties a snapshot to the live cluster, or why it cannot be this cluster's. Node IDs alone match any two
 * clusters named alike (Helm's vault-0..2), so IDs go with their raft addresses; an archive ahead of the applied
 * index is of another history; a sidecar's cluster_id, when both sides have one, names the cluster outright.
 */
interface Verdict {
  readonly matched: Match[];
  readonly refused: Rejected | null;
}

function identity(s: SnapshotInspection, cluster: ClusterFacts, sidecar: SidecarEvidence | null): Verdict {
  const matched: Match[] = [];
  const refuse = (code: string, reason: string) => ({ matched, refused: { file: s.file, code, reason } });
  if (s.servers.length === 0) {
    return refuse(
      'UNMATCHED_CLUSTER',
      `Its meta.json has no raft configuration, so it cannot be matched to the cluster at ${cluster.address}: ` +
        'refused with --vault (a snapshot that cannot be tied to this cluster is not known to be its backup).',
    );
  }
  const own = sidecar?.status === 'ok' ? sidecar.sidecar : null;
  if (own?.clusterId && cluster.clusterId) {
    if (own.clusterId !== cluster.clusterId) {
      const live = cluster.clusterId;
      const why = `Its sidecar says it was saved from cluster ${own.clusterId}, and the live cluster is ${live}`;
      return refuse('FOREIGN_CLUSTER', `${why}: ${NOT_THIS_ONE}`);
    }
    matched.push('cluster-id');
  } else if (own?.clusterName && cluster.clusterName) {
    // Without both IDs, the names (cluster_name, which a config can set) are the next best thing.
    if (own.clusterName !== cluster.clusterName) {
      const live = cluster.clusterName;
      const why = `Its sidecar says it was saved from cluster "${own.clusterName}", and the live one is "${live}"`;
      return refuse('FOREIGN_CLUSTER', `${why}: ${NOT_THIS_ONE}`);
    }
    matched.push('cluster-name');
  }
  if (cluster.raftServers?.length) {
    const mine = [...new Set(s.servers.map(serverKey))].sort().join(',');
    const theirs = [...new Set(cluster.raftServers.map(serverKey))].sort().join(',');
    if (mine !== theirs) {
      const theirs = listServers(cluster.raftServers);
      const why = `Its raft servers (${listServers(s.servers)}) are not the live cluster's (${theirs})`;
      return refuse('FOREIGN_CLUSTER', `${why}: ${NOT_THIS_ONE}`);
    }
    matched.push('raft-servers');
  }
  if (s.index !== null && cluster.appliedIndex !== null) {
    if (s.index > cluster.appliedIndex) {
      const why = `Its raft index ${s.index} is ahead of the live cluster's applied index ${cluster.appliedIndex}`;
      return refuse('FOREIGN_CLUSTER', `${why}: it is not of this cluster's history.`);
    }
    matched.push('raft-index');
  }
  // Vault records each version it ran in storage (core/versions/*), and sys/version-history lists the same keys:
  // an archive that ran a version this cluster never did is of another cluster.
  if (s.vaultVersions.length && cluster.versionHistory.length) {
    const unknown = s.vaultVersions.filter((v) => !cluster.versionHistory.includes(v));
    if (unknown.length) {
      const why = `It records Vault ${unknown.join(', ')}, which the live cluster never ran (sys/version-history)`;
      return refuse('FOREIGN_CLUSTER', `${why}: ${NOT_THIS_ONE}`);
    }
    matched.push('version-history');
  }
  return { matched, refused: null };
}

/** Why a sidecar disagrees with its archive, or null. */
function sidecarMismatch(s: SnapshotInspection, sidecar: SidecarEvidence | null): Rejected | null {
  if (!sidecar) return null;
  const refuse = (why: string): Rejected => ({
    file: s.file,
    code: 'SIDECAR_MISMATCH',
    reason: `${why}: refused, as the archive or its sidecar was changed or swapped.`,
  });
  if (sidecar.status === 'invalid') return refuse(`Its sidecar ${sidecar.file} cannot be used (${sidecar.reason})`);
  const c = sidecar.sidecar;
  if (s.sha256 !== null && c.sha256 !== s.sha256) {
    const hashes = `sha256 ${c.sha256.slice(0, 12)}…, the file is ${s.sha256.slice(0, 12)}…`;
    return refuse(`Its sidecar ${sidecar.file} records another archive (${hashes})`);
  }
  if (c.index !== s.index) {
    return refuse(`Its sidecar ${sidecar.file} records raft index ${c.index}, the archive holds ${s.index}`);
  }
  return null;
}

/**
 * Why a verified snapshot cannot be the evidence, or null when it can: invalid, a sidecar that disagrees with it,
 * (with a live cluster) not tied to that cluster or too far behind it, no time, or dated beyond the clock skew in
 * the future. Pure; check() uses it too, to stop verifying once the newest acceptable snapshot is found.
 */
export function whyRefused(s: SnapshotInspection, ctx: RefusalContext): Rejected | null {
  return judge(s, ctx).refused;
}

function judge(s: SnapshotInspection, ctx: RefusalContext, auto = false): Verdict {
  const none = (refused: Rejected | null): Verdict => ({ matched: [], refused });
  if (!s.valid) {
    const p = s.problems[0];
    return none({ file: s.file, code: p?.code ?? 'INVALID', reason: p?.message ?? 'The snapshot is not valid.' });
  }
  const mismatch = sidecarMismatch(s, ctx.sidecar);
  if (mismatch) return none(mismatch);
  const cluster = ctx.cluster?.reachable ? ctx.cluster : null;
  // An automated snapshot's status comes from the cluster itself: it is that cluster's by construction.
  const tie = cluster && !auto ? identity(s, cluster, ctx.sidecar) : none(null);
  if (tie.refused) return tie;
  if (cluster && !auto && ctx.maxIndexLag !== null) {
    if (s.index === null || cluster.appliedIndex === null) {
      const missing =
        s.index === null ? 'the snapshot has no raft index' : 'the cluster did not give its applied index (sys/leader)';
      const reason = `snapshots.maxIndexLag is ${ctx.maxIndexLag}, and the lag cannot be measured (${missing}).`;
      return none({ file: s.file, code: 'INDEX_LAG', reason });
    }
    const lag = cluster.appliedIndex - s.index;
    if (lag > ctx.maxIndexLag) {
      const behind = `It is ${lag} raft entries behind the live cluster (applied index ${cluster.appliedIndex})`;
      const limit = `more than the ${ctx.maxIndexLag} snapshots.maxIndexLag allows`;
      const reason = `${behind}, ${limit}, however recent its time.`;
      return none({ file: s.file, code: 'INDEX_LAG', reason });
    }
  }
  const taken = s.takenAt === null ? NaN : Date.parse(s.takenAt);
  if (Number.isNaN(taken)) {
    const reason = 'The snapshot carries no time, so its freshness cannot be known.';
    return none({ file: s.file, code: 'NO_TIME', reason });
  }
  if (taken - ctx.now > ctx.skewMs) {
    return none({
      file: s.file,
      code: 'FUTURE_DATED',
      reason:
        `The snapshot is dated ${s.takenAt}, ${formatDuration(taken - ctx.now)} in the future ` +
        `(more than the ${formatDuration(ctx.skewMs)} clock skew allowed): refused, not trusted.`,
    });
  }
  return tie;
}

function pickEvidence(
  snapshots: readonly SnapshotInspection[],
  auto: SnapshotInspection | null,
  ctx: Omit<RefusalContext, 'sidecar'>,
  sidecars: Readonly<Record<string, SidecarEvidence>>,
): { chosen: SnapshotInspection | null; matched: Match[]; rejected: Rejected[] } {
  const rejected: Rejected[] = [];
  let best: { s: SnapshotInspection; matched: Match[] } | null = null;
  for (const s of auto ? [...snapshots, auto] : snapshots) {
    const verdict = judge(s, { ...ctx, sidecar: sidecars[s.file] ?? null }, s === auto);
    if (verdict.refused) rejected.push(verdict.refused);
    else if (best === null || Date.parse(s.takenAt as string) > Date.parse(best.s.takenAt as string)) {
      best = { s, matched: verdict.matched };
    }
  }
  return { chosen: best?.s ?? null, matched: best?.matched ?? [], rejected };
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
  const refusalContext = { now, skewMs: policy.clockSkewMs, maxIndexLag: policy.maxIndexLag, cluster };
  const picked = pickEvidence(evidence.snapshots, auto.candidate, refusalContext, evidence.sidecars);
  const { chosen, matched, rejected } = picked;
  if (auto.rejected) rejected.push(auto.rejected);
  const ageMs = chosen ? Math.max(0, now - Date.parse(chosen.takenAt as string)) : null;
  const indexLag = chosen?.index != null && cluster?.appliedIndex != null ? cluster.appliedIndex - chosen.index : null;
  const sidecar = chosen ? evidence.sidecars[chosen.file] : undefined;
  const snapshot: EvidenceSnapshot | null = chosen
    ? {
        file: chosen.file,
        takenAt: chosen.takenAt as string,
        age: formatDuration(ageMs as number),
        ageMs: ageMs as number,
        format: chosen.format,
        index: chosen.index,
        sha256: chosen.sha256,
        indexLag,
        matched,
        sidecar: sidecar?.file ?? null,
      }
    : null;
  const unavailable = clusterUnavailable(cluster);
  const noAtomicSnapshots =
    cluster?.reachable && cluster.storageType && cluster.storageType !== 'raft' && cluster.storageType !== 'consul'
      ? `Vault at ${cluster.address} stores its data in "${cluster.storageType}", which has no atomic snapshots: the storage docs recommend backing it up offline (Vault stopped), so this is a no-go unless overridden with a reason once that backup is done.`
      : null;

  const warnings: Warning[] = [...evidence.warnings];
  if (policy.maxIndexLag !== null && !cluster && evidence.snapshots.length) {
    const message =
      'snapshots.maxIndexLag is set, but the live cluster was not asked (--vault), ' +
      'so how far the snapshot is behind it was not checked.';
    warnings.push({ code: 'INDEX_LAG_UNCHECKED', message });
  }
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
