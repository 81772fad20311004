import type { ClusterFacts } from '../gate/schema.js';
import type { VaultClient, VaultReply } from './client.js';
import { VaultUnreachableError } from './transport.js';

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

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const data = (r: VaultReply): Record<string, unknown> => (r.body.data && typeof r.body.data === 'object' ? (r.body.data as Record<string, unknown>) : r.body);

/** A reply that is not a 200: a note for an optional endpoint (a 403 is reported, not fatal). */
const note = (what: string, r: VaultReply): string =>
  r.status === 403
    ? `${what}: permission denied (403); the token's policy does not allow it`
    : `${what}: HTTP ${r.status}${Array.isArray(r.body.errors) && r.body.errors.length ? ` (${String(r.body.errors[0])})` : ''}`;

/**
 * Reads what the live cluster says about itself: health (with its status code), seal status (version, storage
 * and seal type, cluster id and name), leader (HA, raft indexes), raft configuration (node IDs), version history,
 * and, where the token may, autopilot state and an automated-snapshot configuration's status.
 */
export async function gatherClusterFacts(client: VaultClient, options: { autoSnapshot?: string; name?: string } = {}): Promise<ClusterFacts> {
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
  let health: VaultReply;
  try {
    health = await client.health();
  } catch (error) {
    if (!(error instanceof VaultUnreachableError)) throw error;
    facts.error = error.message;
    return facts;
  }
  facts.reachable = true;
  facts.healthStatus = health.status;
  facts.state = HEALTH_MEANING[health.status] ?? 'unknown';
  facts.initialized = typeof health.body.initialized === 'boolean' ? health.body.initialized : null;
  facts.sealed = typeof health.body.sealed === 'boolean' ? health.body.sealed : null;
  facts.version = str(health.body.version);
  facts.clusterName = str(health.body.cluster_name);
  facts.clusterId = str(health.body.cluster_id);

  const settle = async <T>(p: Promise<T>): Promise<T | Error> => p.catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
  const [seal, leader, raft, history, auto] = await Promise.all([
    settle(client.request('GET', 'sys/seal-status', { root: true })),
    settle(client.request('GET', 'sys/leader', { root: true })),
    settle(client.request('GET', 'sys/storage/raft/configuration', { root: true })),
    settle(client.list('sys/version-history')),
    options.autoSnapshot ? settle(client.request('GET', `sys/storage/raft/snapshot-auto/status/${encodeURIComponent(options.autoSnapshot)}`, { root: true })) : Promise.resolve(null),
  ]);
  const use = (what: string, r: VaultReply | Error | null, fn: (r: VaultReply) => void) => {
    if (r === null) return;
    if (r instanceof Error) facts.notes.push(`${what}: ${r.message}`);
    else if (r.status === 200) fn(r);
    else facts.notes.push(note(what, r));
  };
  use('sys/seal-status', seal, (r) => {
    facts.storageType = str(r.body.storage_type);
    facts.sealType = str(r.body.type);
    facts.version ??= str(r.body.version);
    facts.clusterName ??= str(r.body.cluster_name);
    facts.clusterId ??= str(r.body.cluster_id);
    if (typeof r.body.sealed === 'boolean') facts.sealed = r.body.sealed;
    if (typeof r.body.initialized === 'boolean') facts.initialized = r.body.initialized;
  });
  use('sys/leader', leader, (r) => {
    facts.haEnabled = typeof r.body.ha_enabled === 'boolean' ? r.body.ha_enabled : null;
    facts.appliedIndex = num(r.body.raft_applied_index);
  });
  use('sys/storage/raft/configuration', raft, (r) => {
    const servers = ((data(r).config as { servers?: unknown[] } | undefined)?.servers ?? []) as Record<string, unknown>[];
    facts.raftServers = servers.map((s) => ({ id: String(s.node_id ?? ''), address: String(s.address ?? ''), voter: s.voter !== false, leader: s.leader === true }));
  });
  use('sys/version-history', history, (r) => {
    const keys = data(r).keys;
    if (Array.isArray(keys)) facts.versionHistory = keys.map(String);
  });
  use(`sys/storage/raft/snapshot-auto/status/${options.autoSnapshot}`, auto, (r) => {
    const d = data(r);
    facts.autoSnapshot = { name: options.autoSnapshot as string, lastStart: str(d.last_snapshot_start), lastEnd: str(d.last_snapshot_end), lastError: str(d.last_snapshot_error), url: str(d.last_snapshot_url) };
  });
  return facts;
}
