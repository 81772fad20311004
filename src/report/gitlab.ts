import type { Level, Report } from './model.js';

const SEVERITY: Record<Level, 'blocker' | 'major' | 'info'> = { error: 'blocker', warning: 'major', note: 'info' };

/** Where findings of operations named on the command line (no file) are said to be. */
export const COMMAND_LINE_PATH = '(command line)';

/**
 * GitLab's Code Quality report: an array of issues (description, check_name, fingerprint, severity, location with
 * path and lines.begin). GitLab needs a line: a plan's resources have none, so they point at its first line.
 */
export function renderGitlab(report: Report): string {
  const issues = report.operations
    .filter((o) => o.level !== null)
    .map((o) => ({
      description: o.message,
      check_name: o.ruleId,
      fingerprint: o.fingerprint,
      severity: SEVERITY[o.level as Level],
      location: { path: o.operation.file ?? COMMAND_LINE_PATH, lines: { begin: o.operation.line ?? 1 } },
    }));
  return `${JSON.stringify(issues, null, 2)}\n`;
}
