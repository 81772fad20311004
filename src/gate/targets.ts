import type { Classification } from '../classify/schema.js';
import { resolveConfigPath, type LoadedConfig } from '../config/load.js';
import type { SourceSpec } from '../sources/spec.js';
import type { CheckOptions } from './check-options.js';
import { specsFromConfig } from './source-specs.js';
import type { EvaluateContext } from './evaluate.js';
import type { Policy } from './policy.js';
import { warning } from './findings.js';
import type { Decision, Warning } from './schema.js';

/** One cluster to decide for (config `clusters`), or the one check without a list of clusters. */
export interface Target {
  /** The cluster's name in `clusters`, or null for the one cluster (or none). */
  readonly name: string | null;
  readonly dir: string | null;
  readonly pattern: string;
  /** Object storage searched beside the folder (--snapshot-url, snapshots.sources). */
  readonly sources: readonly SourceSpec[];
  /** The environment to reach Vault with; null when the live cluster is not asked. */
  readonly env: Readonly<Record<string, string | undefined>> | null;
}

/** What every target's decision shares: the input, read once. */
export interface Shared {
  readonly options: CheckOptions;
  readonly config: LoadedConfig['config'];
  readonly cwd: string;
  readonly classified: Classification[];
  readonly now: string;
  readonly policy: Policy;
  readonly context: EvaluateContext;
  /** Warnings about the input itself (a script in which nothing was found), shown in every decision. */
  readonly notes: readonly Warning[];
  /** The configuration bundle folder (--config-bundle-dir, configBundles.dir), or null. */
  readonly bundleDir?: string | null;
  /**
   * Snapshot folders besides each target's own (snapshots.dir), absolute: looked into for backups in progress only,
   * as exec locks them.
   */
  readonly watched?: readonly string[];
  /**
   * The folders of --snapshot files, absolute: their own files are looked at for backups in progress, not their
   * subfolders (a snapshot named in a project folder makes no snapshot folder of the project's tree).
   */
  readonly besideFiles?: readonly string[];
}

/** Where each target's snapshots are and how Vault is reached, before any of them is read. */
export interface TargetInput {
  readonly loaded: LoadedConfig;
  /** The folder for snapshots: --snapshot-dir, else snapshots.dir; null: none. */
  readonly dir: string | null;
  readonly pattern: string;
  /** The sources for every cluster that names none of its own. */
  readonly sources: readonly SourceSpec[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether the live cluster is asked. */
  readonly live: boolean;
}

/**
 * With the live cluster asked and `clusters` configured, one target per cluster (each active node needs its own
 * backup), its folder, pattern and Vault settings over the shared ones; otherwise one target.
 */
export function clusterTargets({ loaded, dir, pattern, sources, env, live }: TargetInput): Target[] {
  const { config, baseDir } = loaded;
  if (!live || !config.clusters?.length) return [{ name: null, dir, pattern, sources, env: live ? env : null }];
  return config.clusters.map((c) => ({
    name: c.name,
    dir: c.snapshots?.dir !== undefined ? resolveConfigPath(c.snapshots.dir, baseDir) : dir,
    pattern: c.snapshots?.pattern ?? pattern,
    sources: c.snapshots?.sources ? specsFromConfig(c.snapshots.sources) : sources,
    env: {
      ...env,
      VAULT_ADDR: c.address,
      ...(c.namespace !== undefined ? { VAULT_NAMESPACE: c.namespace } : {}),
      ...(c.caCert !== undefined ? { VAULT_CACERT: resolveConfigPath(c.caCert, baseDir) } : {}),
    },
  }));
}

/** The clusters' next steps, each once, in order. */
function nextOf(decisions: readonly Decision[]): Pick<Decision, 'next' | 'nextSteps'> {
  const steps = new Map(decisions.flatMap((d) => d.nextSteps).map((s) => [`${s.code}\0${s.text}`, s] as const));
  const nextSteps = [...steps.values()];
  return { next: nextSteps.map((s) => s.text), nextSteps };
}

/** Several clusters (each active node needs its own backup): the change goes only if it goes for each. */
export function combine(decisions: readonly Decision[]): Decision {
  const label = (d: Decision) => `[${d.cluster?.name ?? d.cluster?.address ?? 'cluster'}] `;
  const first = decisions[0] as Decision;
  const blocking = decisions.find((d) => !d.allowed) ?? first;
  const allowed = decisions.every((d) => d.allowed);
  return {
    ...blocking,
    allowed,
    verdict: allowed ? 'go' : 'no-go',
    reasons: decisions.flatMap((d) => d.reasons.map((r) => label(d) + r)),
    warnings: decisions.flatMap((d) => d.warnings.map((w) => warning(w.code, label(d) + w.reason))),
    rejected: decisions.flatMap((d) => d.rejected.map((r) => ({ ...r, reason: label(d) + r.reason }))),
    inProgress: decisions.flatMap((d) => d.inProgress.map((f) => ({ ...f, reason: label(d) + f.reason }))),
    ...nextOf(decisions),
    clusters: decisions.map((d) => ({
      name: d.cluster?.name ?? null,
      address: d.cluster?.address ?? '',
      allowed: d.allowed,
      snapshot: d.snapshot,
      reasons: d.reasons,
      facts: d.cluster,
    })),
  };
}
