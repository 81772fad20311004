import { classify } from '../classify/classify.js';
import type { Classification, Operation } from '../classify/schema.js';
import { formatDuration } from '../config/duration.js';
import { decideOperation } from './decide-operation.js';
import { nextSteps } from './next-steps.js';
import { defaultPolicy, type Policy } from './policy.js';
import { autoSnapshotCandidate, pickEvidence } from './refusal.js';
import { judgeRestore } from './restore.js';
import { EvidenceSchema, type ClusterFacts, type Decision, type Evidence, type EvidenceSnapshot } from './schema.js';
import { warning } from './findings.js';
import { isDemoSnapshot } from '../snapshot/demo.js';
import type { Warning } from './schema.js';

export { snapshotFileName } from './next-steps.js';
export { whyRefused, type RefusalContext, type SidecarEvidence } from './refusal.js';

export interface EvaluateContext {
  /** Lets a no-go go ahead, recorded with who asked and why. */
  readonly override?: { readonly reason: string; readonly by: string };
  /** The decision log an override is appended to (said in the OVERRIDDEN step), if one is configured. */
  readonly decisionLog?: string;
}

const isClassification = (op: unknown): op is Classification =>
  typeof op === 'object' && op !== null && 'verdict' in op && 'category' in op && 'input' in op;

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
  const auto = evidence.autoSnapshotFetched ? { candidate: null, rejected: null } : autoSnapshotCandidate(cluster);
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
        ...(chosen === auto.candidate ? { takenAtItsWord: true as const } : {}),
      }
    : null;

  const warnings: Warning[] = [...evidence.warnings];
  if (chosen && isDemoSnapshot(chosen)) {
    warnings.push(warning('DEMO_SNAPSHOT', `${chosen.file} is a demo snapshot (snapshot demo): it is no backup.`));
  }
  if (policy.maxIndexLag !== null && !cluster && evidence.snapshots.length) {
    const message =
      'snapshots.maxIndexLag is set, but the live cluster was not asked (--vault), ' +
      'so how far the snapshot is behind it was not checked.';
    warnings.push(warning('INDEX_LAG_UNCHECKED', message));
  }
  const reasons: string[] = [];
  const operationContext = {
    policy,
    cluster,
    snapshot,
    ageMs,
    refusedCount: rejected.length,
    unavailable: clusterUnavailable(cluster),
    noAtomicSnapshots: noAtomicSnapshots(cluster),
    recordedVersion: chosen?.vaultVersions.at(-1) ?? null,
  };
  const decided = operations.map((op) => {
    const outcome = decideOperation(isClassification(op) ? op : classify(op), operationContext);
    if (outcome.blocks !== null) reasons.push(outcome.blocks);
    if (outcome.warning) warnings.push(outcome.warning);
    return outcome.decided;
  });

  // "Not during": only a change that needs a backup waits for one in progress.
  if (decided.some((d) => d.needs === 'snapshot')) {
    for (const f of evidence.inProgress) {
      if (f.severity === 'no-go' || (f.severity === 'warning' && policy.strict)) reasons.push(f.reason);
    }
  }
  // Only with bundle evidence (check always gathers it): a library caller without it is not judged on it.
  const restore = judgeRestore({ now, decided, policy, bundle: evidence.configBundle, snapshot: chosen, cluster });
  reasons.push(...restore.reasons);
  warnings.push(...restore.warnings);

  if (policy.strict && warnings.length > 0) {
    const n = warnings.length;
    const codes = warnings.map((w) => w.code).join(', ');
    reasons.push(`Strict mode: ${n} warning${n > 1 ? 's' : ''} block${n > 1 ? '' : 's'} the change (${codes}).`);
  }
  let allowed = reasons.length === 0;
  const override = context.override;
  const overridden = !allowed && override ? { reason: override.reason, by: override.by, at: evidence.now } : null;
  if (overridden) allowed = true;
  const steps =
    reasons.length === 0
      ? restore.steps
      : nextSteps({
          restoreSteps: restore.steps,
          now: evidence.now,
          decided,
          warnings,
          policy,
          address: cluster?.address,
          snapshotDir: evidence.snapshotDir,
          format: chosen?.format ?? null,
          overridden: overridden !== null,
          noEvidenceSource: noEvidenceSource(evidence),
          decisionLog: context.decisionLog ?? null,
        });

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
    next: steps.map((s) => s.text),
    nextSteps: steps,
    cluster,
    inProgress: evidence.inProgress,
    ...(evidence.configBundle ? { restore: { configBundle: restore.chosen, findings: restore.findings } } : {}),
  };
}

/**
 * Whether nothing at all could have been evidence: no folder, no snapshot file, no automated snapshot and no
 * snapshot taken (or attempted) for the change. Then the gate says so first, rather than "no valid snapshot".
 */
function noEvidenceSource(evidence: ReturnType<typeof EvidenceSchema.parse>): boolean {
  const taken = evidence.warnings.some((w) => w.code === 'SNAPSHOT_TAKEN' || w.code === 'SNAPSHOT_FAILED');
  return (
    evidence.snapshotDir === null &&
    evidence.sourceCount === 0 &&
    evidence.snapshots.length === 0 &&
    evidence.rejected.length === 0 &&
    !evidence.cluster?.autoSnapshot &&
    !taken
  );
}

/** Why the live cluster cannot vouch for a change, or null when it can (or was not asked). */
function clusterUnavailable(cluster: ClusterFacts | null): string | null {
  if (!cluster) return null;
  if (!cluster.reachable) {
    return `${cluster.error ?? `Vault at ${cluster.address} cannot be reached`}.`.replace(/\.\.$/, '.');
  }
  const at = `Vault at ${cluster.address}`;
  if (cluster.initialized === false || cluster.state === 'uninitialized') return `${at} is not initialised.`;
  if (cluster.sealed === true || cluster.state === 'sealed') return `${at} is sealed; unseal it first.`;
  return null;
}

/** Why a reachable cluster's storage cannot be snapshotted atomically (only raft and consul can), or null. */
function noAtomicSnapshots(cluster: ClusterFacts | null): string | null {
  const storage = cluster?.reachable ? cluster.storageType : null;
  if (!cluster || !storage || storage === 'raft' || storage === 'consul') return null;
  return (
    `Vault at ${cluster.address} stores its data in "${storage}", which has no atomic snapshots: the storage docs ` +
    'recommend backing it up offline (Vault stopped), so this is a no-go unless overridden with a reason once ' +
    'that backup is done.'
  );
}
