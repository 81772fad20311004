import type { SnapshotInspection } from '../snapshot/index.js';
import { palette, type Io } from './output.js';
import { escapeControls as e } from './render-classifications.js';

const ago = (iso: string, now = Date.now()): string => {
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (s < 0) return `${-s}s in the future`;
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.round(s / 60)}m ago`;
  if (s < 172800) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
};

/**
 * The verdict line (`VALID    KIND  FILE`, or `INVALID  KIND  FILE: first problem`) and a writer of `Key   value`
 * rows under it, shared by snapshot and bundle inspections.
 */
export function verdictAndRows(
  r: { readonly valid: boolean; readonly file: string; readonly problems: readonly { readonly reason: string }[] },
  kind: string,
  io: Io,
): { lines: string[]; row: (k: string, v: string | number | null | undefined) => void } {
  const c = palette(io);
  // The file's name is whoever wrote the folder's, and the rows echo the archive's own words (server IDs, keys):
  // control characters in them are written out, so that none starts a line of its own or moves the cursor.
  const lines = [
    r.valid
      ? `${c.green('VALID')}    ${kind}  ${e(r.file)}`
      : `${c.red('INVALID')}  ${kind}  ${e(r.file)}: ${e(r.problems[0]?.reason ?? '')}`,
  ];
  const row = (k: string, v: string | number | null | undefined) => {
    if (v !== null && v !== undefined && v !== '') lines.push(`  ${k.padEnd(13)}${e(String(v))}`);
  };
  return { lines, row };
}

/**
 * In the spirit of `vault operator raft snapshot inspect`: the verdict first, then the metadata and key counts.
 * `now` (for the age shown) is given by tests that compare the output whole.
 */
export function renderInspection(r: SnapshotInspection, io: Io, now: number = Date.now()): string {
  const c = palette(io);
  const kind = r.format ? `${r.format} snapshot` : 'not a readable snapshot';
  const { lines, row } = verdictAndRows(r, kind, io);
  row('ID', r.id);
  row('Size', r.size);
  row('Index', r.index);
  row('Term', r.term);
  row('Version', r.version);
  row('Taken at', r.takenAt ? `${r.takenAt} (${ago(r.takenAt, now)})` : null);
  row('Servers', r.servers.map((s) => `${s.id} (${s.address}, ${s.suffrage})`).join(', '));
  row('Vault', r.vaultVersions.join(', '));
  row('Seal', sealRow(r));
  row('SHA-256', r.sha256);
  const keys = Object.entries(r.keys);
  if (keys.length) {
    const head = r.format === 'consul' ? 'Type' : 'Key prefix';
    const width = keys.reduce((w, [k]) => Math.max(w, k.length), head.length) + 2;
    lines.push('', `  ${head.padEnd(width)}Count`);
    for (const [k, n] of keys) lines.push(`  ${e(k).padEnd(width)}${n}`);
  }
  if (r.problems.length) {
    lines.push('', '  Problems:');
    for (const p of r.problems) lines.push(`    ${c.red(p.code)}  ${e(p.message)}`);
  }
  for (const n of r.notes) lines.push(`  ${c.dim(`Note: ${e(n)}`)}`);
  return `${lines.join('\n')}\n`;
}

/** `shamir, 3 of 5 unseal key shares`, `awskms, recovery 3 of 5`: what a restore of it needs. */
function sealRow(r: SnapshotInspection): string | null {
  const s = r.seal;
  if (!s) return r.sealType;
  const of = (t: number | null, n: number | null) => (t !== null && n !== null ? `${t} of ${n}` : null);
  if (s.type === 'shamir') {
    const shares = of(s.threshold, s.shares);
    return shares ? `shamir, ${shares} unseal key shares` : 'shamir';
  }
  const recovery = s.recovery ? of(s.recovery.threshold, s.recovery.shares) : null;
  return `${s.type ?? 'unknown'}${recovery ? `, recovery ${recovery} key shares` : ''}`;
}
