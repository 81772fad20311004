import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { classify, classifyScript, type Classification } from '../classify/index.js';
import { nothingFoundMessage } from '../classify/runbook.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { fsErrorWords } from '../shared/fs-errors.js';
import { classifyGitRange, parseRange } from '../terraform/git-range.js';
import { readPlanFile } from '../terraform/plan-file.js';
import { parseArgs } from 'node:util';
import { parseUsage } from './args.js';
import { UsageError } from './errors.js';
import type { Io } from './output.js';
import { escapeControls, renderClassifications } from './render-classifications.js';
import { ExitCode } from './exit-codes.js';
import { emitReport, exitFor, parseReportChoice, reportOptionSpec } from './report-output.js';
import { classificationsWarn, reportFromClassifications } from '../report/index.js';

/** An input file named on the command line; unreadable, it is the same ConfigError `check` raises for it. */
export async function readText(file: string, what: string, cwd: string): Promise<string> {
  try {
    return await readFile(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the ${what} ${file}: ${fsErrorWords(error)}`);
  }
}

export async function classifyCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseUsage('classify', () =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        ...reportOptionSpec,
        stdin: { type: 'boolean' },
        script: { type: 'string', multiple: true },
        plan: { type: 'string', multiple: true },
        'git-range': { type: 'string' },
        config: { type: 'string' },
      },
    }),
  );
  const choice = parseReportChoice('classify', values);
  const results: Classification[] = [];
  const env = { VAULT_NAMESPACE: io.env.VAULT_NAMESPACE };
  const scripts = values.script ?? [];
  // Wrappers named in the configuration (runbooks.wrappers) are followed; a missing config is no error here.
  const configFile = values.config !== undefined ? { file: values.config } : {};
  const wrappers = scripts.length
    ? (await loadConfig({ cwd: io.cwd, ...configFile })).config.runbooks?.wrappers
    : undefined;
  for (const file of scripts) {
    const found = classifyScript(await readText(file, 'script', io.cwd), {
      file,
      env,
      ...(wrappers ? { wrappers } : {}),
    });
    if (found.length === 0) io.stderr(`warning: ${escapeControls(nothingFoundMessage(file))}\n`);
    for (const c of found) results.push(c);
  }
  for (const plan of values.plan ?? []) {
    for (const c of await readPlanFile(path.resolve(io.cwd, plan), plan)) results.push(c);
  }
  if (values['git-range'] !== undefined) {
    const { base, head } = parseRange(values['git-range']);
    const { config } = await loadConfig({
      cwd: io.cwd,
      ...(values.config !== undefined ? { file: values.config } : {}),
    });
    const watch = config.upgradeWatch ? { upgradeWatch: config.upgradeWatch } : {};
    for (const c of await classifyGitRange(io.cwd, base, head, watch)) results.push(c);
  }
  for (const op of positionals) results.push(classify(op, { env }));
  if (values.stdin) {
    for (const line of (await io.readStdin()).split(/\r?\n/)) {
      if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
      results.push(classify(line, { env }));
    }
  }
  if (
    results.length === 0 &&
    !values.script?.length &&
    !values.plan?.length &&
    values['git-range'] === undefined &&
    !values.stdin
  ) {
    throw new UsageError(
      'classify: give at least one operation, --stdin, --script FILE, --plan FILE or --git-range BASE..HEAD',
    );
  }
  await emitReport(io, io.stdout, choice, {
    text: () => renderClassifications(results, io),
    json: () => `${JSON.stringify(results, null, 2)}\n`,
    report: () => reportFromClassifications(results),
  });
  const outcome = {
    passed: !results.some((r) => r.verdict === 'invalid'),
    warned: () => classificationsWarn(results),
  };
  return exitFor(outcome, choice.failOn, ExitCode.Usage);
}
