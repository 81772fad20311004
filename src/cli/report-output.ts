import { randomUUID } from 'node:crypto';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  renderGithub,
  renderGithubSummary,
  renderGitlab,
  renderJunit,
  renderSarif,
  type Report,
} from '../report/index.js';
import { fsErrorWords } from '../shared/fs-errors.js';
import { UsageError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import type { Io } from './output.js';
import { packageRoot } from './package-root.js';

export const FORMATS = ['text', 'json', 'sarif', 'junit', 'github', 'gitlab'] as const;
export type Format = (typeof FORMATS)[number];
export const FAIL_ON = ['no-go', 'warning', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** The flags every reporting command takes (classify, check, exec). */
export const reportOptionSpec = {
  json: { type: 'boolean' },
  format: { type: 'string' },
  output: { type: 'string' },
  'fail-on': { type: 'string' },
} as const;

export interface ReportChoice {
  readonly format: Format;
  /** The file the report goes to; null: to the command's own output. */
  readonly output: string | null;
  readonly failOn: FailOn;
}

const oneOf = <T extends string>(command: string, flag: string, value: string, allowed: readonly T[]): T => {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${command}: --${flag} must be one of ${allowed.join(', ')}, not "${value}"`);
};

/** `--json` is `--format json`; saying both differently is a usage error, never a guess. */
export function parseReportChoice(
  command: string,
  values: { json?: boolean; format?: string; output?: string; 'fail-on'?: string },
): ReportChoice {
  const format = values.format === undefined ? null : oneOf(command, 'format', values.format, FORMATS);
  if (values.json && format !== null && format !== 'json')
    throw new UsageError(`${command}: --json is --format json; give one format, not --json and --format ${format}`);
  if (values.output !== undefined && values.output.trim() === '')
    throw new UsageError(`${command}: --output needs a file name`);
  return {
    format: format ?? (values.json ? 'json' : 'text'),
    output: values.output ?? null,
    failOn: values['fail-on'] === undefined ? 'no-go' : oneOf(command, 'fail-on', values['fail-on'], FAIL_ON),
  };
}

let version: string | null = null;
async function toolVersion(): Promise<string> {
  version ??= (JSON.parse(await readFile(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string })
    .version;
  return version;
}

/** The report in a CI format (not text or json, which the command renders itself). */
export async function renderFormat(format: Exclude<Format, 'text' | 'json'>, report: Report): Promise<string> {
  switch (format) {
    case 'sarif':
      return renderSarif(report, { name: 'vault-change-gate', version: await toolVersion() });
    case 'junit':
      return renderJunit(report);
    case 'github':
      return renderGithub(report);
    case 'gitlab':
      return renderGitlab(report);
  }
}

async function writeReport(io: Io, file: string, text: string): Promise<void> {
  try {
    await writeFile(path.resolve(io.cwd, file), text);
  } catch (error) {
    throw new UsageError(`cannot write the report ${file}: ${fsErrorWords(error)}`);
  }
}

/**
 * Writes what a command reports. Without --output the chosen format goes to `out` alone; with it, the format goes
 * to the file and the human text to `out`. `github` always writes the text too (workflow commands are log lines
 * among the text), and appends a job summary to GITHUB_STEP_SUMMARY when the runner sets it.
 */
export async function emitReport(
  io: Io,
  out: (text: string) => void,
  choice: ReportChoice,
  parts: { text: () => string; json: () => string; report: () => Report },
): Promise<void> {
  const { format, output } = choice;
  let built: Report | null = null;
  const report = (): Report => (built ??= parts.report());
  const rendered =
    format === 'text' ? parts.text() : format === 'json' ? parts.json() : await renderFormat(format, report());
  if (output !== null) {
    await writeReport(io, output, rendered);
    out(inertInActions(io, parts.text()));
  } else if (format === 'github') out(inertInActions(io, parts.text()) + rendered);
  else out(rendered);
  const summary = io.env.GITHUB_STEP_SUMMARY;
  if (format === 'github' && summary) {
    try {
      await appendFile(path.resolve(io.cwd, summary), renderGithubSummary(report()));
    } catch (error) {
      throw new UsageError(`cannot write the job summary GITHUB_STEP_SUMMARY=${summary}: ${fsErrorWords(error)}`);
    }
  }
}

/**
 * In a GitHub Actions job, the text beside a report echoes runbook lines and file names, which are the pull
 * request's: between stop-commands and its one-time token, the runner reads none of it as a workflow command.
 */
function inertInActions(io: Io, text: string): string {
  if (io.env.GITHUB_ACTIONS !== 'true' || text === '') return text;
  const token = randomUUID();
  return `::stop-commands::${token}\n${text}${text.endsWith('\n') ? '' : '\n'}::${token}::\n`;
}

/** The exit code --fail-on asks for: `no-go` is the command's own; `warning` also fails on warnings; `never` not. */
export function exitFor(outcome: { passed: boolean; warned: () => boolean }, failOn: FailOn, failing: number): number {
  if (failOn === 'never') return ExitCode.Go;
  if (!outcome.passed) return failing;
  if (failOn === 'warning' && outcome.warned()) return ExitCode.NoGo;
  return ExitCode.Go;
}
