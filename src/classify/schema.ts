import { z } from 'zod';

/**
 * What an operation needs under Vault's backup rule.
 * - `backup-first`: a write to the `/sys` API outside the excluded prefixes (or an upgrade): take a backup before it.
 * - `excluded`: a write under `/sys/leases`, `/sys/namespaces`, `/sys/tools`, `/sys/wrapping`, `/sys/policies` or `/sys/pprof`.
 * - `read-only`: changes nothing in storage.
 * - `not-sys`: not a `/sys` operation at all (secrets engines, auth methods, identity, …).
 * - `invalid`: not understood; the gate treats it as a no-go.
 */
export const VerdictSchema = z.enum(['backup-first', 'excluded', 'read-only', 'not-sys', 'invalid']);
export type Verdict = z.infer<typeof VerdictSchema>;

/** HTTP methods Vault's HTTP layer accepts (http/logical.go); anything else is answered 405. */
export const HttpMethodSchema = z.enum(['GET', 'LIST', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
export type HttpMethod = z.infer<typeof HttpMethodSchema>;

export const CategorySchema = z.enum([
  // operations that are not single requests
  'upgrade',
  'downgrade',
  'no-change',
  'storage-migration',
  // /sys families (in scope of the rule)
  'rekey',
  'key-rotation',
  'root-generation',
  'seal',
  'init',
  'leadership',
  'status',
  'mounts',
  'auth',
  'audit',
  'raft',
  'snapshot',
  'snapshot-restore',
  'plugins',
  'managed-keys',
  'quotas',
  'config',
  'loggers',
  'licensing',
  'internal',
  'events',
  'mfa',
  'control-group',
  'locked-users',
  'raw-storage',
  'rotation',
  'replication',
  'secrets-sync',
  'capabilities',
  'policies-legacy',
  'leases-legacy',
  'unknown-sys',
  // the excluded families
  'leases',
  'namespaces',
  'tools',
  'wrapping',
  'policies',
  'pprof',
  // outside /sys, or not understood
  'logical',
  'local',
  'invalid',
]);
export type Category = z.infer<typeof CategorySchema>;

export const HttpOperationSchema = z.strictObject({
  kind: z.literal('http').optional(),
  method: z.string().min(1),
  path: z.string(),
  /** Namespace given as the `X-Vault-Namespace` header would give it; `""` or absent is the root namespace. */
  namespace: z.string().optional(),
});
export type HttpOperation = z.infer<typeof HttpOperationSchema>;

export const UpgradeOperationSchema = z.strictObject({
  kind: z.literal('upgrade'),
  /** The running version; absent when it is to be read from the live cluster. */
  from: z.string().optional(),
  to: z.string().min(1),
});
export type UpgradeOperation = z.infer<typeof UpgradeOperationSchema>;

export const CliOperationSchema = z.strictObject({
  kind: z.literal('vault-cli'),
  /** The command line, either as one string (`vault secrets enable kv`) or as argv (`['vault', 'secrets', …]`). */
  command: z.union([z.string(), z.array(z.string())]),
  /** Environment the command runs with (only `VAULT_NAMESPACE` matters here). */
  env: z.record(z.string(), z.string()).optional(),
});
export type CliOperation = z.infer<typeof CliOperationSchema>;

export const OperationObjectSchema = z.union([UpgradeOperationSchema, CliOperationSchema, HttpOperationSchema]);
export const OperationSchema = z.union([z.string(), OperationObjectSchema]);
export type Operation = z.infer<typeof OperationSchema>;

/** The fields every classification has, of a whole operation or of one of its requests. */
const verdictFields = {
  verdict: VerdictSchema,
  category: CategorySchema,
  /** HTTP method of the deciding request; `null` for upgrades and local-only commands. */
  method: z.string().nullable(),
  /** Normalised path (no leading `/`, no `v1/`, no namespace); `null` when there is no request. */
  path: z.string().nullable(),
  /** Namespace the request runs in; `""` is the root namespace. */
  namespace: z.string(),
  /** One sentence that cites the rule. */
  reason: z.string(),
};

/** One HTTP request an operation sends, classified on its own. */
export const RequestClassificationSchema = z.strictObject(verdictFields);
export type RequestClassification = z.infer<typeof RequestClassificationSchema>;

export const ClassificationSchema = z.strictObject({
  /** The operation as given (a string, or the object rendered as a string). */
  input: z.string(),
  ...verdictFields,
  /** Line in the runbook script or `.tf` file the operation came from. */
  line: z.number().int().positive().optional(),
  /** File the operation came from (runbook, plan, `.tf`). */
  file: z.string().optional(),
  /** Versions of an upgrade or downgrade. */
  from: z.string().nullable().optional(),
  to: z.string().optional(),
  /** Every request a `vault` command sends, when it sends more than one. */
  requests: z.array(RequestClassificationSchema).optional(),
  /** Terraform resource address, for operations read from a plan or `.tf` change. */
  address: z.string().optional(),
});
export type Classification = z.infer<typeof ClassificationSchema>;

/**
 * How demanding a verdict is: an operation of several requests takes the most demanding. A write outside /sys ranks
 * above a /sys read, so `vault kv put` (which first reads sys/internal/ui/mounts) is `not-sys`.
 */
export const verdictRank: Record<Verdict, number> = {
  'read-only': 0,
  'not-sys': 1,
  excluded: 2,
  'backup-first': 3,
  invalid: 4,
};
