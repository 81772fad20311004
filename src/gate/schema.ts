import { z } from 'zod';
import { ClassificationSchema } from '../classify/schema.js';
import { PolicyModeSchema } from '../config/schema.js';
import { SnapshotFormatSchema, SnapshotInspectionSchema } from '../snapshot/schema.js';
import { ClusterFactsSchema, type ClusterFacts } from '../vault/cluster-facts.js';
import { SidecarSchema } from '../vault/sidecar.js';
import { InProgressCodeSchema, NextStepCodeSchema, RejectionCodeSchema, WarningCodeSchema } from './codes.js';
import { ConfigBundleEvidenceSchema, EvidenceBundleSchema, RestoreFindingSchema } from './restore.js';

/** What one operation needs, and whether the evidence gives it. */
export const OperationStatusSchema = z.enum([
  'not-needed', // excluded, read-only, not-sys
  'satisfied', // a valid snapshot young enough
  'allowed', // policy "allow": needs nothing
  'warned', // policy "warn": goes ahead without a fresh snapshot, with a warning
  'no-snapshot', // needs one and there is no valid snapshot
  'stale', // needs one and the newest valid snapshot is too old
  'refused', // never goes: invalid, or a downgrade
  'vault-unavailable', // the live cluster is unreachable, sealed, not initialised, or did not answer as Vault
]);
export type OperationStatus = z.infer<typeof OperationStatusSchema>;

/** The statuses that make a no-go (unless overridden): the one list renderers, the hook and callers test against. */
export const BLOCKING_STATUSES: ReadonlySet<OperationStatus> = new Set([
  'no-snapshot',
  'stale',
  'refused',
  'vault-unavailable',
]);
export const isBlocking = (status: OperationStatus): boolean => BLOCKING_STATUSES.has(status);
/** The blocking statuses a fresh snapshot would lift (what --take-snapshot and the "take a snapshot" step are for). */
export const LACKING_SNAPSHOT: ReadonlySet<OperationStatus> = new Set(['no-snapshot', 'stale']);
export const lacksSnapshot = (status: OperationStatus): boolean => LACKING_SNAPSHOT.has(status);

export const DecidedOperationSchema = ClassificationSchema.extend({
  needs: z.enum(['nothing', 'snapshot', 'refused']),
  policy: PolicyModeSchema.nullable(),
  /** The age limit for this operation's category, as written (`1h`); null when it needs nothing. */
  maxAge: z.string().nullable(),
  status: OperationStatusSchema,
  /** File of the snapshot that satisfied it. */
  satisfiedBy: z.string().nullable(),
  /** Why it goes or not, in one sentence. */
  why: z.string(),
});
export type DecidedOperation = z.infer<typeof DecidedOperationSchema>;

export const EvidenceSnapshotSchema = z.strictObject({
  /** The file, or `auto-snapshot:NAME` for an automated snapshot's status. */
  file: z.string(),
  takenAt: z.string(),
  /** Age at the time of the decision, human (`12m`) and in milliseconds. */
  age: z.string(),
  ageMs: z.number(),
  format: SnapshotFormatSchema.nullable(),
  index: z.number().nullable(),
  sha256: z.string().nullable(),
  /** Live applied index minus the snapshot's index: writes the snapshot does not hold (check --vault). */
  indexLag: z.number().nullable(),
  /**
   * What tied it to the live cluster (check --vault): `raft-servers` (node IDs and addresses of its raft
   * configuration), `raft-index` (not ahead of the cluster's applied index), `version-history` (every Vault
   * version it records is in the cluster's version history), `cluster-id` (its sidecar names the cluster's
   * cluster_id), `cluster-name` (when either side lacks an ID: its sidecar names the cluster's cluster_name).
   * Empty without a live cluster.
   */
  matched: z.array(z.enum(['cluster-id', 'cluster-name', 'raft-servers', 'raft-index', 'version-history'])),
  /** The sidecar (`FILE.json`) it was checked against, or null when it has none. */
  sidecar: z.string().nullable(),
  /**
   * Present (true) when the evidence is an automated snapshot's status taken at its word: its stored object
   * (`last_snapshot_url`) was not read, as no configured source holds it.
   */
  takenAtItsWord: z.literal(true).optional(),
});
export type EvidenceSnapshot = z.infer<typeof EvidenceSnapshotSchema>;

export const RejectedSchema = z.strictObject({ file: z.string(), code: RejectionCodeSchema, reason: z.string() });
export type Rejected = z.infer<typeof RejectedSchema>;

export const WarningSchema = z.strictObject({
  code: WarningCodeSchema,
  /** What was noticed, in one sentence. */
  reason: z.string(),
  /** @deprecated The same sentence as `reason` (its name before 0.2); removed in the next minor version. */
  message: z.string(),
});
export type Warning = z.infer<typeof WarningSchema>;

/** A warning as evidence may give it: with `reason`, or with the older `message`. */
const WarningInputSchema = z
  .strictObject({ code: WarningCodeSchema, reason: z.string().optional(), message: z.string().optional() })
  .refine((w) => w.reason !== undefined || w.message !== undefined, { message: 'a warning needs a reason' })
  .transform((w): Warning => {
    const reason = (w.reason ?? w.message) as string;
    return { code: w.code, reason, message: reason };
  });

/** One thing to do next: the code says what (renderers and the hook choose their words by it), `text` says how. */
export const NextStepSchema = z.strictObject({ code: NextStepCodeSchema, text: z.string() });
export type NextStep = z.infer<typeof NextStepSchema>;

/**
 * A backup or a change in progress ("before, but not during"). `severity`: `no-go` blocks a change that needs a
 * backup, `warning` blocks it only with --strict, `note` never blocks (a change lock the check runs under).
 */
export const InProgressSchema = z.strictObject({
  code: InProgressCodeSchema,
  severity: z.enum(['no-go', 'warning', 'note']),
  reason: z.string(),
});
export type InProgress = z.infer<typeof InProgressSchema>;

export const OverrideSchema = z.strictObject({ reason: z.string(), by: z.string(), at: z.string() });
export type Override = z.infer<typeof OverrideSchema>;

// The cluster facts are the vault layer's shape; re-exported here because the decision carries them.
export { ClusterFactsSchema, type ClusterFacts };

/** The decision: the same shape from the library and from `check --json`. Field names are a public interface. */
export const DecisionSchema = z.strictObject({
  allowed: z.boolean(),
  verdict: z.enum(['go', 'no-go']),
  decidedAt: z.string(),
  operations: z.array(DecidedOperationSchema),
  snapshot: EvidenceSnapshotSchema.nullable(),
  rejected: z.array(RejectedSchema),
  warnings: z.array(WarningSchema),
  /** Plain sentences: why it is a no-go (empty on a go). */
  reasons: z.array(z.string()),
  overridden: OverrideSchema.nullable(),
  /** What to do next, exact commands included: the `text` of each of `nextSteps`, kept for one minor version. */
  next: z.array(z.string()),
  /** What to do next, each with a code. */
  nextSteps: z.array(NextStepSchema),
  /** The live cluster, when the check asked it (check --vault); null otherwise. */
  cluster: ClusterFactsSchema.nullable(),
  /** Backups and changes in progress found for a change that needs a backup (lock, files in flight, auto-snapshot). */
  inProgress: z.array(InProgressSchema),
  /**
   * Whether a restore of the evidence would come back up (docs/config-bundle.md): the configuration bundle chosen
   * and what was found about it, the plugins and the seal. Absent when no bundle evidence was gathered.
   */
  restore: z
    .strictObject({ configBundle: EvidenceBundleSchema.nullable(), findings: z.array(RestoreFindingSchema) })
    .optional(),
  /** With several clusters (config `clusters`), the decision for each; absent otherwise. */
  clusters: z
    .array(
      z.strictObject({
        name: z.string().nullable(),
        address: z.string(),
        allowed: z.boolean(),
        snapshot: EvidenceSnapshotSchema.nullable(),
        reasons: z.array(z.string()),
        facts: ClusterFactsSchema.nullable(),
      }),
    )
    .optional(),
});
export type Decision = z.infer<typeof DecisionSchema>;

/** What `evaluate` is given besides the operations: verified snapshots and what the I/O layer noticed. */
export const EvidenceSchema = z.strictObject({
  /** The moment of the decision (ISO 8601); evaluate reads no clock. */
  now: z.string(),
  snapshots: z.array(SnapshotInspectionSchema),
  /** Candidates refused before verification (unreadable, a symlink leaving the folder). */
  rejected: z.array(RejectedSchema).default([]),
  warnings: z.array(WarningInputSchema).default([]),
  /** The folder a new snapshot should go to, for the "next" advice. */
  snapshotDir: z.string().nullable().default(null),
  /** What the live cluster said, when it was asked. */
  cluster: ClusterFactsSchema.nullable().default(null),
  /** Backups and changes in progress (see InProgressSchema). */
  inProgress: z.array(InProgressSchema).default([]),
  /** The configuration bundles found (check gathers them); null: not judged (a library caller without them). */
  configBundle: ConfigBundleEvidenceSchema.nullable().default(null),
  /** The automated snapshot's stored object was read (it is among the snapshots or rejected): not its status's word. */
  autoSnapshotFetched: z.boolean().default(false),
  /** How many object-storage sources were searched (an empty bucket is a source given, not none). */
  sourceCount: z.number().int().nonnegative().default(0),
  /** Sidecars found beside the snapshots, by the snapshot's `file`; a snapshot without one is not listed. */
  sidecars: z
    .record(
      z.string(),
      z.discriminatedUnion('status', [
        z.strictObject({ status: z.literal('ok'), file: z.string(), sidecar: SidecarSchema }),
        z.strictObject({ status: z.literal('invalid'), file: z.string(), reason: z.string() }),
      ]),
    )
    .default({}),
});
export type Evidence = z.input<typeof EvidenceSchema>;
