import { formatDuration } from '../config/duration.js';
import type { SnapshotInspection } from '../snapshot/schema.js';
import { safeName } from '../sources/spec.js';
import type { RejectionCode } from './codes.js';
import type { ClusterFacts, Evidence, EvidenceSnapshot, Rejected } from './schema.js';

/** An automated snapshot's last run, as evidence (it cannot be read here, so it is taken at its word). */
export function autoSnapshotCandidate(cluster: ClusterFacts | null): {
  candidate: SnapshotInspection | null;
  rejected: Rejected | null;
} {
  const a = cluster?.autoSnapshot;
  if (!a) return { candidate: null, rejected: null };
  const file = `auto-snapshot:${a.name}`;
  if (a.lastError) {
    const reason = `The last automated snapshot failed: ${a.lastError}.`;
    return { candidate: null, rejected: { file, code: 'AUTO_SNAPSHOT_FAILED', reason } };
  }
  if (!a.lastEnd || Number.isNaN(Date.parse(a.lastEnd))) {
    const reason = 'The automated snapshot configuration has not finished a snapshot yet.';
    return { candidate: null, rejected: { file, code: 'AUTO_SNAPSHOT_NONE', reason } };
  }
  const takenAt = new Date(Date.parse(a.lastEnd)).toISOString();
  const unknown = { id: null, index: null, term: null, version: null, size: null, sha256: null, sealType: null };
  return {
    rejected: null,
    candidate: {
      file,
      valid: true,
      format: 'vault',
      ...unknown,
      takenAt,
      servers: [],
      vaultVersions: [],
      keys: {},
      bytes: 0,
      // Vault's word, shown: a signed query or user:secret@ in it is not.
      notes: [a.url ? `stored at ${safeName(a.url)}` : ''],
      problems: [],
    },
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

export type Match = EvidenceSnapshot['matched'][number];

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
  const refuse = (code: RejectionCode, reason: string) => ({ matched, refused: { file: s.file, code, reason } });
  // A raft-stored Vault is backed up by Vault's raft snapshot, a Consul-stored one by Consul's: the other kind is
  // of another cluster, even when nothing else can tell (servers unreadable without sudo, no index, no versions).
  const storage = cluster.storageType;
  const kind = { vault: 'a Vault raft snapshot', consul: 'a Consul snapshot' } as const;
  const wanted = storage === 'raft' ? 'vault' : storage === 'consul' ? 'consul' : null;
  if (wanted && s.format && s.format !== wanted) {
    const why = `It is ${kind[s.format]}, and the live cluster stores its data in "${storage}"`;
    return refuse('FOREIGN_CLUSTER', `${why}, whose backup is ${kind[wanted]}: it is not a backup of this cluster.`);
  }
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
    return none({ file: s.file, code: p?.code ?? 'INVALID', reason: p?.reason ?? 'The snapshot is not valid.' });
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

export function pickEvidence(
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
