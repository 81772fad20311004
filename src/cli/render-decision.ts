import type { NextStepCode } from '../gate/codes.js';
import { operationReason } from '../gate/decide-operation.js';
import { isBlocking, type Decision, type DecidedOperation, type NextStep } from '../gate/schema.js';
import { palette, type Io } from './output.js';
import { escapeControls as e } from './render-classifications.js';

const STATUS: Record<DecidedOperation['status'], string> = {
  'not-needed': 'needs nothing',
  satisfied: 'covered',
  allowed: 'allowed by policy',
  warned: 'WARNING',
  'no-snapshot': 'NO SNAPSHOT',
  stale: 'STALE SNAPSHOT',
  refused: 'REFUSED',
  'vault-unavailable': 'VAULT UNAVAILABLE',
};

/**
 * Words for some next steps, by code, in place of the gate's own (the hook says how to override in a push); a
 * list of lines replaces it with several.
 */
export type NextWords = Partial<Record<NextStepCode, string | readonly string[]>>;

const wordsFor = (step: NextStep, words: NextWords): readonly string[] => {
  const own = words[step.code];
  return own === undefined ? [step.text] : typeof own === 'string' ? [own] : own;
};

/** The verdict on the first line, then operations, evidence, warnings, and what to do next. */
export function renderDecision(d: Decision, io: Io, words: NextWords = {}): string {
  const c = palette(io);
  const lines: string[] = [];
  // Operations and reasons echo runbook text: control characters in it are written out, never sent raw.
  const headline = e(summary(d));
  if (d.overridden)
    lines.push(
      `${c.yellow('GO (OVERRIDDEN)')} by ${e(d.overridden.by)}: "${e(d.overridden.reason)}". Without it: ${headline}`,
    );
  else if (!d.allowed) lines.push(`${c.red('NO-GO')}: ${headline}`);
  else {
    const covered = d.operations.filter((o) => o.status === 'satisfied').length;
    lines.push(
      `${c.green('GO')}: ${covered ? `${covered} operation${covered > 1 ? 's' : ''} that need${covered > 1 ? '' : 's'} a backup ${covered > 1 ? 'are' : 'is'} covered by ${e(d.snapshot?.file ?? '')} (taken ${d.snapshot?.age} ago).` : 'nothing here needs a backup.'}`,
    );
  }
  lines.push('', 'Operations:');
  for (const o of d.operations) {
    const where = o.line ? ` ${o.file ? `${e(o.file)}:` : 'line '}${o.line}` : '';
    const bad = isBlocking(o.status);
    const label = STATUS[o.status].padEnd(15);
    lines.push(
      `  ${bad ? c.red(label) : o.status === 'warned' ? c.yellow(label) : c.green(label)} ${o.category.padEnd(16)} ${e(o.input)}${c.dim(where)}`,
    );
    if (o.status !== 'not-needed') lines.push(`      ${e(o.why)}`);
  }
  lines.push('', 'Evidence:');
  if (d.snapshot) {
    lines.push(
      `  snapshot  ${e(d.snapshot.file)}: taken ${d.snapshot.takenAt} (${d.snapshot.age} ago), ${d.snapshot.format ?? 'unknown format'}, index ${d.snapshot.index ?? '?'}`,
    );
  } else if (noSource(d)) lines.push('  none given: no snapshot file, folder or config names where snapshots are');
  else if (d.operations.some((o) => o.needs === 'snapshot')) lines.push('  no valid snapshot');
  else lines.push('  none needed');
  if (d.snapshot?.takenAtItsWord) {
    lines.push("  unread    the automated snapshot's status, taken at its word: no configured source holds its object");
  }
  if (d.snapshot?.indexLag != null)
    lines.push(`  lag       ${d.snapshot.indexLag} raft entries written since the snapshot`);
  // File names are whoever wrote the folder's: written out, like the runbook text above.
  for (const r of d.rejected) lines.push(`  ${c.red('refused')}   ${e(r.file)}: ${e(r.reason)} [${r.code}]`);
  const bundle = d.restore?.configBundle;
  if (bundle) {
    const sealed = bundle.encrypted ? (bundle.contentsVerified ? ', encrypted' : ', encrypted (header checked)') : '';
    lines.push(`  bundle    ${e(bundle.file)}: made ${bundle.createdAt} (${bundle.age} ago)${sealed}`);
  }
  if (d.cluster) {
    const k = d.cluster;
    lines.push(
      k.reachable
        ? `  cluster   ${k.address}: ${k.state}${k.version ? `, Vault ${k.version}` : ''}${k.storageType ? `, ${k.storageType} storage` : ''}${k.clusterName ? `, ${k.clusterName}` : ''}${k.raftServers ? `, raft ${k.raftServers.map((x) => x.id).join(' ')}` : ''}`
        : `  cluster   ${k.address}: ${c.red('unreachable')}: ${e(k.error ?? '')}`,
    );
    for (const n of k.notes) lines.push(`            ${c.dim(e(n))}`);
  }
  if (d.warnings.length) {
    lines.push('', 'Warnings:');
    for (const w of d.warnings) lines.push(`  ${c.yellow(w.code)}  ${e(w.reason)}`);
  }
  if (d.inProgress.length) {
    lines.push('', 'In progress:');
    for (const f of d.inProgress) lines.push(`  ${c.yellow(f.code)}  ${e(f.reason)}`);
  }
  // Reasons that are not about one operation (strict mode) are not shown above.
  // Sets, not a search per reason: a plan of 20,000 changes has as many reasons.
  const aboutOperations = new Set(d.operations.map(operationReason));
  const aboutProgress = new Set(d.inProgress.map((f) => f.reason));
  const general = d.reasons.filter((r) => !aboutOperations.has(r) && !aboutProgress.has(r));
  if (general.length) {
    lines.push('', 'Also:');
    for (const r of general) lines.push(`  - ${e(r)}`);
  }
  if (d.nextSteps.length) {
    lines.push('', 'Next:');
    for (const step of d.nextSteps) for (const n of wordsFor(step, words)) lines.push(`  ${e(n)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** No snapshot file, folder or automated snapshot was given (the gate's NO_EVIDENCE_SOURCE step). */
const noSource = (d: Decision): boolean => d.nextSteps.some((s) => s.code === 'NO_EVIDENCE_SOURCE');

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** One sentence for the first line: the common case said plainly, otherwise the first reason. */
function summary(d: Decision): string {
  const blocked = d.operations.filter((o) => isBlocking(o.status));
  const other = d.reasons.length - blocked.length;
  const tail = other > 0 ? ` (and ${plural(other, 'more reason', 'more reasons')})` : '';
  // A backup or change in progress comes first: it is why nothing else can be done now.
  const busy = d.inProgress.find((f) => d.reasons.includes(f.reason));
  if (busy) return `${busy.reason}${d.reasons.length > 1 ? ` (and ${d.reasons.length - 1} more)` : ''}`;
  if (blocked.length > 0 && blocked.every((o) => o.status === 'stale') && d.snapshot) {
    const limits = [...new Set(blocked.map((o) => o.maxAge))].join(' or ');
    return `${plural(blocked.length, 'operation needs', 'operations need')} a snapshot no older than ${limits}, and the newest valid one, ${d.snapshot.file}, is ${d.snapshot.age} old.${tail}`;
  }
  if (blocked.length > 0 && blocked.every((o) => o.status === 'no-snapshot') && noSource(d)) {
    const needs = plural(blocked.length, 'operation needs', 'operations need');
    return `${needs} a fresh snapshot, and no evidence source is given (NO_EVIDENCE_SOURCE), so none was looked for.${tail}`;
  }
  if (blocked.length > 0 && blocked.every((o) => o.status === 'no-snapshot')) {
    const unmatched = d.warnings.find((w) => w.code === 'NOTHING_MATCHED')?.reason.replace(/\)[;.].*$/s, ')');
    const refused = d.rejected.length
      ? ` (${plural(d.rejected.length, 'candidate was', 'candidates were')} refused)`
      : unmatched
        ? `: ${unmatched}`
        : '';
    return `${plural(blocked.length, 'operation needs', 'operations need')} a fresh snapshot, and there is no valid one${refused}.${tail}`;
  }
  const more = d.reasons.length > 1 ? ` (and ${d.reasons.length - 1} more)` : '';
  return `${d.reasons[0] ?? ''}${more}`;
}
