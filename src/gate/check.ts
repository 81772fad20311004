import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { classify } from '../classify/classify.js';
import { classifyScript, nothingFoundMessage } from '../classify/runbook.js';
import type { Classification, Operation } from '../classify/schema.js';
import { ConfigError, loadConfig, resolveConfigPath, type LoadedConfig } from '../config/load.js';
import { whoAmI } from '../git/identity.js';
import { findSnapshots } from '../snapshot/find.js';
import { peekTakenAt } from '../snapshot/peek.js';
import { inspectSnapshot, SnapshotReadError } from '../snapshot/inspect.js';
import type { SnapshotInspection } from '../snapshot/schema.js';
import { classifyGitRange, parseRange } from '../terraform/git-range.js';
import { readPlanFile } from '../terraform/plan-file.js';
import type { UpgradeWatch } from '../terraform/tf-diff.js';
import { appendDecision } from './decision-log.js';
import { evaluate, snapshotFileName, whyRefused, type EvaluateContext, type SidecarEvidence } from './evaluate.js';
import { createVaultClient, type VaultClient } from '../vault/client.js';
import { gatherClusterFacts } from '../vault/facts.js';
import { readVaultSettings } from '../vault/settings.js';
import { readSidecar, sidecarPath } from '../vault/sidecar.js';
import { saveSnapshot, SnapshotSaveError } from '../vault/snapshot-save.js';
import { InterruptedError } from '../vault/transport.js';
import { policyFromConfig, type Policy } from './policy.js';
import type { ClusterFacts, Decision, Rejected, Warning } from './schema.js';
import { fsErrorWords } from '../shared/fs-errors.js';

export interface CheckOptions {
  /** Folder the check runs from (config search, relative paths). Default: process.cwd(). */
  readonly cwd?: string;
  /** Planned operations (strings, objects or ready classifications). */
  readonly operations?: readonly (Operation | Classification)[];
  /** Runbook scripts whose vault and curl calls are the operations. */
  readonly scripts?: readonly string[];
  /** Terraform plan JSON files (`terraform show -json PLANFILE`). */
  readonly plans?: readonly string[];
  /** `BASE..HEAD`: the net change of the repository's .tf files (and watched upgrade files). */
  readonly gitRange?: string;
  /** Snapshot files to consider. */
  readonly snapshots?: readonly string[];
  /** Folder to search for snapshots (overrides snapshots.dir of the config). */
  readonly snapshotDir?: string;
  /** minimatch pattern inside the folder (overrides snapshots.pattern). */
  readonly pattern?: string;
  /** Config file (else vault-change-gate.config.json in cwd or at the git root). */
  readonly configFile?: string;
  /** An already loaded configuration. */
  readonly config?: LoadedConfig;
  /** Let a no-go go ahead; recorded with who and why. */
  readonly override?: string;
  /** Warnings make a no-go. */
  readonly strict?: boolean;
  /** Environment for VAULT_NAMESPACE (defaults to process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The moment of the decision (tests); default now. */
  readonly now?: Date;
  /** Progress of snapshot reads, per file. */
  readonly onProgress?: (file: string, bytes: number) => void;
  /** Ask the live cluster (VAULT_ADDR, VAULT_TOKEN, … from `env`): state, version, raft servers, index. */
  readonly vault?: boolean;
  /** With `vault`: when no fresh valid snapshot is at hand, take one now into this folder, then decide. */
  readonly takeSnapshot?: string;
  /** With `vault` (Enterprise): the automated snapshot configuration whose last run counts as evidence. */
  readonly autoSnapshot?: string;
  /**
   * Abandons the check (Ctrl-C, SIGTERM): requests in flight stop, a snapshot being taken is removed, and the check
   * throws InterruptedError instead of deciding.
   */
  readonly signal?: AbortSignal;
}

export { whoAmI };

/** Backups can hold secrets (the storage docs say so): a snapshot or its folder readable by others is worth a warning. */
async function permissionWarnings(files: readonly string[], dir: string | null, cwd: string): Promise<Warning[]> {
  const out: Warning[] = [];
  const readable: string[] = [];
  for (const f of files) {
    const info = await stat(path.resolve(cwd, f)).catch(() => null);
    if (info && (info.mode & 0o004) !== 0) readable.push(`${f} (mode ${(info.mode & 0o777).toString(8)})`);
  }
  if (readable.length) {
    const shown = readable.slice(0, 5).join(', ') + (readable.length > 5 ? ` and ${readable.length - 5} more` : '');
    out.push({ code: 'SNAPSHOT_READABLE_BY_OTHERS', message: `Snapshots readable by every user on this machine: ${shown}. Backups can hold secrets: chmod 600 them.` });
  }
  if (dir) {
    const info = await stat(dir).catch(() => null);
    if (info && (info.mode & 0o005) !== 0) {
      out.push({ code: 'FOLDER_OPEN_TO_OTHERS', message: `The snapshot folder ${show(dir, cwd)} (mode ${(info.mode & 0o777).toString(8)}) can be listed or entered by every user. Backups can hold secrets: chmod 700 it.` });
    }
  }
  return out;
}

/** Gathers the operations: given ones, then each script's vault and curl calls. */
async function gatherOperations(
  options: CheckOptions,
  cwd: string,
  upgradeWatch?: readonly UpgradeWatch[],
  runbooks: { wrappers?: readonly string[]; notes?: Warning[] } = {},
): Promise<(Operation | Classification)[]> {
  const env = { VAULT_NAMESPACE: (options.env ?? process.env).VAULT_NAMESPACE };
  const ops: (Operation | Classification)[] = (options.operations ?? []).map((op) => (typeof op === 'string' ? classify(op, { env }) : op));
  for (const script of options.scripts ?? []) {
    let text: string;
    try {
      text = await readFile(path.resolve(cwd, script), 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read the script ${script}: ${fsErrorWords(error)}`);
    }
    const found = classifyScript(text, { file: script, env, ...(runbooks.wrappers ? { wrappers: runbooks.wrappers } : {}) });
    // An empty result is shown, not silent: the wrong file, or a runbook that runs vault in a way not seen.
    if (found.length === 0) runbooks.notes?.push({ code: 'SCRIPT_NOTHING_FOUND', message: nothingFoundMessage(script) });
    for (const op of found) ops.push(op);
  }
  for (const plan of options.plans ?? []) {
    for (const op of await readPlanFile(path.resolve(cwd, plan), plan)) ops.push(op);
  }
  if (options.gitRange !== undefined) {
    const { base, head } = parseRange(options.gitRange);
    for (const op of await classifyGitRange(cwd, base, head, upgradeWatch ? { upgradeWatch } : {})) ops.push(op);
  }
  return ops;
}

/**
 * The gate with its I/O: reads the configuration, the operations (and runbooks), finds and verifies the snapshot
 * candidates, notes permissions, decides with `evaluate`, and appends the decision to the log when configured.
 * Throws ConfigError (a usage or configuration problem) and SnapshotReadError (a named snapshot that cannot be read).
 */
export async function check(options: CheckOptions = {}): Promise<Decision> {
  const cwd = options.cwd ?? process.cwd();
  const loaded = options.config ?? (await loadConfig({ cwd, ...(options.configFile !== undefined ? { file: options.configFile } : {}) }));
  const { config } = loaded;
  const policy = policyFromConfig(config, options.strict === undefined ? {} : { strict: options.strict });
  const scriptNotes: Warning[] = [];
  const runbooks = { notes: scriptNotes, ...(config.runbooks?.wrappers ? { wrappers: config.runbooks.wrappers } : {}) };
  const operations = await gatherOperations(options, cwd, config.upgradeWatch, runbooks);
  const classified = operations.map((op) => ('verdict' in (op as object) ? (op as Classification) : classify(op)));
  const now = (options.now ?? new Date()).toISOString();

  const dirFromCli = options.snapshotDir !== undefined ? path.resolve(cwd, options.snapshotDir) : null;
  // A folder named on the command line must exist (a typo is a usage error), whether or not it is needed.
  if (dirFromCli && !(await stat(dirFromCli).catch(() => null))?.isDirectory()) {
    throw new ConfigError(`the snapshot folder ${options.snapshotDir} does not exist or is not a folder`);
  }
  const dirFromConfig = config.snapshots?.dir !== undefined ? resolveConfigPath(config.snapshots.dir, loaded.baseDir) : null;
  const pattern = options.pattern ?? config.snapshots?.pattern ?? '**/*.snap';
  // The live cluster, when asked: by the flag, or by the config (the hook asks only when VAULT_ADDR is set).
  const env = options.env ?? process.env;
  const live = options.vault ?? (config.vault?.live === true && Boolean(env.VAULT_ADDR));
  const overrideReason = options.override?.trim();
  const context = overrideReason ? { override: { reason: overrideReason, by: await whoAmI(cwd) } } : {};

  const targets: Target[] =
    live && config.clusters?.length
      ? config.clusters.map((c) => ({
          name: c.name,
          dir: c.snapshots?.dir !== undefined ? resolveConfigPath(c.snapshots.dir, loaded.baseDir) : (dirFromCli ?? dirFromConfig),
          pattern: c.snapshots?.pattern ?? pattern,
          env: { ...env, VAULT_ADDR: c.address, ...(c.namespace !== undefined ? { VAULT_NAMESPACE: c.namespace } : {}), ...(c.caCert !== undefined ? { VAULT_CACERT: resolveConfigPath(c.caCert, loaded.baseDir) } : {}) },
        }))
      : [{ name: null, dir: dirFromCli ?? dirFromConfig, pattern, env: live ? env : null }];
  const decisions: Decision[] = [];
  for (const target of targets) {
    decisions.push(await decideFor(target, { options, config, cwd, classified, now, policy, context, notes: scriptNotes }));
  }
  const decision = decisions.length === 1 ? (decisions[0] as Decision) : combine(decisions);
  if (config.decisionLog) {
    await appendDecision(resolveConfigPath(config.decisionLog, loaded.baseDir), decision, { cwd, by: decision.overridden?.by ?? (await whoAmI(cwd)) });
  }
  return decision;
}

interface Target {
  /** The cluster's name in `clusters`, or null for the one cluster (or none). */
  readonly name: string | null;
  readonly dir: string | null;
  readonly pattern: string;
  /** The environment to reach Vault with; null when the live cluster is not asked. */
  readonly env: Readonly<Record<string, string | undefined>> | null;
}

interface Shared {
  readonly options: CheckOptions;
  readonly config: LoadedConfig['config'];
  readonly cwd: string;
  readonly classified: Classification[];
  readonly now: string;
  readonly policy: Policy;
  readonly context: EvaluateContext;
  /** Warnings about the input itself (a script in which nothing was found), shown in every decision. */
  readonly notes: readonly Warning[];
}

/**
 * Candidates found and verified for one cluster (or for the check without one). Verifying costs a read of each
 * file, so they are verified newest first (by the time each says in its first bytes) and the search stops at the
 * first one that can be the evidence: older ones could not be fresher. Files named with --snapshot are always read.
 */
async function collectEvidence(target: Target, shared: Shared, cluster: ClusterFacts | null): Promise<Collected> {
  const { options, cwd, now, policy } = shared;
  const snapshots: SnapshotInspection[] = [];
  const sidecars: Record<string, SidecarEvidence> = {};
  const rejected: Rejected[] = [];
  const warnings: Warning[] = [];
  const named = new Set((options.snapshots ?? []).map((f) => path.resolve(cwd, f)));
  const found: string[] = [];
  if (target.dir) {
    const info = await stat(target.dir).catch(() => null);
    if (!info?.isDirectory()) {
      warnings.push({ code: 'SNAPSHOT_DIR_MISSING', message: `The snapshot folder ${target.dir} (snapshots.dir) does not exist.` });
    } else {
      const result = await findSnapshots(target.dir, target.pattern);
      const archives = new Set(result.files);
      // A sidecar (FILE.json beside FILE) is never a candidate itself, whatever the pattern matches.
      const isSidecar = async (f: string) => {
        const archive = f.slice(0, -'.json'.length);
        return f.endsWith('.json') && (archives.has(archive) || (await stat(archive).catch(() => null)) !== null);
      };
      for (const f of result.files) if (!named.has(f) && !(await isSidecar(f))) found.push(f);
      for (const { file, code, reason } of result.skipped) rejected.push({ file, code, reason });
    }
  }
  const hints = new Map(await Promise.all(found.map(async (f) => [f, await peekTakenAt(f)] as const)));
  const ordered = [...named, ...found.sort((a, b) => (hints.get(b) ?? -Infinity) - (hints.get(a) ?? -Infinity))];
  const nowMs = Date.parse(now);
  let accepted = false;
  for (const file of ordered) {
    if (accepted && !named.has(file)) continue;
    let inspected: SnapshotInspection;
    try {
      inspected = await inspectSnapshot(file, { file: show(file, cwd), ...(options.onProgress ? { onProgress: (b: number) => options.onProgress?.(file, b) } : {}) });
    } catch (error) {
      if (!(error instanceof SnapshotReadError)) throw error;
      // A file named on the command line must exist; one that vanished from a folder is just not evidence.
      if (named.has(file)) throw error;
      rejected.push({ file: show(file, cwd), code: 'UNREADABLE', reason: error.message });
      continue;
    }
    snapshots.push(inspected);
    const sidecar = await sidecarFor(file, inspected.file);
    if (sidecar) sidecars[inspected.file] = sidecar;
    const { clockSkewMs: skewMs, maxIndexLag } = policy;
    const ctx = { now: nowMs, skewMs, maxIndexLag, cluster, sidecar: sidecar ?? null };
    if (!named.has(file) && whyRefused(inspected, ctx) === null) {
      accepted = true;
    }
  }
  const valid = snapshots.filter((s) => s.valid).map((s) => s.file);
  for (const w of await permissionWarnings(valid, target.dir, cwd)) warnings.push(w);
  return { snapshots, sidecars, rejected, warnings };
}

interface Collected {
  snapshots: SnapshotInspection[];
  sidecars: Record<string, SidecarEvidence>;
  rejected: Rejected[];
  warnings: Warning[];
}

/** The sidecar beside `file` (absolute), named as `shown` is; undefined when there is none (not a failure). */
async function sidecarFor(file: string, shown: string): Promise<SidecarEvidence | undefined> {
  const read = await readSidecar(file);
  const name = sidecarPath(shown);
  if (read.status === 'ok') return { status: 'ok', file: name, sidecar: read.sidecar };
  if (read.status === 'invalid') return { status: 'invalid', file: name, reason: read.reason };
  return undefined;
}

async function decideFor(target: Target, shared: Shared): Promise<Decision> {
  const { options, config, cwd, classified, now, policy, context } = shared;
  let cluster: ClusterFacts | null = null;
  let client: VaultClient | null = null;
  if (target.env) {
    client = createVaultClient(readVaultSettings(target.env), options.signal ? { signal: options.signal } : {});
    const autoSnapshot = options.autoSnapshot ?? config.vault?.autoSnapshot;
    cluster = await gatherClusterFacts(client, { ...(autoSnapshot ? { autoSnapshot } : {}), ...(target.name ? { name: target.name } : {}) });
  }
  // Reading snapshots costs a pass over each file: only when something needs one.
  const needsEvidence = classified.some((c) => c.verdict === 'backup-first');
  const empty: Collected = { snapshots: [], sidecars: {}, rejected: [], warnings: [] };
  const collected = needsEvidence ? await collectEvidence(target, shared, cluster) : empty;
  const { snapshots, sidecars, rejected } = collected;
  // Notes from reading the input (a script in which nothing was found) come first.
  const warnings = [...shared.notes, ...collected.warnings];
  const snapshotDir = target.dir ? show(target.dir, cwd) : null;
  const evidence = { now, snapshots, sidecars, rejected, warnings, snapshotDir, cluster };
  const decide = () => evaluate(classified, evidence, policy, context);
  const decision = decide();
  const lacking = decision.operations.some((o) => o.status === 'no-snapshot' || o.status === 'stale');
  if (options.takeSnapshot === undefined || !lacking || !client || !cluster?.reachable || cluster.sealed) return decision;
  const folder = path.resolve(cwd, options.takeSnapshot, ...(target.name ? [target.name] : []));
  const file = path.join(folder, snapshotFileName(now));
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const { clusterId, clusterName, version, appliedIndex } = cluster;
    const identity = { clusterId, clusterName, version, appliedIndex };
    const saved = await saveSnapshot(client, file, {
      identity,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: (b: number) => options.onProgress?.(file, b) } : {}),
    });
    const taken = { ...saved, file: show(file, cwd) };
    snapshots.push(taken);
    const sidecar = await sidecarFor(file, taken.file);
    if (sidecar) sidecars[taken.file] = sidecar;
    const hops = saved.notes.length ? ` (${saved.notes.join('; ')})` : '';
    warnings.push({ code: 'SNAPSHOT_TAKEN', message: `Took a snapshot for this change: ${taken.file}${hops}.` });
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    const e = error as NodeJS.ErrnoException;
    if (!(error instanceof SnapshotSaveError) && !e.code) throw error;
    warnings.push({ code: 'SNAPSHOT_FAILED', message: `Could not take a snapshot: ${e.message}.` });
  }
  return decide();
}

/** Several clusters (each active node needs its own backup): the change goes only if it goes for each. */
function combine(decisions: readonly Decision[]): Decision {
  const label = (d: Decision) => `[${d.cluster?.name ?? d.cluster?.address ?? 'cluster'}] `;
  const first = decisions[0] as Decision;
  const blocking = decisions.find((d) => !d.allowed) ?? first;
  const allowed = decisions.every((d) => d.allowed);
  return {
    ...blocking,
    allowed,
    verdict: allowed ? 'go' : 'no-go',
    reasons: decisions.flatMap((d) => d.reasons.map((r) => label(d) + r)),
    warnings: decisions.flatMap((d) => d.warnings.map((w) => ({ ...w, message: label(d) + w.message }))),
    rejected: decisions.flatMap((d) => d.rejected.map((r) => ({ ...r, reason: label(d) + r.reason }))),
    next: [...new Set(decisions.flatMap((d) => d.next))],
    clusters: decisions.map((d) => ({ name: d.cluster?.name ?? null, address: d.cluster?.address ?? '', allowed: d.allowed, snapshot: d.snapshot, reasons: d.reasons, facts: d.cluster })),
  };
}

/** Paths under the working folder are shown relative to it; others as they are. */
const show = (p: string, cwd: string): string => (p.startsWith(cwd + path.sep) ? path.relative(cwd, p) : p);

/** Thrown by `guard` on a no-go; carries the decision. */
export class GateRefusedError extends Error {
  override readonly name = 'GateRefusedError';
  readonly decision: Decision;
  constructor(decision: Decision) {
    super(`vault-change-gate: no-go: ${decision.reasons[0] ?? 'the change is refused'}`);
    this.decision = decision;
  }
}

/**
 * Runs `fn` only when the gate says go for `operations`; otherwise throws GateRefusedError (and `fn` never starts).
 * `fn` receives the decision, e.g. to record which snapshot covered the change.
 */
export async function guard<T>(operations: readonly (Operation | Classification)[], fn: (decision: Decision) => T | Promise<T>, options: CheckOptions = {}): Promise<T> {
  const decision = await check({ ...options, operations: [...(options.operations ?? []), ...operations] });
  if (!decision.allowed) throw new GateRefusedError(decision);
  return fn(decision);
}
