import type { Classification, Verdict } from '../classify/index.js';
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

/** A readable table: verdict, category, where, operation; the reason below each row that needs one. */
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
  const rows = results.map(
    (r) => [LABEL[r.verdict], r.category, where(r), target(r), escapeControls(r.input)] as const,
  );
  // A reduce, not Math.max(...rows): a spread of 150,000 rows overflows the stack.
  const width = (i: 0 | 1 | 2 | 3) => rows.reduce((m, row) => Math.max(m, row[i].length), 0);
  const widths = [width(0), width(1), width(2), width(3)];
  const lines: string[] = [];
  results.forEach((r, n) => {
    const row = rows[n] as (typeof rows)[number];
    const cells = row.slice(0, 4).map((cell, i) => cell.padEnd(widths[i] ?? 0));
    cells[0] = colour(r.verdict, cells[0] as string);
    const showInput = row[4] !== row[3] ? `  ${c.dim(row[4])}` : '';
    lines.push(`${cells.filter((_, i) => i !== 2 || (widths[2] ?? 0) > 0).join('  ')}${showInput}`.trimEnd());
    if (r.verdict === 'backup-first' || r.verdict === 'invalid') lines.push(`    ${escapeControls(r.reason)}`);
  });
  const counts = new Map<Verdict, number>();
  for (const r of results) counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
  lines.push('', [...counts].map(([v, n]) => `${n} ${LABEL[v]}`).join(', '));
  return `${lines.join('\n')}\n`;
}
