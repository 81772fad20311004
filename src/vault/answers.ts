import { z } from 'zod';

/**
 * The documented shapes of the answers read for evidence, strict enough that a page that is not Vault's cannot
 * pass for one: required fields are the ones every Vault of the supported versions sends; others may be absent.
 */

/** GET sys/health (api-docs/system/health): not wrapped in `data`; cluster_* absent while sealed or uninitialised. */
export const HealthSchema = z.object({
  initialized: z.boolean(),
  sealed: z.boolean(),
  standby: z.boolean(),
  performance_standby: z.boolean().optional(),
  version: z.string().min(1),
  server_time_utc: z.number().optional(),
  cluster_name: z.string().optional(),
  cluster_id: z.string().optional(),
});
export type Health = z.infer<typeof HealthSchema>;

/** GET sys/seal-status (api-docs/system/seal-status). */
export const SealStatusSchema = z.object({
  type: z.string(),
  initialized: z.boolean(),
  sealed: z.boolean(),
  t: z.number(),
  n: z.number(),
  progress: z.number(),
  version: z.string().min(1),
  storage_type: z.string().optional(),
  cluster_name: z.string().optional(),
  cluster_id: z.string().optional(),
});

/** GET sys/leader (api-docs/system/leader); the raft indexes only with Integrated Storage. */
export const LeaderSchema = z.object({
  ha_enabled: z.boolean(),
  is_self: z.boolean(),
  leader_address: z.string(),
  raft_committed_index: z.number().int().nonnegative().optional(),
  raft_applied_index: z.number().int().nonnegative().optional(),
});

/** GET sys/storage/raft/configuration (api-docs/system/storage/raft): under `data`. */
export const RaftConfigurationSchema = z.object({
  data: z.object({
    config: z.object({
      index: z.number().int().nonnegative(),
      servers: z.array(
        z.object({ node_id: z.string().min(1), address: z.string(), leader: z.boolean(), voter: z.boolean() }),
      ),
    }),
  }),
});

/** GET sys/storage/raft/autopilot/state (api-docs/system/storage/raftautopilot): under `data` over HTTP. */
export const AutopilotStateSchema = z.object({
  data: z.object({
    healthy: z.boolean(),
    failure_tolerance: z.number().int(),
    leader: z.string(),
    voters: z.array(z.string()),
    servers: z.record(
      z.string(),
      z.object({ id: z.string(), address: z.string(), healthy: z.boolean(), status: z.string() }),
    ),
  }),
});

/** LIST sys/version-history (api-docs/system/version-history): keys under `data` through the logical API. */
export const VersionHistorySchema = z.object({ data: z.object({ keys: z.array(z.string()) }) });

/** GET sys/storage/raft/snapshot-auto/status/:name (Enterprise, api-docs/system/storage/raftautosnapshots). */
export const AutoSnapshotStatusSchema = z.object({
  data: z.object({
    last_snapshot_start: z.string(),
    last_snapshot_end: z.string(),
    last_snapshot_error: z.string(),
    last_snapshot_url: z.string().optional(),
    next_snapshot_start: z.string().optional(),
  }),
});

/** GET sys/storage/raft/snapshot-auto/config/:name (Enterprise, sudo): `interval` in seconds in the read response. */
export const AutoSnapshotConfigSchema = z.object({ data: z.object({ interval: z.number().nonnegative() }) });

/** Vault's error answer (api-docs index, "Error response"): `{"errors": [...]}`. */
export const VaultErrorSchema = z.object({ errors: z.array(z.string()) });

/** The first problem of a parse, by field, without the value (which may be anything a proxy sent). */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'not the documented shape';
  const where = issue.path.length ? issue.path.join('.') : 'the body';
  if (issue.code === 'invalid_type') return `${where}: expected ${issue.expected}`;
  return `${where}: ${issue.code.replace(/_/g, ' ')}`;
}
