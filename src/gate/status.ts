import { stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { formatDuration } from '../config/duration.js';
import { ConfigError, loadConfig, resolveConfigPath, type LoadedConfig } from '../config/load.js';
import type { SnapshotInspection } from '../snapshot/schema.js';
import { collectEvidence, show } from './evidence.js';
import { policyFromConfig, type Policy } from './policy.js';
import { whyRefused, type SidecarEvidence } from './refusal.js';
import { RejectedSchema, type Rejected } from './schema.js';
import { readSources, refusalsOf, sourceContext } from './source-evidence.js';
import { resolveSources } from './source-specs.js';
import { clusterTargets, type Shared, type Target } from './targets.js';

export const NewestSnapshotSchema = z.strictObject({
  /** The file or object URL. */
  file: z.string(),
  takenAt: z.string(),
  age: z.string(),
  ageMs: z.number(),
  /** Bytes of the archive. */
  bytes: z.number(),
  index: z.number().nullable(),
  sha256: z.string().nullable(),
});
export type NewestSnapshot = z.infer<typeof NewestSnapshotSchema>;

export const SourceStatusSchema = z.strictObject({
  /** The folder (as configured, relative to the working folder when under it) or the URL without its query. */
  source: z.string(),
  kind: z.enum(['folder', 's3', 'azure', 'gs']),
  /** Files or objects that matched the pattern. */
  candidates: z.number(),
  /** Candidates read and refused (damaged, cut, …), and the source's own failure (access denied, …). */
  refused: z.number(),
  refusals: z.array(RejectedSchema),
  /** The newest verified snapshot that could be evidence; null: none. */
  newest: NewestSnapshotSchema.nullable(),
});
export type SourceStatus = z.infer<typeof SourceStatusSchema>;

export const ClusterStatusSchema = z.strictObject({
  /** The cluster's name in `clusters`, or null for the one set of snapshots. */
  cluster: z.string().nullable(),
  /** snapshots.maxAge.default, as written and in ms. */
  maxAge: z.string(),
  maxAgeMs: z.number(),
  /** The strictest age of the policy (upgrades, rekeys: 1h by default). */
  strictestMaxAge: z.string(),
  strictestMaxAgeMs: z.number(),
  /** The newest verified snapshot over every source. */
  newest: NewestSnapshotSchema.nullable(),
  /** A verified snapshot within maxAge exists. */
  fresh: z.boolean(),
  sources: z.array(SourceStatusSchema),
});
export type ClusterStatus = z.infer<typeof ClusterStatusSchema>;

/** What `status --json` prints. Field names are a public interface. */
export const StatusReportSchema = z.strictObject({
  generatedAt: z.string(),
  /** Every cluster has a verified snapshot within snapshots.maxAge.default (exit 0; else exit 1). */
  ok: z.boolean(),
  clusters: z.array(ClusterStatusSchema),
});
export type StatusReport = z.infer<typeof StatusReportSchema>;

export interface StatusOptions {
  readonly cwd?: string;
  readonly configFile?: string;
  readonly config?: LoadedConfig;
  readonly snapshotDir?: string;
  readonly snapshotUrls?: readonly string[];
  readonly pattern?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly now?: Date;
}

/**
 * The freshness report: per configured cluster and per source (the folder, each object-storage source), the newest
 * verified snapshot (each candidate streamed through the verifier, newest first, until one can be evidence), how
 * many candidates there were and why any were refused, against the policy's ages. Asks no Vault.
 */
export async function freshnessReport(options: StatusOptions = {}): Promise<StatusReport> {
  const cwd = options.cwd ?? process.cwd();
  const loaded =
    options.config ??
    (await loadConfig({ cwd, ...(options.configFile !== undefined ? { file: options.configFile } : {}) }));
  const { config } = loaded;
  const policy = policyFromConfig(config);
  const now = (options.now ?? new Date()).toISOString();
  const dir =
    options.snapshotDir !== undefined
      ? path.resolve(cwd, options.snapshotDir)
      : config.snapshots?.dir !== undefined
        ? resolveConfigPath(config.snapshots.dir, loaded.baseDir)
        : null;
  if (options.snapshotDir !== undefined && !(await stat(dir as string).catch(() => null))?.isDirectory()) {
    throw new ConfigError(`the snapshot folder ${options.snapshotDir} does not exist or is not a folder`);
  }
  const pattern = options.pattern ?? config.snapshots?.pattern ?? '**/*.snap';
  const sources = resolveSources(options.snapshotUrls, config.snapshots?.sources);
  const env = options.env ?? process.env;
  const targets = clusterTargets({ loaded, dir, pattern, sources, env, live: true });
  const shared: Shared = {
    options: { env },
    config,
    cwd,
    classified: [],
    now,
    policy,
    context: {},
    notes: [],
  };
  const clusters: ClusterStatus[] = [];
  for (const target of targets) clusters.push(await clusterStatus(target, shared));
  return { generatedAt: now, ok: clusters.every((c) => c.fresh), clusters };
}

async function clusterStatus(target: Target, shared: Shared): Promise<ClusterStatus> {
  const { policy, cwd } = shared;
  const statuses: SourceStatus[] = [];
  if (target.dir) {
    const folderOnly = { ...target, sources: [], env: null };
    const got = await collectEvidence(folderOnly, shared, null);
    statuses.push(
      sourceStatus(show(target.dir, cwd), 'folder', got.candidates ?? 0, got.snapshots, got.rejected, shared),
    );
  }
  const remote = await readSources(target.sources, sourceContext(shared, null, target.pattern));
  for (const [i, c] of remote.entries()) {
    const kind = target.sources[i]?.kind ?? 's3';
    statuses.push(sourceStatus(c.source, kind, c.candidates, c.snapshots, refusalsOf([c]), shared));
  }
  const newest = statuses
    .map((s) => s.newest)
    .filter((n): n is NewestSnapshot => n !== null)
    .sort((a, b) => a.ageMs - b.ageMs)[0];
  const maxAgeMs = policy.maxAgeMs.default;
  const strictest = Math.min(...Object.values(policy.maxAgeMs));
  return {
    cluster: target.name,
    maxAge: formatDuration(maxAgeMs),
    maxAgeMs,
    strictestMaxAge: formatDuration(strictest),
    strictestMaxAgeMs: strictest,
    newest: newest ?? null,
    fresh: newest !== undefined && newest.ageMs <= maxAgeMs,
    sources: statuses,
  };
}

function sourceStatus(
  source: string,
  kind: SourceStatus['kind'],
  candidates: number,
  snapshots: readonly SnapshotInspection[],
  rejected: readonly Rejected[],
  shared: Shared,
  sidecars: Readonly<Record<string, SidecarEvidence>> = {},
): SourceStatus {
  const ctx = refusalContext(shared.policy, Date.parse(shared.now));
  const refusals = [...rejected];
  let newest: NewestSnapshot | null = null;
  for (const s of snapshots) {
    const refused = whyRefused(s, { ...ctx, sidecar: sidecars[s.file] ?? null });
    if (refused) refusals.push(refused);
    else if (newest === null || Date.parse(s.takenAt as string) > Date.parse(newest.takenAt)) {
      const ageMs = Math.max(0, ctx.now - Date.parse(s.takenAt as string));
      newest = {
        file: s.file,
        takenAt: s.takenAt as string,
        age: formatDuration(ageMs),
        ageMs,
        bytes: s.bytes,
        index: s.index,
        sha256: s.sha256,
      };
    }
  }
  return { source, kind, candidates, refused: refusals.length, refusals, newest };
}

const refusalContext = (policy: Policy, now: number) => ({
  now,
  skewMs: policy.clockSkewMs,
  maxIndexLag: null,
  cluster: null,
});
