import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { classify } from '../classify/classify.js';
import { classifyScript, nothingFoundMessage } from '../classify/runbook.js';
import type { Classification, Operation } from '../classify/schema.js';
import { ConfigError, loadConfig, resolveConfigPath } from '../config/load.js';
import { whoAmI } from '../git/identity.js';
import { fsErrorWords } from '../shared/fs-errors.js';
import { classifyGitRange, parseRange } from '../terraform/git-range.js';
import { readPlanFile } from '../terraform/plan-file.js';
import type { UpgradeWatch } from '../terraform/tf-diff.js';
import { createVaultClient, type VaultClient } from '../vault/client.js';
import { gatherClusterFacts } from '../vault/facts.js';
import { readVaultSettings } from '../vault/settings.js';
import type { CheckOptions } from './check-options.js';
import { appendDecision } from './decision-log.js';
import { assertCheckOptions } from './option-keys.js';
import { evaluate } from './evaluate.js';
import { snapshotFileName } from './next-steps.js';
import { collectEvidence, show, type Collected } from './evidence.js';
import { bundleDir, DEFAULT_BUNDLE_PATTERN, gatherBundleEvidence } from './bundle-evidence.js';
import { resolveSources } from './source-specs.js';
import { policyFromConfig } from './policy.js';
import { warning } from './findings.js';
import { lacksSnapshot, type ClusterFacts, type Decision, type Warning } from './schema.js';
import { inProgressFor } from './in-progress.js';
import { takeSnapshot } from './take-snapshot.js';
import { clusterTargets, combine, type Shared, type Target } from './targets.js';

export type { CheckOptions } from './check-options.js';

export { whoAmI };

/** Gathers the operations: given ones, then each script's vault and curl calls. */
async function gatherOperations(
  options: CheckOptions,
  cwd: string,
  upgradeWatch?: readonly UpgradeWatch[],
  runbooks: { wrappers?: readonly string[]; notes?: Warning[] } = {},
): Promise<(Operation | Classification)[]> {
  const env = { VAULT_NAMESPACE: (options.env ?? process.env).VAULT_NAMESPACE };
  const ops: (Operation | Classification)[] = (options.operations ?? []).map((op) =>
    typeof op === 'string' ? classify(op, { env }) : op,
  );
  for (const script of options.scripts ?? []) {
    let text: string;
    try {
      text = await readFile(path.resolve(cwd, script), 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read the script ${script}: ${fsErrorWords(error)}`);
    }
    const found = classifyScript(text, {
      file: script,
      env,
      ...(runbooks.wrappers ? { wrappers: runbooks.wrappers } : {}),
    });
    // An empty result is shown, not silent: the wrong file, or a runbook that runs vault in a way not seen.
    if (found.length === 0) runbooks.notes?.push(warning('SCRIPT_NOTHING_FOUND', nothingFoundMessage(script)));
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
  assertCheckOptions(options, 'check');
  const cwd = options.cwd ?? process.cwd();
  const loaded =
    options.config ??
    (await loadConfig({ cwd, ...(options.configFile !== undefined ? { file: options.configFile } : {}) }));
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
  const dirFromConfig =
    config.snapshots?.dir !== undefined ? resolveConfigPath(config.snapshots.dir, loaded.baseDir) : null;
  const pattern = options.pattern ?? config.snapshots?.pattern ?? '**/*.snap';
  // The live cluster, when asked: by the flag, or by the config (the hook asks only when VAULT_ADDR is set).
  const env = options.env ?? process.env;
  const live = options.vault ?? (config.vault?.live === true && Boolean(env.VAULT_ADDR));
  const overrideReason = options.override?.trim();
  const log = config.decisionLog
    ? { decisionLog: show(resolveConfigPath(config.decisionLog, loaded.baseDir), cwd) }
    : {};
  const context = overrideReason ? { override: { reason: overrideReason, by: await whoAmI(cwd) }, ...log } : {};

  const dir = dirFromCli ?? dirFromConfig;
  const bundles = await bundleDir(options, loaded, cwd);
  const sources = resolveSources(options.snapshotUrls, config.snapshots?.sources);
  const targets = clusterTargets({ loaded, dir, pattern, sources, env, live });
  // The other snapshot folders the check knows, which exec locks too: a backup being taken into one of them is a
  // backup in progress, even when the evidence is searched elsewhere.
  const watched = dirFromConfig ? [dirFromConfig] : [];
  const besideFiles = [...new Set((options.snapshots ?? []).map((f) => path.dirname(path.resolve(cwd, f))))];
  const decisions: Decision[] = [];
  for (const target of targets) {
    decisions.push(
      await decideFor(target, {
        ...{ options, config, cwd, classified, now, policy, context },
        ...{ notes: scriptNotes, bundleDir: bundles, watched, besideFiles },
      }),
    );
  }
  const decision = decisions.length === 1 ? (decisions[0] as Decision) : combine(decisions);
  if (config.decisionLog) {
    const by = decision.overridden?.by ?? (await whoAmI(cwd));
    await appendDecision(resolveConfigPath(config.decisionLog, loaded.baseDir), decision, { cwd, by });
  }
  return decision;
}

async function decideFor(target: Target, shared: Shared): Promise<Decision> {
  const { options, config, cwd, classified, now, policy, context } = shared;
  let cluster: ClusterFacts | null = null;
  let client: VaultClient | null = null;
  if (target.env) {
    client = createVaultClient(readVaultSettings(target.env), options.signal ? { signal: options.signal } : {});
    const autoSnapshot = options.autoSnapshot ?? config.vault?.autoSnapshot;
    const named = { ...(autoSnapshot ? { autoSnapshot } : {}), ...(target.name ? { name: target.name } : {}) };
    cluster = await gatherClusterFacts(client, named);
  }
  // Reading snapshots costs a pass over each file: only when something needs one.
  const needsEvidence = classified.some((c) => c.verdict === 'backup-first');
  const empty: Collected = { snapshots: [], sidecars: {}, rejected: [], warnings: [] };
  const collected = needsEvidence ? await collectEvidence(target, shared, cluster) : empty;
  const { snapshots, sidecars, rejected } = collected;
  // Notes from reading the input (a script in which nothing was found) come first.
  const warnings = [...shared.notes, ...collected.warnings];
  const snapshotDir = target.dir ? show(target.dir, cwd) : null;
  const folder =
    options.takeSnapshot === undefined
      ? null
      : path.resolve(cwd, options.takeSnapshot, ...(target.name ? [target.name] : []));
  // "Before, but not during": backups and changes in progress, for a change that needs a backup.
  const inProgress = needsEvidence ? await inProgressFor(target, shared, cluster, folder, snapshots) : [];
  const pattern = config.configBundles?.pattern ?? DEFAULT_BUNDLE_PATTERN;
  const live = cluster?.reachable && !cluster.sealed ? client : null;
  // No bundle folder set: the bundle is looked for beside the snapshots, where the next step says to save it.
  const bundleDir = shared.bundleDir ?? target.dir ?? null;
  const configBundle = needsEvidence ? await gatherBundleEvidence(bundleDir, pattern, cwd, live) : null;
  const evidence = { now, snapshots, sidecars, rejected, warnings, snapshotDir, cluster, inProgress, configBundle };
  // The automated snapshot's stored object was read (and judged): its status's word no longer counts.
  if (collected.autoSnapshotFetched) Object.assign(evidence, { autoSnapshotFetched: true });
  if (target.sources.length) Object.assign(evidence, { sourceCount: target.sources.length });
  const decide = () => evaluate(classified, evidence, policy, context);
  const decision = decide();
  const lacking = decision.operations.some((o) => lacksSnapshot(o.status));
  const busy = inProgress.some((f) => f.severity === 'no-go');
  if (folder === null || !lacking || busy || !client || !cluster?.reachable || cluster.sealed) {
    return decision;
  }
  const progress = options.onProgress ? { onProgress: options.onProgress } : {};
  const signal = options.signal ? { signal: options.signal } : {};
  const file = path.join(folder, snapshotFileName(now));
  const breakStale = options.breakStaleLock ? { breakStaleLock: true } : {};
  const taken = await takeSnapshot(client, cluster, file, { cwd, ...signal, ...progress, ...breakStale });
  // The lock that refused the snapshot may be the one already noted: said once, as the no-go it now is.
  if (taken.refused)
    inProgress.splice(
      0,
      inProgress.length,
      ...inProgress.filter((f) => f.reason !== taken.refused?.reason),
      taken.refused,
    );
  if (taken.snapshot) snapshots.push(taken.snapshot);
  if (taken.snapshot && taken.sidecar) sidecars[taken.snapshot.file] = taken.sidecar;
  warnings.push(taken.warning);
  return decide();
}
