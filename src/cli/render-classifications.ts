import type { Classification, Verdict } from '../classify/index.js';
import { RULE } from '../classify/request.js';
import { palette, type Io } from './output.js';

const LABEL: Record<Verdict, string> = {
  'backup-first': 'BACKUP FIRST',
  excluded: 'excluded',
  'read-only': 'read-only',
  'not-sys': 'not /sys',
  invalid: 'INVALID',
};

/**
 * Raw control characters (ESC, CR, BEL, …) from echoed input or file names, written as `\xHH`: a crafted operation
 * cannot move the cursor and overwrite its own verdict on a terminal.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROLS = new RegExp(CONTROL.source, 'g');
export const escapeControls = (text: string): string =>
  CONTROL.test(text) ? text.replace(CONTROLS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`) : text;

const HEADERS = ['VERDICT', 'CATEGORY', 'WHERE', 'REQUEST'] as const;
/** The rule a `/sys` write cites: said once in the footer, not under each row. */
const RULE_TAIL = `: ${RULE}.`;

/**
 * A readable table with column headers: verdict, category, where, request, operation. A reason that only cites the
 * rule is said once, in the footer; any other reason (invalid, an upgrade, an unknown path) goes under its row.
 */
export function renderClassifications(results: readonly Classification[], io: Io): string {
  if (results.length === 0) return 'No Vault operations found.\n';
  const c = palette(io);
  const colour = (v: Verdict, s: string) =>
    v === 'backup-first' ? c.yellow(s) : v === 'invalid' ? c.red(s) : v === 'not-sys' ? c.dim(s) : c.green(s);
  const where = (r: Classification) => (r.line ? `${r.file ? `${escapeControls(r.file)}:` : 'line '}${r.line}` : '');
  const target = (r: Classification) => {
    const ns = r.namespace ? ` [ns ${r.namespace}]` : '';
    if (r.method && r.path) return escapeControls(`${r.method} ${r.path}${ns}`);
    if (r.to) return `${r.from ?? '(running)'} -> ${r.to}`;
    return '';
  };
  const rows = [
    [...HEADERS, 'OPERATION'] as const,
    ...results.map((r) => [LABEL[r.verdict], r.category, where(r), target(r), escapeControls(r.input)] as const),
  ];
  // A reduce, not Math.max(...rows): a spread of 150,000 rows overflows the stack.
  const width = (i: 0 | 1 | 2 | 3) => rows.reduce((m, row) => Math.max(m, row[i].length), 0);
  const widths = [width(0), width(1), width(2), width(3)];
  // No row has a place (no runbook, no file): no WHERE column at all.
  const hasWhere = results.some((r) => where(r) !== '');
  const line = (row: (typeof rows)[number], paint: (s: string) => string, showInput: boolean) => {
    const cells = row.slice(0, 4).map((cell, i) => cell.padEnd(widths[i] ?? 0));
    cells[0] = paint(cells[0] as string);
    const input = showInput ? `  ${c.dim(row[4])}` : '';
    return `${cells.filter((_, i) => i !== 2 || hasWhere).join('  ')}${input}`.trimEnd();
  };
  const lines: string[] = [line(rows[0] as (typeof rows)[number], (s) => s, true)];
  let citesRule = false;
  results.forEach((r, n) => {
    const row = rows[n + 1] as (typeof rows)[number];
    lines.push(line(row, (s) => colour(r.verdict, s), row[4] !== row[3]));
    if (r.verdict !== 'backup-first' && r.verdict !== 'invalid') return;
    if (r.reason.endsWith(RULE_TAIL)) citesRule = true;
    else lines.push(`    ${escapeControls(r.reason)}`);
  });
  const counts = new Map<Verdict, number>();
  for (const r of results) counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
  lines.push('', [...counts].map(([v, n]) => `${n} ${LABEL[v]}`).join(', '));
  if (citesRule) lines.push(`${LABEL['backup-first']}: ${RULE}.`);
  return `${lines.join('\n')}\n`;
}
