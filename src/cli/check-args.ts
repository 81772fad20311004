import { parseArgs } from 'node:util';
import { parseDuration } from '../config/duration.js';
import type { CheckOptions } from '../gate/check.js';
import { parseUsage } from './args.js';
import { UsageError } from './errors.js';
import type { Io } from './output.js';
import { parseReportChoice, reportOptionSpec, type ReportChoice } from './report-output.js';

export const checkOptionSpec = {
  ...reportOptionSpec,
  op: { type: 'string', multiple: true },
  plan: { type: 'string', multiple: true },
  'git-range': { type: 'string' },
  script: { type: 'string', multiple: true },
  snapshot: { type: 'string', multiple: true },
  'snapshot-dir': { type: 'string' },
  'config-bundle-dir': { type: 'string' },
  'snapshot-url': { type: 'string', multiple: true },
  pattern: { type: 'string' },
  config: { type: 'string' },
  override: { type: 'string' },
  strict: { type: 'boolean' },
  stdin: { type: 'boolean' },
  vault: { type: 'boolean' },
  'take-snapshot': { type: 'string' },
  'auto-snapshot': { type: 'string' },
  window: { type: 'string' },
  'break-stale-lock': { type: 'boolean' },
} as const;

export interface ParsedCheck {
  readonly options: CheckOptions;
  readonly json: boolean;
  /** --format, --output, --fail-on (--json is --format json). */
  readonly report: ReportChoice;
}

/** Turns `check` flags into CheckOptions. Shared by `check` and `exec`. */
export async function parseCheckArgs(command: string, args: string[], io: Io): Promise<ParsedCheck> {
  const { values, positionals } = parseUsage(command, () =>
    parseArgs({ args, allowPositionals: true, strict: true, options: checkOptionSpec }),
  );
  if (positionals.length)
    throw new UsageError(`${command}: unexpected argument "${positionals[0]}"; operations go in --op "…"`);
  const operations: string[] = [...(values.op ?? [])];
  if (values.stdin) {
    for (const line of (await io.readStdin()).split(/\r?\n/))
      if (line.trim() && !line.trimStart().startsWith('#')) operations.push(line);
  }
  if (operations.length === 0 && !values.script?.length && !values.plan?.length && values['git-range'] === undefined) {
    throw new UsageError(
      `${command}: give the planned operations with --op "…", --script FILE, --plan FILE, --git-range BASE..HEAD or --stdin`,
    );
  }
  const override = values.override ?? io.env.VAULT_CHANGE_GATE_OVERRIDE;
  if (override !== undefined && override.trim() === '')
    throw new UsageError(`${command}: --override needs a reason, which is recorded`);
  const windowMs = values.window === undefined ? undefined : parseDuration(values.window);
  if (windowMs === null || windowMs === 0) {
    throw new UsageError(`${command}: --window takes a duration such as 30m, 1h or 2h30m, not "${values.window}"`);
  }
  const options: CheckOptions = {
    cwd: io.cwd,
    env: io.env,
    operations,
    ...(values.script ? { scripts: values.script } : {}),
    ...(values.plan ? { plans: values.plan } : {}),
    ...(values['git-range'] !== undefined ? { gitRange: values['git-range'] } : {}),
    ...(values.snapshot ? { snapshots: values.snapshot } : {}),
    ...(values['snapshot-dir'] !== undefined ? { snapshotDir: values['snapshot-dir'] } : {}),
    ...(values['snapshot-url'] ? { snapshotUrls: values['snapshot-url'] } : {}),
    ...(values.pattern !== undefined ? { pattern: values.pattern } : {}),
    ...(values['config-bundle-dir'] !== undefined ? { configBundleDir: values['config-bundle-dir'] } : {}),
    ...(values.config !== undefined ? { configFile: values.config } : {}),
    ...(override !== undefined ? { override } : {}),
    ...(values.strict ? { strict: true } : {}),
    ...(values.vault ? { vault: true } : {}),
    ...(values['take-snapshot'] !== undefined ? { takeSnapshot: values['take-snapshot'] } : {}),
    ...(values['auto-snapshot'] !== undefined ? { autoSnapshot: values['auto-snapshot'] } : {}),
    ...(windowMs !== undefined ? { windowMs } : {}),
    ...(values['break-stale-lock'] ? { breakStaleLock: true } : {}),
  };
  if ((values['take-snapshot'] !== undefined || values['auto-snapshot'] !== undefined) && !values.vault) {
    throw new UsageError(`${command}: --take-snapshot and --auto-snapshot ask the live cluster: add --vault`);
  }
  // exec runs its command only on a go: running a refused one is --override's (recorded), never a report setting.
  if (command === 'exec' && values['fail-on'] !== undefined)
    throw new UsageError('exec: --fail-on is for check and classify; exec runs the command only on a go');
  const report = parseReportChoice(command, values);
  return { options, json: report.format === 'json', report };
}
