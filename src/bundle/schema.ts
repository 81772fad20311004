import { z } from 'zod';
import { ProblemCodeSchema as SnapshotProblemCodeSchema } from '../snapshot/schema.js';
import { CatalogueEntrySchema } from '../vault/plugin-catalogue.js';

/** The archive's one entry that is not a file of the server: the manifest, written last. */
export const MANIFEST = 'manifest.json';
export const MANIFEST_FORMAT = 'vault-change-gate/config-bundle';

export const BundleFileSchema = z.strictObject({
  /** Where the file was (absolute): where a restore puts it back. */
  path: z.string(),
  /** Its name inside the archive (`files/3-vault.hcl`), never derived from a path a restore could follow. */
  entry: z.string(),
  size: z.number().int().nonnegative(),
  /** Permission bits, octal (`0640`). */
  mode: z.string().regex(/^0[0-7]{3,4}$/),
  owner: z.strictObject({ uid: z.number().int(), gid: z.number().int(), user: z.string().nullable() }),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** What it is to Vault: `server configuration`, `listener "tcp" tls_key_file (vault.hcl:9)`, `--include`. */
  roles: z.array(z.string()),
  sensitive: z.boolean(),
  /** Why it is sensitive (`a private key`, `seal "transit" sets token (line 3)`), or null. */
  why: z.string().nullable(),
});
export type BundleFile = z.infer<typeof BundleFileSchema>;

/** One plugin of the live catalogue (sys/plugins/catalog), and whether the bundle can reinstall it. */
export const CataloguePluginSchema = CatalogueEntrySchema.extend({
  /** External plugins: the path of a binary with this sha256 in the bundle, or null when it has none. */
  binary: z.string().nullable(),
});
export type CataloguePlugin = z.infer<typeof CataloguePluginSchema>;

export const ManifestSchema = z.strictObject({
  format: z.literal(MANIFEST_FORMAT),
  version: z.literal(1),
  /** When the bundle was made (ISO 8601, UTC). */
  createdAt: z.string(),
  host: z.string(),
  serverConfigs: z.array(z.string()),
  /** The seal types the configuration sets: the active one (Shamir without a seal stanza) and disabled ones. */
  seal: z.strictObject({ type: z.string(), disabled: z.array(z.string()) }),
  storageType: z.string().nullable(),
  pluginDirectory: z.string().nullable(),
  files: z.array(BundleFileSchema),
  /** With --vault: the live plugin catalogue; null without. */
  plugins: z
    .strictObject({ address: z.string(), readAt: z.string(), catalogue: z.array(CataloguePluginSchema) })
    .nullable(),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** The bundle's own problems besides the gzip and tar ones it shares with snapshots. */
export const BundleOnlyProblemCodeSchema = z.enum([
  'MANIFEST_MISSING',
  'MANIFEST_INVALID',
  'NOT_IN_MANIFEST',
  'AGE_HEADER_INVALID',
  'AGE_DECRYPT_FAILED',
]);

const SHARED: readonly z.infer<typeof SnapshotProblemCodeSchema>[] = SnapshotProblemCodeSchema.options.filter(
  (c) => /^(NOT_A_FILE|READ_ERROR|EMPTY_FILE|NOT_GZIP|GZIP_|TAR_)/.test(c) || ['DUPLICATE_ENTRY'].includes(c),
);
export const BundleProblemCodeSchema = z.enum([
  ...SHARED,
  'MISSING_ENTRY',
  'HASH_MISMATCH',
  'SIZE_MISMATCH',
  'ENTRY_TOO_LARGE',
  ...BundleOnlyProblemCodeSchema.options,
]);
export type BundleProblemCode = z.infer<typeof BundleProblemCodeSchema>;

export const BundleProblemSchema = z.strictObject({
  code: BundleProblemCodeSchema,
  /** One sentence: what is wrong with the bundle. */
  reason: z.string(),
  /** The same sentence, as snapshot inspect's problems also carry it. */
  message: z.string(),
});
export type BundleProblem = z.infer<typeof BundleProblemSchema>;

/** What `inspectBundle` and `config-bundle inspect --json` report. The field names are a public interface. */
export const BundleInspectionSchema = z.strictObject({
  file: z.string(),
  valid: z.boolean(),
  /** `age` when the file is age-encrypted; then without an identity only its header was checked. */
  encrypted: z.boolean(),
  /** Whether the contents were read (false for an age file inspected without --identity). */
  contentsVerified: z.boolean(),
  /** age recipients' stanza types (`X25519`), from the header. */
  recipients: z.array(z.string()),
  sha256: z.string().nullable(),
  bytes: z.number(),
  /** The manifest's createdAt, or the time in the file name of an encrypted bundle not opened; null if neither. */
  createdAt: z.string().nullable(),
  manifest: ManifestSchema.nullable(),
  notes: z.array(z.string()),
  problems: z.array(BundleProblemSchema),
});
export type BundleInspection = z.infer<typeof BundleInspectionSchema>;
