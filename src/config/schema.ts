import { z } from 'zod';
import { CategorySchema } from '../classify/schema.js';
import { DURATION_PATTERN, parseDuration } from './duration.js';

export const DurationSchema = z
  .string()
  .regex(DURATION_PATTERN, { message: 'expected a duration such as "90m", "24h", "2d" or "1h30m"' })
  // Too long to compute with is an error, never replaced by a default.
  .refine((text) => !DURATION_PATTERN.test(text) || parseDuration(text) !== null, {
    message: 'expected a duration of at most 100 years (this one is too long to compute with)',
  })
  .describe('A duration: digits and a unit (ms, s, m, h, d, w), repeatable: "90m", "24h", "2d", "1h30m".');

/** A pattern the upgrade watch can use: it compiles and has exactly one capturing group. */
function oneCaptureGroup(pattern: string): boolean {
  try {
    return new RegExp(`${pattern}|`).exec('')?.length === 2;
  } catch {
    return false;
  }
}

export const PolicyModeSchema = z
  .enum(['require', 'warn', 'allow'])
  .describe('require: no-go without a fresh snapshot; warn: go, with a warning; allow: needs nothing.');
export type PolicyMode = z.infer<typeof PolicyModeSchema>;

const byCategory = <T extends z.ZodType>(value: T) =>
  z.strictObject(
    Object.fromEntries(CategorySchema.options.map((c) => [c, value.optional()])) as Record<
      z.infer<typeof CategorySchema>,
      z.ZodOptional<T>
    >,
  );

const SOURCE_URL = /^(s3|gs):\/\/[^/?#]+(\/[^?#]*)?(\?[^#]*)?$|^azure:\/\/[^/?#]+\/[^/?#]+(\/[^?#]*)?(\?[^#]*)?$/;
const SOURCE_URL_MESSAGE = 'expected s3://BUCKET/PREFIX, azure://ACCOUNT/CONTAINER/PREFIX or gs://BUCKET/PREFIX';

export const MaxAgeSchema = byCategory(DurationSchema)
  .extend({ default: DurationSchema.optional().describe('For every backup-first category not named. Default 24h.') })
  .describe(
    'How old the newest valid snapshot may be, per category. Defaults: 1h for upgrade, downgrade, rekey, key-rotation, root-generation and snapshot-restore; 24h otherwise.',
  );

/** Where snapshots are kept in object storage: a URL, or a URL with its settings (the URL's query overrides them). */
export const SnapshotSourceSchema = z
  .union([
    z.string().regex(SOURCE_URL, { message: SOURCE_URL_MESSAGE }),
    z.strictObject({
      url: z.string().regex(SOURCE_URL, { message: SOURCE_URL_MESSAGE }),
      endpoint: z
        .string()
        .regex(/^https?:\/\/\S+$/, { message: 'expected an http:// or https:// URL' })
        .optional()
        .describe('S3-compatible, Azure or GCS endpoint (e.g. "http://127.0.0.1:4569"); else the service\'s own.'),
      region: z.string().min(1).optional().describe('S3: the region (else AWS_REGION, then us-east-1).'),
      forcePathStyle: z
        .boolean()
        .optional()
        .describe('S3: address the bucket in the path (most S3-compatible stores).'),
      profile: z.string().min(1).optional().describe('S3: the AWS shared-config profile (else AWS_PROFILE).'),
      api: z
        .enum(['json', 's3'])
        .optional()
        .describe('gs:// only: "s3" reads through Cloud Storage\'s S3-compatible API with HMAC keys.'),
      pattern: z.string().optional().describe('minimatch pattern of object names under the prefix (else pattern).'),
    }),
  ])
  .describe('s3://BUCKET/PREFIX, azure://ACCOUNT/CONTAINER/PREFIX or gs://BUCKET/PREFIX, or { "url": …, settings }.');
export type SnapshotSource = z.infer<typeof SnapshotSourceSchema>;

const SOURCES = z
  .array(SnapshotSourceSchema)
  .optional()
  .describe('Object storage searched for snapshots beside dir; every candidate is streamed through the verifier.');

export const ConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    snapshots: z
      .strictObject({
        dir: z
          .string()
          .optional()
          .describe('Folder searched for snapshots (relative to this file; "~" is the home folder).'),
        pattern: z.string().optional().describe('minimatch pattern of snapshot files inside dir. Default "**/*.snap".'),
        sources: SOURCES,
        maxAge: MaxAgeSchema.optional(),
        maxIndexLag: z
          .number()
          .int()
          .nonnegative()
          .optional()
          .describe(
            'With a live cluster (--vault): refuse a snapshot more than this many raft entries behind the ' +
              "cluster's applied index, however recent its time. Default: no limit.",
          ),
      })
      .optional(),
    configBundles: z
      .strictObject({
        dir: z
          .string()
          .optional()
          .describe('Folder searched for configuration bundles (config-bundle save), relative to this file.'),
        pattern: z
          .string()
          .optional()
          .describe('minimatch pattern of bundle files inside dir. Default "**/vault-config-*.tar.gz*".'),
        maxAge: z
          .union([DurationSchema, MaxAgeSchema])
          .optional()
          .describe("How old the bundle may be: one duration, or per category. Default: the snapshot's for it."),
        requireFor: z
          .array(CategorySchema)
          .optional()
          .describe(
            'Categories that need a fresh valid configuration bundle besides the snapshot. Default: upgrade, ' +
              'downgrade, plugins, storage-migration, seal.',
          ),
      })
      .optional()
      .describe(
        "The second piece of a backup (Vault's storage docs): the server's configuration, scripts and plugins.",
      ),
    policy: byCategory(PolicyModeSchema).optional().describe('Per category: require (default), warn or allow.'),
    allowDowngrade: z.boolean().optional().describe('Let a downgrade go ahead with a fresh snapshot. Default false.'),
    clockSkew: DurationSchema.optional().describe(
      'How far in the future a snapshot may be dated before it is refused. Default 5m.',
    ),
    strict: z
      .boolean()
      .optional()
      .describe('Warnings (a snapshot readable by others, a warn-policy operation) make a no-go.'),
    decisionLog: z.string().optional().describe('Append every decision to this file as one JSON line (created 0600).'),
    vault: z
      .strictObject({
        live: z
          .boolean()
          .optional()
          .describe(
            'Ask the live cluster (VAULT_ADDR and friends) in every check, as --vault does; the hook does when VAULT_ADDR is set.',
          ),
        autoSnapshot: z
          .string()
          .optional()
          .describe('Enterprise: the automated snapshot configuration whose last run counts as evidence.'),
      })
      .optional(),
    clusters: z
      .array(
        z.strictObject({
          name: z.string().min(1).describe('A name for messages.'),
          address: z
            .string()
            .url()
            .describe('The VAULT_ADDR of the cluster (its active node, or a load balancer in front of it).'),
          namespace: z.string().optional(),
          caCert: z.string().optional().describe('VAULT_CACERT for this cluster (relative to this file).'),
          snapshots: z
            .strictObject({ dir: z.string().optional(), pattern: z.string().optional(), sources: SOURCES })
            .optional(),
        }),
      )
      .optional()
      .describe(
        "Several clusters (performance replication: each cluster's active node needs its own backup). With live checks, the decision covers each.",
      ),
    runbooks: z
      .strictObject({
        wrappers: z
          .array(z.string().min(1))
          .optional()
          .describe(
            'Commands of your runbooks that run their arguments as a command (e.g. a retry helper): vault after them is read, ' +
              'not refused as invalid.',
          ),
      })
      .optional(),
    upgradeWatch: z
      .array(
        z.strictObject({
          files: z.string().min(1).describe('minimatch pattern of repository paths, e.g. "**/*.tfvars".'),
          pattern: z
            .string()
            .min(1)
            .refine(oneCaptureGroup, {
              message: 'must be a regular expression with exactly one capture group (the version)',
            })
            .describe(
              'Regular expression with one capture group for the version, e.g. "vault_version\\s*=\\s*\"([^\"]+)\"".',
            ),
        }),
      )
      .optional()
      .describe(
        'Files whose change of a captured version is a Vault upgrade (or downgrade): old and new captures give "upgrade OLD -> NEW".',
      ),
  })
  .describe('vault-change-gate configuration (vault-change-gate.config.json).');
export type Config = z.infer<typeof ConfigSchema>;
