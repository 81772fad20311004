import type { Classification, Verdict } from '../classify/index.js';
import { palette, type Io } from './output.js';

const LABEL: Record<Verdict, string> = {
  'backup-first': 'BACKUP FIRST',
  excluded: 'excluded',
  'read-only': 'read-only',
  'not-sys': 'not /sys',
  invalid: 'INVALID',
};

/** A readable table: verdict, category, where, operation; the reason below each row that needs one. */
export function renderClassifications(results: readonly Classification[], io: Io): string {
  if (results.length === 0) return 'No Vault operations found.\n';
  const c = palette(io);
  const colour = (v: Verdict, s: string) => (v === 'backup-first' ? c.yellow(s) : v === 'invalid' ? c.red(s) : v === 'not-sys' ? c.dim(s) : c.green(s));
  const where = (r: Classification) => (r.line ? `${r.file ? `${r.file}:` : 'line '}${r.line}` : '');
  const target = (r: Classification) => {
    const ns = r.namespace ? ` [ns ${r.namespace}]` : '';
    if (r.method && r.path) return `${r.method} ${r.path}${ns}`;
    if (r.from !== undefined || r.to) return `${r.from ?? '(running)'} -> ${r.to}`;
    return '';
  };
  const rows = results.map((r) => [LABEL[r.verdict], r.category, where(r), target(r), r.input] as const);
  const width = (i: 0 | 1 | 2 | 3) => rows.reduce((w, row) => Math.max(w, row[i].length), 0);
  const widths = [width(0), width(1), width(2), width(3)];
  const lines: string[] = [];
  results.forEach((r, n) => {
    const row = rows[n] as (typeof rows)[number];
    const cells = row.slice(0, 4).map((cell, i) => cell.padEnd(widths[i] ?? 0));
    cells[0] = colour(r.verdict, cells[0] as string);
    const showInput = row[4] !== row[3] ? `  ${c.dim(row[4])}` : '';
    lines.push(`${cells.filter((_, i) => i !== 2 || (widths[2] ?? 0) > 0).join('  ')}${showInput}`.trimEnd());
    if (r.verdict === 'backup-first' || r.verdict === 'invalid') lines.push(`    ${r.reason}`);
  });
  const counts = new Map<Verdict, number>();
  for (const r of results) counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
  lines.push('', [...counts].map(([v, n]) => `${n} ${LABEL[v]}`).join(', '));
  return `${lines.join('\n')}\n`;
}
