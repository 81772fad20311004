import { z } from 'zod';

/** What the live cluster said (check --vault). */
export const ClusterFactsSchema = z.strictObject({
  /** The cluster's name in the config (`clusters`), or null for the one VAULT_ADDR names. */
  name: z.string().nullable(),
  address: z.string(),
  reachable: z.boolean(),
  /** Why it could not be reached, in one sentence. */
  error: z.string().nullable(),
  /** From sys/health's status code. */
  state: z.enum([
    'active',
    'standby',
    'dr-secondary',
    'performance-standby',
    'standby-unhealthy',
    'uninitialized',
    'sealed',
    'removed',
    'unknown',
  ]),
  healthStatus: z.number().nullable(),
  initialized: z.boolean().nullable(),
  sealed: z.boolean().nullable(),
  version: z.string().nullable(),
  storageType: z.string().nullable(),
  sealType: z.string().nullable(),
  /** sys/seal-status `n` and `t`: the unseal key shares (Shamir) or recovery key shares (auto-unseal). */
  sealShares: z.number().nullable().optional(),
  sealThreshold: z.number().nullable().optional(),
  clusterName: z.string().nullable(),
  clusterId: z.string().nullable(),
  haEnabled: z.boolean().nullable(),
  appliedIndex: z.number().nullable(),
  raftServers: z
    .array(z.strictObject({ id: z.string(), address: z.string(), voter: z.boolean(), leader: z.boolean() }))
    .nullable(),
  versionHistory: z.array(z.string()),
  autoSnapshot: z
    .strictObject({
      name: z.string(),
      lastStart: z.string().nullable(),
      lastEnd: z.string().nullable(),
      lastError: z.string().nullable(),
      url: z.string().nullable(),
      /** When the next run is due (`next_snapshot_start`, Vault 1.21+); null when the cluster does not say. */
      nextStart: z.string().nullable().default(null),
      /** Seconds between runs, from its config (read only when nextStart is not given; needs sudo). */
      intervalSeconds: z.number().nullable().default(null),
    })
    .nullable(),
  /** Optional endpoints that were refused (403) or failed: reported, not fatal. */
  notes: z.array(z.string()),
});
export type ClusterFacts = z.infer<typeof ClusterFactsSchema>;
