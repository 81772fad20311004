import { z } from 'zod';
import { ProblemCodeSchema, type ProblemCode } from '../snapshot/schema.js';

/**
 * The codes the gate passes between layers: renderers, the hook and callers choose their words by code, never by
 * matching a sentence, so a sentence can be reworded without breaking them. Each has one info table.
 */
export interface CodeInfo {
  /** A few words, for a list. */
  readonly title: string;
  /** What it means, in one sentence. */
  readonly explanation: string;
  /** What to do about it, in one sentence. */
  readonly action: string;
}

/**
 * Whether a restore of the evidence would come back up (docs/config-bundle.md): the configuration bundle beside
 * the snapshot, the plugins it can reinstall, and the seal the snapshot needs. Each is a no-go where it blocks a
 * change (`reasons`, with a finding in `restore`) and a warning otherwise.
 */
const RESTORE_CODES = [
  'NO_CONFIG_BUNDLE',
  'STALE_CONFIG_BUNDLE',
  'PLUGIN_NOT_REINSTALLABLE',
  'SEAL_CHANGED_SINCE_SNAPSHOT',
  'SEAL_TYPE_MISMATCH',
] as const;
export const RestoreCodeSchema = z.enum(RESTORE_CODES);
export type RestoreCode = z.infer<typeof RestoreCodeSchema>;

export const restoreInfo: Readonly<Record<RestoreCode, CodeInfo>> = {
  NO_CONFIG_BUNDLE: {
    title: 'no configuration bundle',
    explanation:
      "The change needs the server's configuration, scripts and plugins backed up, and no valid bundle was found.",
    action: 'Make one with config-bundle save DIR --server-config FILE.',
  },
  STALE_CONFIG_BUNDLE: {
    title: 'configuration bundle too old',
    explanation: 'The newest valid configuration bundle is older than configBundles.maxAge allows for the change.',
    action: 'Make a new one with config-bundle save.',
  },
  PLUGIN_NOT_REINSTALLABLE: {
    title: 'plugin not reinstallable',
    explanation: 'An external plugin of the live catalogue has no binary of its sha256 in the configuration bundle.',
    action: 'Save a bundle with plugin_directory in the configuration (config-bundle save --vault).',
  },
  SEAL_CHANGED_SINCE_SNAPSHOT: {
    title: 'seal changed since the snapshot',
    explanation:
      "The live seal (type, shares, threshold) differs from the snapshot's: a rekey or seal migration came after it.",
    action: 'Keep the key shares or KMS key of the snapshot time, or take a new snapshot.',
  },
  SEAL_TYPE_MISMATCH: {
    title: 'seal type mismatch',
    explanation:
      "The seal in the bundle's server configuration is not the snapshot's: a restore onto it would not unseal.",
    action: 'Restore with the seal configuration of the snapshot time, or take a new snapshot and bundle.',
  },
};

/** What the I/O layer or the decision noticed without refusing anything (`--strict` makes any of them a no-go). */
export const WarningCodeSchema = z.enum([
  'SNAPSHOT_READABLE_BY_OTHERS',
  'FOLDER_OPEN_TO_OTHERS',
  'SNAPSHOT_DIR_MISSING',
  'SCRIPT_NOTHING_FOUND',
  'POLICY_WARN',
  'SNAPSHOT_TAKEN',
  'SNAPSHOT_FAILED',
  'INDEX_LAG_UNCHECKED',
  'NOTHING_MATCHED',
  'DEMO_SNAPSHOT',
  ...RESTORE_CODES,
]);
export type WarningCode = z.infer<typeof WarningCodeSchema>;

export const warningInfo: Readonly<Record<WarningCode, CodeInfo>> = {
  SNAPSHOT_READABLE_BY_OTHERS: {
    title: 'snapshot readable by others',
    explanation: 'A snapshot can be read by every user on the machine, and backups can hold secrets.',
    action: 'chmod 600 the snapshot files.',
  },
  FOLDER_OPEN_TO_OTHERS: {
    title: 'snapshot folder open to others',
    explanation: 'Every user on the machine can list or enter the snapshot folder.',
    action: 'chmod 700 the folder.',
  },
  SNAPSHOT_DIR_MISSING: {
    title: 'snapshot folder missing',
    explanation: 'The configured snapshots.dir does not exist, so no snapshot was found there.',
    action: 'Create the folder, or fix snapshots.dir.',
  },
  SCRIPT_NOTHING_FOUND: {
    title: 'nothing found in a script',
    explanation: 'A runbook named with --script holds no vault or curl call that was recognised.',
    action: 'Check that it is the right file, or name its wrapper in runbooks.wrappers.',
  },
  POLICY_WARN: {
    title: 'policy "warn"',
    explanation: 'An operation lacks a fresh snapshot, and the policy for its category lets it go ahead, warned.',
    action: 'Take a snapshot, or set the category to "require".',
  },
  SNAPSHOT_TAKEN: {
    title: 'snapshot taken',
    explanation: 'With --take-snapshot, a snapshot of the live cluster was taken for this change.',
    action: 'Nothing: keep it with your backups.',
  },
  SNAPSHOT_FAILED: {
    title: 'snapshot failed',
    explanation: 'With --take-snapshot, taking a snapshot of the live cluster failed.',
    action: 'Fix what the message names, or take the snapshot by hand.',
  },
  INDEX_LAG_UNCHECKED: {
    title: 'index lag not checked',
    explanation: 'The config sets snapshots.maxIndexLag, but the live cluster was not asked: the lag is unmeasured.',
    action: 'Run the check with --vault.',
  },
  NOTHING_MATCHED: {
    title: 'no file matched the pattern',
    explanation: 'The snapshot folder was searched, but no file in it matched the pattern (default **/*.snap).',
    action: 'Name the snapshots *.snap, or set --pattern (snapshots.pattern) to match them.',
  },
  DEMO_SNAPSHOT: {
    title: 'demo snapshot',
    explanation: 'The evidence is a demo snapshot made by "snapshot demo": it holds no data, so it is no backup.',
    action: 'Try the gate with it, then take a real snapshot: vault operator raft snapshot save FILE.',
  },
  ...restoreInfo,
};

/** Why a snapshot candidate is not the evidence, besides the snapshot's own problems (ProblemCode). */
export const GateRejectionCodeSchema = z.enum([
  'SYMLINK_OUTSIDE',
  'UNREADABLE',
  'INVALID',
  'SIDECAR_MISMATCH',
  'UNMATCHED_CLUSTER',
  'FOREIGN_CLUSTER',
  'INDEX_LAG',
  'NO_TIME',
  'FUTURE_DATED',
  'AUTO_SNAPSHOT_FAILED',
  'AUTO_SNAPSHOT_NONE',
]);
export type GateRejectionCode = z.infer<typeof GateRejectionCodeSchema>;

/**
 * Why object storage (`--snapshot-url`, `snapshots.sources`) gave no snapshot to judge: the source itself (its file
 * is the source's URL) or one object (its URL). The names are sources/store.ts's SourceFailureCode; documented in
 * docs/object-storage.md, whose table is tested against sourceRejectionInfo.
 */
export const SourceRejectionCodeSchema = z.enum([
  'ACCESS_DENIED',
  'NO_SUCH_BUCKET',
  'NO_SUCH_OBJECT',
  'THROTTLED',
  'STREAM_CUT',
  'SOURCE_UNREACHABLE',
  'SOURCE_SDK_MISSING',
  'SOURCE_ERROR',
]);
export type SourceRejectionCode = z.infer<typeof SourceRejectionCodeSchema>;

/** Every code a refused candidate carries: an invalid snapshot's first problem, or the gate's own. */
export const RejectionCodeSchema = z.enum([
  ...ProblemCodeSchema.options,
  ...GateRejectionCodeSchema.options,
  ...SourceRejectionCodeSchema.options,
]);
export type RejectionCode = z.infer<typeof RejectionCodeSchema>;

export const gateRejectionInfo: Readonly<Record<GateRejectionCode, CodeInfo>> = {
  SYMLINK_OUTSIDE: {
    title: 'symbolic link outside the folder',
    explanation: 'A candidate in the snapshot folder is a symbolic link that leaves it, and is not followed.',
    action: 'Copy the snapshot into the folder, or search the folder it is in.',
  },
  UNREADABLE: {
    title: 'unreadable',
    explanation: 'A candidate found in the folder could not be read (it vanished or is not permitted).',
    action: 'Fix its permissions, or remove it.',
  },
  INVALID: {
    title: 'invalid',
    explanation: 'The snapshot is not valid and names no problem.',
    action: 'Take a new snapshot.',
  },
  SIDECAR_MISMATCH: {
    title: 'sidecar mismatch',
    explanation: 'The sidecar (FILE.json) disagrees with its archive, or cannot be used: one was changed or swapped.',
    action: 'Take a new snapshot with snapshot save, which writes both.',
  },
  UNMATCHED_CLUSTER: {
    title: 'cannot be matched to the cluster',
    explanation: 'The snapshot has no raft configuration, so it cannot be tied to the live cluster (--vault).',
    action: 'Take a new snapshot of this cluster.',
  },
  FOREIGN_CLUSTER: {
    title: 'another cluster',
    explanation: 'The snapshot is of another cluster or history: servers, index, versions or sidecar disagree.',
    action: 'Take a snapshot of this cluster (after a membership change, take a new one).',
  },
  INDEX_LAG: {
    title: 'too far behind',
    explanation: 'The snapshot is more raft entries behind the live cluster than snapshots.maxIndexLag allows.',
    action: 'Take a new snapshot.',
  },
  NO_TIME: {
    title: 'no time',
    explanation: 'The snapshot carries no time, so its freshness cannot be known.',
    action: 'Take a new snapshot.',
  },
  FUTURE_DATED: {
    title: 'dated in the future',
    explanation: 'The snapshot is dated further in the future than clockSkew allows, so it is not trusted.',
    action: 'Check the clocks, then take a new snapshot.',
  },
  AUTO_SNAPSHOT_FAILED: {
    title: 'automated snapshot failed',
    explanation: 'The last run of the automated snapshot configuration failed.',
    action: 'Fix the automated snapshot configuration, or take a snapshot by hand.',
  },
  AUTO_SNAPSHOT_NONE: {
    title: 'no automated snapshot yet',
    explanation: 'The automated snapshot configuration has not finished a snapshot yet.',
    action: 'Wait for its first run, or take a snapshot by hand.',
  },
};

export const sourceRejectionInfo: Readonly<Record<SourceRejectionCode, CodeInfo>> = {
  ACCESS_DENIED: {
    title: 'access denied',
    explanation: 'The store refused the credentials, or they lack the right to list or read the snapshots.',
    action: 'Give the credentials list and read rights on the bucket or container (see docs/object-storage.md).',
  },
  NO_SUCH_BUCKET: {
    title: 'no such bucket',
    explanation: 'The bucket or container named in the source URL does not exist at that endpoint.',
    action: 'Fix the source URL, its endpoint or its region.',
  },
  NO_SUCH_OBJECT: {
    title: 'object gone',
    explanation: 'A listed object could not be read any more: it was removed or replaced after the listing.',
    action: 'Check again; if it keeps happening, look at what prunes the bucket.',
  },
  THROTTLED: {
    title: 'throttled',
    explanation: 'The store kept answering "slow down" (HTTP 429 or 503) through every bounded retry.',
    action: 'Check again later, or raise the request limits of the bucket or account.',
  },
  STREAM_CUT: {
    title: 'download cut',
    explanation: 'The download stopped before the whole object arrived, so the archive was not verified.',
    action: 'Check again; if it keeps happening, look at the network or the store.',
  },
  SOURCE_UNREACHABLE: {
    title: 'store unreachable',
    explanation: 'The store or its endpoint could not be reached (refused connection, unknown host, timeout).',
    action: 'Fix the endpoint or the network, then check again.',
  },
  SOURCE_SDK_MISSING: {
    title: 'SDK not installed',
    explanation: "The source's SDK package, loaded only when such a source is used, is not installed.",
    action: 'Install the package the reason names (e.g. npm install @aws-sdk/client-s3).',
  },
  SOURCE_ERROR: {
    title: 'store error',
    explanation: 'The store answered with an error that is not one of the above.',
    action: 'Read the error name in the reason, fix what it says, then check again.',
  },
};

const damaged = (code: ProblemCode): CodeInfo => ({
  title: `damaged snapshot (${code})`,
  explanation: 'The snapshot failed verification; its problem code says which check (see Snapshots).',
  action: 'Take a new snapshot; do not restore from this one.',
});

/** One table for every rejection code: the snapshot problems share one entry shape, the gate's own are above. */
export const rejectionInfo: Readonly<Record<RejectionCode, CodeInfo>> = {
  ...(Object.fromEntries(ProblemCodeSchema.options.map((c) => [c, damaged(c)])) as Record<ProblemCode, CodeInfo>),
  ...gateRejectionInfo,
  ...sourceRejectionInfo,
};

/**
 * "Before, but not during": a backup and a change at the same time (Vault's storage docs). Found in the snapshot
 * folder (its lock, files in flight) and in the automated snapshot status; each finding says how much it weighs.
 */
export const InProgressCodeSchema = z.enum([
  'SNAPSHOT_IN_PROGRESS',
  'CHANGE_IN_PROGRESS',
  'SNAPSHOT_DUE_DURING_CHANGE',
  'STALE_LOCK',
]);
export type InProgressCode = z.infer<typeof InProgressCodeSchema>;

export const inProgressInfo: Readonly<Record<InProgressCode, CodeInfo>> = {
  SNAPSHOT_IN_PROGRESS: {
    title: 'snapshot in progress',
    explanation: 'A snapshot is being taken (a lock, a file in flight, or an automated run not ended): no change now.',
    action: 'Wait for the snapshot to finish, then run the check again.',
  },
  CHANGE_IN_PROGRESS: {
    title: 'change in progress',
    explanation: 'A change holds the snapshot folder (exec or lock acquire): no snapshot is taken until it ends.',
    action: 'Wait for the change to end, or run "vault-change-gate lock release" once it is over.',
  },
  SNAPSHOT_DUE_DURING_CHANGE: {
    title: 'automated snapshot due during the change',
    explanation: 'The next automated snapshot run is due inside the change window (--window).',
    action: 'Finish before it is due, or raise its interval for the change and set it back afterwards.',
  },
  STALE_LOCK: {
    title: 'stale lock',
    explanation:
      'The snapshot folder holds a lock whose holder is gone or which expired, or one that cannot be read; it is ' +
      'never taken silently.',
    action: 'If nothing is running, remove it with --break-stale-lock.',
  },
};

/** What a next step asks for: the hook and the renderers choose their words by this code. */
export const NextStepCodeSchema = z.enum([
  'CONFIGURE',
  'MAKE_VAULT_AVAILABLE',
  'TAKE_SNAPSHOT',
  'CHECK_AGAIN',
  'FIX_INVALID',
  'RESTORE_INSTEAD_OF_DOWNGRADE',
  'FIX_WARNINGS',
  'OVERRIDE',
  'OVERRIDDEN',
  'NO_EVIDENCE_SOURCE',
  'MAKE_CONFIG_BUNDLE',
  'KEEP_SEAL_KEYS',
]);
export type NextStepCode = z.infer<typeof NextStepCodeSchema>;
