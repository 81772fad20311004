import type { Level, Report } from './model.js';
import { visible } from './model.js';

const COMMAND: Record<Level, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', note: 'notice' };

// The runner's escaping of workflow commands (@actions/core): data escapes % CR LF; properties also : and ,.
const data = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const property = (s: string): string => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

function command(level: Level, props: Record<string, string | number | undefined>, message: string): string {
  const list = Object.entries(props)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${property(String(v))}`)
    .join(',');
  return `::${COMMAND[level]}${list ? ` ${list}` : ''}::${data(message)}`;
}

/** GitHub Actions workflow commands: an annotation per finding, on its file and line where it has them. */
export function renderGithub(report: Report): string {
  const lines: string[] = [];
  for (const o of report.operations) {
    if (o.level === null) continue;
    const c = o.operation;
    const title = `vault-change-gate: ${c.address ?? c.category} (${o.status ?? c.verdict})`;
    lines.push(command(o.level, { file: c.file, line: c.line, title }, o.message));
  }
  for (const n of report.notices) lines.push(command(n.level, { title: `vault-change-gate: ${n.code}` }, n.message));
  return lines.length ? `${lines.join('\n')}\n` : '';
}

const cell = (s: string): string => visible(s).replace(/\|/g, '\\|').replace(/`/g, "'").replace(/\r?\n/g, ' ');

/** Rows of the summary's table at most: GitHub refuses a step summary over 1 MiB, and a plan can make 20,000. */
export const SUMMARY_ROWS = 200;
const RANK: Record<Level, number> = { error: 0, warning: 1, note: 2 };

/**
 * The job summary (GITHUB_STEP_SUMMARY): the verdict, a table of what needs attention (what blocks first, at most
 * SUMMARY_ROWS rows, then how many more), the evidence notices.
 */
export function renderGithubSummary(report: Report): string {
  const lines = [
    `### vault-change-gate ${report.command}: ${report.passed ? 'passed' : 'failed'}`,
    '',
    cell(report.headline),
  ];
  const findings = report.operations.filter((o) => o.level !== null);
  const shown =
    findings.length > SUMMARY_ROWS
      ? findings.sort((a, b) => RANK[a.level as Level] - RANK[b.level as Level]).slice(0, SUMMARY_ROWS)
      : findings;
  if (shown.length) {
    lines.push('', '| | operation | where | status | why |', '| --- | --- | --- | --- | --- |');
    for (const o of shown) {
      const c = o.operation;
      const at = c.file ? `${c.file}${c.line ? `:${c.line}` : ''}` : '';
      const mark = o.level === 'error' ? '❌' : o.level === 'warning' ? '⚠️' : '✅';
      lines.push(`| ${mark} | \`${cell(c.input)}\` | ${cell(at)} | ${o.status ?? c.verdict} | ${cell(o.why)} |`);
    }
    const more = findings.length - shown.length;
    if (more > 0) lines.push('', `… and ${more} more findings: the annotations and the log list them all.`);
  }
  if (report.notices.length) {
    lines.push('', '**Evidence:**', '');
    for (const n of report.notices) lines.push(`- \`${n.code}\` ${cell(n.message)}`);
  }
  return `${lines.join('\n')}\n`;
}
