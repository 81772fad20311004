import type { z } from 'zod';
import type { ClusterFacts } from './cluster-facts.js';
import {
  AutopilotStateSchema,
  AutoSnapshotConfigSchema,
  AutoSnapshotStatusSchema,
  firstIssue,
  HealthSchema,
  LeaderSchema,
  RaftConfigurationSchema,
  SealStatusSchema,
  VaultErrorSchema,
  VersionHistorySchema,
  type Health,
} from './answers.js';
import type { VaultClient, VaultReply } from './client.js';
import { InterruptedError, VaultUnreachableError, type Hop } from './transport.js';

/** What sys/health's status codes mean (API docs, system/health). */
export const HEALTH_MEANING: Record<number, ClusterFacts['state']> = {
  200: 'active',
  429: 'standby',
  472: 'dr-secondary',
  473: 'performance-standby',
  474: 'standby-unhealthy',
  501: 'uninitialized',
  503: 'sealed',
  530: 'removed',
};

/** A Vault answer that cannot be evidence: what came back (status and content type, never the body). */
class NotVaultAnswer extends Error {}

const what = (r: VaultReply): string => `HTTP ${r.status} and ${r.contentType ?? 'no content type'}`;

/** Parses a 200 of `schema`; throws NotVaultAnswer for anything that is not Vault's JSON of that shape. */
function parse<T extends z.ZodType>(endpoint: string, r: VaultReply, schema: T): z.infer<T> {
  if (r.json === undefined) throw new NotVaultAnswer(`${endpoint} answered ${what(r)}, not Vault's JSON`);
  const parsed = schema.safeParse(r.json);
  if (!parsed.success) {
    const issue = firstIssue(parsed.error);
    throw new NotVaultAnswer(`${endpoint} answered ${what(r)} that is not its documented shape (${issue})`);
  }
  return parsed.data;
}

/** Whether sys/health's body agrees with its status code (a proxy's canned JSON rarely does). */
function contradiction(status: number, h: Health): string | null {
  const ok =
    status === 501
      ? !h.initialized
      : status === 503
        ? h.sealed
        : status === 200
          ? h.initialized && !h.sealed && !h.standby
          : status === 429
            ? h.initialized && !h.sealed && h.standby
            : h.initialized && !h.sealed;
  if (ok) return null;
  const said = `initialized ${h.initialized}, sealed ${h.sealed}, standby ${h.standby}`;
  return `sys/health answered HTTP ${status} with a body that contradicts it (${said})`;
}

const hopNotes = (endpoint: string, hops: readonly Hop[]): string[] =>
  hops.filter((h) => h.from !== h.to).map((h) => `${endpoint}: redirected (${h.status}) from ${h.from} to ${h.to}`);

/**
 * Reads what the live cluster says about itself: health (with its status code), seal status (version, storage
 * and seal type, cluster id and name), leader (HA, raft indexes), raft configuration (node IDs and addresses),
 * autopilot state (health, as a note), version history, and an automated-snapshot configuration's status where
 * asked. Every answer must be Vault's JSON of the documented shape: anything else (a proxy's HTML page, `{}`, a
 * redirect elsewhere) makes the cluster unusable as evidence (`reachable: false`, `error` says what came back).
 * Vault's own refusals of an optional endpoint (a 403 for the token's policy) are notes, not fatal.
 */
export async function gatherClusterFacts(
  client: VaultClient,
  options: { autoSnapshot?: string; name?: string } = {},
): Promise<ClusterFacts> {
  const facts: ClusterFacts = {
    name: options.name ?? null,
    address: client.address,
    reachable: false,
    error: null,
    state: 'unknown',
    healthStatus: null,
    initialized: null,
    sealed: null,
    version: null,
    storageType: null,
    sealType: null,
    clusterName: null,
    clusterId: null,
    haEnabled: null,
    appliedIndex: null,
    raftServers: null,
    versionHistory: [],
    autoSnapshot: null,
    notes: [],
  };
  const unusable = (message: string): ClusterFacts => ({
    ...facts,
    reachable: false,
    state: 'unknown',
    error: `Vault at ${client.address}: ${message}`,
  });
  let health: VaultReply;
  try {
    health = await client.health();
  } catch (error) {
    if (!(error instanceof VaultUnreachableError)) throw error;
    facts.error = error.message;
    return facts;
  }
  facts.healthStatus = health.status;
  facts.notes.push(...hopNotes('sys/health', health.hops));
  const state = HEALTH_MEANING[health.status];
  if (!state) return unusable(`sys/health answered ${what(health)}, which is not a status Vault's health check gives`);
  let h: Health;
  try {
    h = parse('sys/health', health, HealthSchema);
  } catch (error) {
    if (error instanceof NotVaultAnswer) return unusable(error.message);
    throw error;
  }
  const contradicts = contradiction(health.status, h);
  if (contradicts) return unusable(contradicts);
  if (state === 'removed') return unusable('sys/health says this node was removed from its cluster (530)');
  facts.reachable = true;
  facts.state = state;
  facts.initialized = h.initialized;
  facts.sealed = h.sealed;
  facts.version = h.version;
  facts.clusterName = h.cluster_name || null;
  facts.clusterId = h.cluster_id || null;

  const settle = async <T>(p: Promise<T>): Promise<T | Error> =>
    p.catch((e: unknown) => {
      if (e instanceof InterruptedError) throw e;
      return e instanceof Error ? e : new Error(String(e));
    });
  const auto = options.autoSnapshot;
  const autoPath = `sys/storage/raft/snapshot-auto/status/${auto === undefined ? '' : encodeURIComponent(auto)}`;
  const [seal, leader, raft, autopilot, history, autoStatus] = await Promise.all([
    settle(client.request('GET', 'sys/seal-status', { root: true })),
    settle(client.request('GET', 'sys/leader', { root: true })),
    settle(client.request('GET', 'sys/storage/raft/configuration', { root: true })),
    settle(client.request('GET', 'sys/storage/raft/autopilot/state', { root: true })),
    settle(client.list('sys/version-history')),
    auto ? settle(client.request('GET', autoPath, { root: true })) : Promise.resolve(null),
  ]);
  const problems: string[] = [];
  type Read = VaultReply | Error | null;
  const use = <T extends z.ZodType>(endpoint: string, r: Read, schema: T, fn: (v: z.infer<T>) => void) => {
    if (r === null) return;
    if (r instanceof Error) {
      facts.notes.push(`${endpoint}: ${r.message}`);
      return;
    }
    facts.notes.push(...hopNotes(endpoint, r.hops));
    try {
      if (r.status === 200) return fn(parse(endpoint, r, schema));
      // Vault's own refusal (JSON errors): reported, not fatal. Anything else did not come from Vault.
      const refusal = VaultErrorSchema.safeParse(r.json);
      if (!refusal.success) throw new NotVaultAnswer(`${endpoint} answered ${what(r)}, not Vault's JSON`);
      facts.notes.push(
        r.status === 403
          ? `${endpoint}: permission denied (403); the token's policy does not allow it`
          : `${endpoint}: HTTP ${r.status}${refusal.data.errors.length ? ` (${refusal.data.errors[0]})` : ''}`,
      );
    } catch (error) {
      if (!(error instanceof NotVaultAnswer)) throw error;
      problems.push(error.message);
    }
  };
  use('sys/seal-status', seal, SealStatusSchema, (s) => {
    facts.storageType = s.storage_type || null;
    facts.sealType = s.type || null;
    // Before initialisation n and t are 0: no shares to compare.
    facts.sealShares = s.initialized ? s.n : null;
    facts.sealThreshold = s.initialized ? s.t : null;
    facts.clusterName ??= s.cluster_name || null;
    facts.clusterId ??= s.cluster_id || null;
    // Not the version: behind a load balancer, nodes of a rolling upgrade may answer the two requests.
    if (s.sealed !== h.sealed)
      problems.push('sys/seal-status contradicts sys/health (sealed or not): two servers answer');
  });
  use('sys/leader', leader, LeaderSchema, (l) => {
    facts.haEnabled = l.ha_enabled;
    facts.appliedIndex = l.raft_applied_index ?? null;
  });
  use('sys/storage/raft/configuration', raft, RaftConfigurationSchema, (c) => {
    const servers = c.data.config.servers;
    facts.raftServers = servers.map((s) => ({ id: s.node_id, address: s.address, voter: s.voter, leader: s.leader }));
  });
  use('sys/storage/raft/autopilot/state', autopilot, AutopilotStateSchema, ({ data: a }) => {
    // Reported, not fatal: an unhealthy raft cluster still takes snapshots, but the person deciding should know.
    if (!a.healthy) {
      facts.notes.push(`autopilot: the raft cluster is not healthy (failure tolerance ${a.failure_tolerance})`);
    }
  });
  use('sys/version-history', history, VersionHistorySchema, (v) => {
    facts.versionHistory = v.data.keys;
  });
  use(autoPath, autoStatus, AutoSnapshotStatusSchema, ({ data: d }) => {
    facts.autoSnapshot = {
      name: auto as string,
      lastStart: d.last_snapshot_start || null,
      lastEnd: d.last_snapshot_end || null,
      lastError: d.last_snapshot_error || null,
      url: d.last_snapshot_url || null,
      nextStart: d.next_snapshot_start || null,
      intervalSeconds: null,
    };
  });
  // Before Vault 1.21 the status does not say when the next run is due: its config's interval does.
  const a = facts.autoSnapshot;
  if (a && a.nextStart === null && a.lastStart !== null && problems.length === 0) {
    const configPath = `sys/storage/raft/snapshot-auto/config/${encodeURIComponent(a.name)}`;
    const config = await settle(client.request('GET', configPath, { root: true }));
    use(configPath, config, AutoSnapshotConfigSchema, ({ data }) => (a.intervalSeconds = data.interval));
  }
  return problems.length ? unusable(problems[0] as string) : facts;
}
