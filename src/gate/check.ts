import { readFile, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import { classify } from '../classify/classify.js';
import { classifyScript } from '../classify/runbook.js';
import type { Classification, Operation } from '../classify/schema.js';
import { ConfigError, loadConfig, resolveConfigPath, type LoadedConfig } from '../config/load.js';
import { gitUser } from '../git/git.js';
import { findSnapshots } from '../snapshot/find.js';
import { inspectSnapshot, SnapshotReadError } from '../snapshot/inspect.js';
import type { SnapshotInspection } from '../snapshot/schema.js';
import { classifyGitRange, parseRange } from '../terraform/git-range.js';
import { readPlanFile } from '../terraform/plan-file.js';
import type { UpgradeWatch } from '../terraform/tf-diff.js';
import { appendDecision } from './decision-log.js';
import { evaluate } from './evaluate.js';
import { policyFromConfig } from './policy.js';
import type { Decision, Rejected, Warning } from './schema.js';

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
}

/** Who asks for an override: git's user, else the OS user. */
export async function whoAmI(cwd: string): Promise<string> {
  const fromGit = await gitUser(cwd);
  if (fromGit) return fromGit;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

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
async function gatherOperations(options: CheckOptions, cwd: string, upgradeWatch?: readonly UpgradeWatch[]): Promise<(Operation | Classification)[]> {
  const env = { VAULT_NAMESPACE: (options.env ?? process.env).VAULT_NAMESPACE };
  const ops: (Operation | Classification)[] = (options.operations ?? []).map((op) => (typeof op === 'string' ? classify(op, { env }) : op));
  for (const script of options.scripts ?? []) {
    let text: string;
    try {
      text = await readFile(path.resolve(cwd, script), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ConfigError(`cannot read the script ${script}: ${code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')}`);
    }
    ops.push(...classifyScript(text, { file: script, env }));
  }
  for (const plan of options.plans ?? []) ops.push(...(await readPlanFile(path.resolve(cwd, plan), plan)));
  if (options.gitRange !== undefined) {
    const { base, head } = parseRange(options.gitRange);
    ops.push(...(await classifyGitRange(cwd, base, head, upgradeWatch ? { upgradeWatch } : {})));
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
  const upgradeWatch = config.upgradeWatch;
  const operations = await gatherOperations(options, cwd, upgradeWatch);
  const classified = operations.map((op) => ('verdict' in (op as object) ? (op as Classification) : classify(op)));
  const now = (options.now ?? new Date()).toISOString();

  const dirFromCli = options.snapshotDir !== undefined ? path.resolve(cwd, options.snapshotDir) : null;
  const dirFromConfig = config.snapshots?.dir !== undefined ? resolveConfigPath(config.snapshots.dir, loaded.baseDir) : null;
  const dir = dirFromCli ?? dirFromConfig;
  const pattern = options.pattern ?? config.snapshots?.pattern ?? '**/*.snap';

  // A folder named on the command line must exist (a typo is a usage error), whether or not it is needed.
  if (dirFromCli && !(await stat(dirFromCli).catch(() => null))?.isDirectory()) {
    throw new ConfigError(`the snapshot folder ${options.snapshotDir} does not exist or is not a folder`);
  }
  const snapshots: SnapshotInspection[] = [];
  const rejected: Rejected[] = [];
  const warnings: Warning[] = [];
  // Reading snapshots costs a pass over each file: only when something needs one.
  const needsEvidence = classified.some((c) => c.verdict === 'backup-first');
  if (needsEvidence) {
    const files = (options.snapshots ?? []).map((f) => path.resolve(cwd, f));
    if (dir) {
      const info = await stat(dir).catch(() => null);
      if (!info?.isDirectory()) {
        warnings.push({ code: 'SNAPSHOT_DIR_MISSING', message: `The snapshot folder ${dir} (snapshots.dir) does not exist.` });
      } else {
        const found = await findSnapshots(dir, pattern);
        files.push(...found.files);
        rejected.push(...found.skipped.map(({ file, code, reason }) => ({ file, code, reason })));
      }
    }
    for (const file of [...new Set(files)]) {
      try {
        const inspected = await inspectSnapshot(file, {
          file: show(file, cwd),
          ...(options.onProgress ? { onProgress: (b: number) => options.onProgress?.(file, b) } : {}),
        });
        snapshots.push(inspected);
      } catch (error) {
        if (!(error instanceof SnapshotReadError)) throw error;
        // A file named on the command line must exist; one that vanished from a folder is just not evidence.
        if ((options.snapshots ?? []).some((f) => path.resolve(cwd, f) === file)) throw error;
        rejected.push({ file: show(file, cwd), code: 'UNREADABLE', reason: error.message });
      }
    }
    warnings.push(...(await permissionWarnings(snapshots.filter((s) => s.valid).map((s) => s.file), dir, cwd)));
  }

  const overrideReason = options.override?.trim();
  const decision = evaluate(
    classified,
    { now, snapshots, rejected, warnings, snapshotDir: dir ? show(dir, cwd) : null },
    policy,
    overrideReason ? { override: { reason: overrideReason, by: await whoAmI(cwd) } } : {},
  );
  if (config.decisionLog) {
    await appendDecision(resolveConfigPath(config.decisionLog, loaded.baseDir), decision, { cwd, by: decision.overridden?.by ?? (await whoAmI(cwd)) });
  }
  return decision;
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
