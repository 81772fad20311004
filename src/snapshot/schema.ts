import { z } from 'zod';

/** raft.SnapshotMeta as Go's encoding/json writes it (no JSON tags, so Go field names). */
export const SnapshotMetaSchema = z.object({
  Version: z.number().int().min(0).max(1),
  ID: z.string(),
  Index: z.number().int().nonnegative(),
  Term: z.number().int().nonnegative(),
  Peers: z.string().nullable().optional(),
  Configuration: z
    .object({
      Servers: z.array(z.object({ Suffrage: z.number().int(), ID: z.string(), Address: z.string() })).nullable(),
    })
    .optional(),
  ConfigurationIndex: z.number().int().nonnegative().optional(),
  Size: z.number().int().nonnegative(),
  /** Only in raft FileSnapshotStore directories, never in archives. */
  CRC: z.string().optional(),
});
export type SnapshotMeta = z.infer<typeof SnapshotMetaSchema>;

export const SnapshotFormatSchema = z.enum(['vault', 'consul']);
export type SnapshotFormat = z.infer<typeof SnapshotFormatSchema>;

export const ProblemCodeSchema = z.enum([
  'NOT_A_FILE',
  'READ_ERROR',
  'EMPTY_FILE',
  'NOT_GZIP',
  'GZIP_HEADER',
  'GZIP_CORRUPT',
  'GZIP_TRUNCATED',
  'GZIP_CRC_MISMATCH',
  'GZIP_SIZE_MISMATCH',
  'GZIP_MULTI_MEMBER',
  'GZIP_TRAILING_DATA',
  'GZIP_BOMB',
  'TAR_BAD_HEADER',
  'TAR_HEADER_CHECKSUM',
  'TAR_ENTRY_TYPE',
  'TAR_TRUNCATED',
  'TAR_PADDING',
  'TAR_NO_END_MARKER',
  'TAR_TRAILING_DATA',
  'UNEXPECTED_ENTRY',
  'DUPLICATE_ENTRY',
  'MISSING_ENTRY',
  'ENTRY_TOO_LARGE',
  'SUMS_MALFORMED',
  'SUMS_MISSING_FILE',
  'SUMS_UNEXPECTED_FILE',
  'HASH_MISMATCH',
  'META_INVALID',
  'SIZE_MISMATCH',
  'SEALED_SUMS_EMPTY',
  'STATE_CORRUPT',
  'MTIME_MISMATCH',
  'TIME_MISMATCH',
  'FORMAT_MISMATCH',
]);
export type ProblemCode = z.infer<typeof ProblemCodeSchema>;

export const ProblemSchema = z.strictObject({
  code: ProblemCodeSchema,
  /** One sentence: what is wrong with the archive. */
  reason: z.string(),
  /** Deprecated alias of `reason` (the one name for an explanation across public shapes); removed in 0.3. */
  message: z.string(),
});
export type Problem = z.infer<typeof ProblemSchema>;

export const RaftServerSchema = z.strictObject({
  id: z.string(),
  address: z.string(),
  /** raft suffrage: voter, nonvoter or staging. */
  suffrage: z.enum(['voter', 'nonvoter', 'staging', 'unknown']),
});
export type RaftServer = z.infer<typeof RaftServerSchema>;

/** A seal or recovery configuration as Vault keeps it in plaintext (vault/seal.go SealConfig). */
export const SealSharesSchema = z.strictObject({
  type: z.string().nullable(),
  shares: z.number().nullable(),
  threshold: z.number().nullable(),
  /** Shares kept by the seal itself (auto-unseal stores the barrier key); null when not said. */
  storedShares: z.number().nullable(),
});
export type SealShares = z.infer<typeof SealSharesSchema>;

/**
 * The snapshot's seal: `core/seal-config` (Shamir: the unseal key shares; auto-unseal: the seal's type) and
 * `core/recovery-config` (auto-unseal: the recovery key shares). Restoring needs the shares or KMS of that time.
 */
export const SnapshotSealSchema = z.strictObject({
  type: z.string().nullable(),
  shares: z.number().nullable(),
  threshold: z.number().nullable(),
  storedShares: z.number().nullable(),
  recovery: SealSharesSchema.nullable(),
});
export type SnapshotSeal = z.infer<typeof SnapshotSealSchema>;

/** What `inspectSnapshot` and `snapshot inspect --json` report. The field names are a public interface. */
export const SnapshotInspectionSchema = z.strictObject({
  file: z.string(),
  valid: z.boolean(),
  format: SnapshotFormatSchema.nullable(),
  id: z.string().nullable(),
  index: z.number().nullable(),
  term: z.number().nullable(),
  version: z.number().nullable(),
  /** Length of state.bin as meta.json declares it (and as checked). */
  size: z.number().nullable(),
  /** When the snapshot was taken, from inside the archive (ISO 8601, UTC); never from the file's mtime or name. */
  takenAt: z.string().nullable(),
  servers: z.array(RaftServerSchema),
  /** SHA-256 of the whole file, hex. */
  sha256: z.string().nullable(),
  /** Vault versions that ran on the cluster (storage keys core/versions/<v>), oldest first. */
  vaultVersions: z.array(z.string()),
  /** Seal type from the plaintext core/seal-config (Vault only). */
  sealType: z.string().nullable(),
  /** The seal configuration from core/seal-config and core/recovery-config (Vault only); null when absent. */
  seal: SnapshotSealSchema.nullable().optional(),
  /** Storage keys per prefix (Vault) or records per message type (Consul). */
  keys: z.record(z.string(), z.number()),
  /** Bytes of the file read. */
  bytes: z.number(),
  notes: z.array(z.string()),
  problems: z.array(ProblemSchema),
});
export type SnapshotInspection = z.infer<typeof SnapshotInspectionSchema>;
