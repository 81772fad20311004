import type { Classification } from '../classify/schema.js';
import { operationReason } from '../gate/decide-operation.js';
import { isBlocking, type Decision, type DecidedOperation, type OperationStatus } from '../gate/schema.js';
import { categoryRuleId, evidenceRuleId, type EvidenceCode } from './rules.js';

/**
 * What the CI formats render: one neutral list, built once from a decision (`check`) or from classifications
 * (`classify`). Every text in it comes from classifications, whose `input` is redacted when it is made
 * (src/classify/redact.ts), so no format can show a secret the table would not.
 */
export type Level = 'error' | 'warning' | 'note';

export interface ReportOperation {
  readonly operation: Classification;
  /** The gate's status (check), or null (classify: there is no evidence). */
  readonly status: OperationStatus | null;
  /** How loud a finding it is; null for an operation with nothing to report (it needs no backup). */
  readonly level: Level | null;
  /** Whether it makes the outcome fail: a blocking status of a no-go, or `invalid` in classify. */
  readonly blocks: boolean;
  readonly ruleId: string;
  /** Why it goes or not, in one sentence (the gate's `why`, or classify's `reason`). */
  readonly why: string;
  /** The operation, then why: what the formats print; empty for an operation with nothing to report. */
  readonly message: string;
  /**
   * Stable across pushes: rule, file, what the operation is, and which occurrence of it (never the line); null for
   * an operation with nothing to report (level null), which no format fingerprints.
   */
  readonly fingerprint: string | null;
}

/** A finding about the evidence, not about one operation (a warning, a refused snapshot candidate). */
export interface ReportNotice {
  readonly code: EvidenceCode;
  readonly ruleId: string;
  readonly level: Level;
  readonly message: string;
  /** The snapshot file a refusal is about. */
  readonly file: string | null;
}

export interface Report {
  readonly command: 'classify' | 'check';
  /** check: go or no-go (after an override); classify: whether every operation was understood. */
  readonly passed: boolean;
  readonly headline: string;
  readonly operations: readonly ReportOperation[];
  readonly notices: readonly ReportNotice[];
  /** Whether anything was warned: a warned or overridden operation, a warning, an operation needing a backup. */
  readonly warned: boolean;
}

const where = (c: Classification): string => c.address ?? c.input;
/**
 * The operation, then why; once when the sentence starts with it already. An ASCII separator: one character beyond
 * Latin-1 would make every message, and the whole report, a two-byte string, twice the memory to build and write.
 */
const say = (input: string, why: string): string => (why.startsWith(input) ? why : `${input} - ${why}`);

/** Fingerprints: a hash of what identifies the finding, with the n-th occurrence of the same in the same file. */
function fingerprinter(): (ruleId: string, c: Classification, level: Level | null) => string | null {
  const seen = new Map<string, number>();
  return (ruleId, c, level) => {
    if (level === null) return null;
    const key = [ruleId, c.file ?? '', where(c), c.method ?? '', c.path ?? '', c.namespace].join('\u0000');
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return hash64(`${key}\u0000${n}`);
  };
}

/**
 * 64 bits of two multiply-xorshift lanes over the UTF-16 code units: fingerprints only tell a report's findings
 * apart (no one gains by a collision), and a plan of 20,000 changes needs them fast, without a native hash object
 * each.
 */
function hash64(text: string): string {
  let a = 0x9e3779b1;
  let b = 0x85ebca77;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    a = Math.imul(a ^ k, 0x85ebca6b);
    b = Math.imul(b ^ k, 0xc2b2ae35);
    a ^= b >>> 15;
    b ^= a >>> 13;
  }
  const hex = (x: number) => (Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0).toString(16).padStart(8, '0');
  return hex(a ^ (b >>> 7)) + hex(b ^ (a >>> 11));
}

function checkLevel(o: DecidedOperation, overridden: boolean): Level | null {
  if (isBlocking(o.status)) return overridden ? 'warning' : 'error';
  if (o.status === 'warned') return 'warning';
  if (o.status === 'satisfied' || o.status === 'allowed') return 'note';
  return null;
}

/** The report of a `check`: one entry per operation, the evidence's warnings and refusals as notices. */
export function reportFromDecision(d: Decision): Report {
  const fingerprint = fingerprinter();
  const overridden = d.overridden !== null;
  const operations = d.operations.map((o): ReportOperation => {
    const ruleId = categoryRuleId(o.category);
    const level = checkLevel(o, overridden);
    return {
      operation: o,
      status: o.status,
      level,
      blocks: isBlocking(o.status) && !d.allowed,
      ruleId,
      why: o.why,
      message: level === null ? '' : say(o.input, o.why),
      fingerprint: fingerprint(ruleId, o, level),
    };
  });
  // Reasons about no single operation make the no-go (strict mode turns warnings into those).
  // A set, not a search per reason: a plan of 20,000 changes has as many reasons.
  const aboutOperations = new Set(d.operations.map(operationReason));
  const strictBlocked = !d.allowed && d.reasons.some((r) => !aboutOperations.has(r));
  const notices: ReportNotice[] = [
    // POLICY_WARN is about one operation, which carries it already.
    ...d.warnings
      .filter((w) => w.code !== 'POLICY_WARN')
      .map((w) => ({
        code: w.code,
        ruleId: evidenceRuleId(w.code),
        level: strictBlocked ? ('error' as const) : ('warning' as const),
        message: w.reason,
        file: null,
      })),
    ...d.rejected.map((r) => ({
      code: r.code,
      ruleId: evidenceRuleId(r.code),
      level: 'note' as const,
      message: `${r.file}: ${r.reason}`,
      file: r.file,
    })),
  ];
  return {
    command: 'check',
    passed: d.allowed,
    headline: decisionHeadline(d),
    operations,
    notices,
    warned: decisionWarned(d),
  };
}

/** Whether a decision warned: a warning, an override, or an operation that blocked or was let through warned. */
export const decisionWarned = (d: Decision): boolean =>
  d.warnings.length > 0 ||
  d.overridden !== null ||
  d.operations.some((o) => o.status === 'warned' || isBlocking(o.status));

/** Whether classifications warn: some operation needs a backup first. */
export const classificationsWarn = (results: readonly Classification[]): boolean =>
  results.some((c) => c.verdict === 'backup-first');

function decisionHeadline(d: Decision): string {
  const more = d.reasons.length > 1 ? ` (and ${d.reasons.length - 1} more)` : '';
  if (d.overridden) return `GO (OVERRIDDEN) by ${d.overridden.by}: "${d.overridden.reason}".`;
  if (!d.allowed) return `NO-GO: ${d.reasons[0] ?? 'the gate refused the change.'}${more}`;
  const covered = d.operations.filter((o) => o.status === 'satisfied').length;
  const warnedOps = d.operations.filter((o) => o.status === 'warned').length;
  if (warnedOps)
    return (
      `GO, WARNED: ${warnedOps} operation${warnedOps > 1 ? 's go' : ' goes'} ahead ` +
      'without a fresh snapshot (policy "warn").'
    );
  return covered && d.snapshot
    ? `GO: ${covered} operation${covered > 1 ? 's' : ''} needing a backup covered by ${d.snapshot.file}.`
    : 'GO: nothing here needs a backup.';
}

/** The report of a `classify`: `invalid` is an error (it blocks), a backup-first operation a warning. */
export function reportFromClassifications(results: readonly Classification[]): Report {
  const fingerprint = fingerprinter();
  const operations = results.map((c): ReportOperation => {
    const ruleId = categoryRuleId(c.category);
    const level = c.verdict === 'invalid' ? 'error' : c.verdict === 'backup-first' ? 'warning' : null;
    return {
      operation: c,
      status: null,
      level,
      blocks: c.verdict === 'invalid',
      ruleId,
      why: c.reason,
      message: level === null ? '' : say(c.input, c.reason),
      fingerprint: fingerprint(ruleId, c, level),
    };
  });
  const invalid = operations.filter((o) => o.blocks).length;
  const backup = operations.filter((o) => o.level === 'warning').length;
  const headline = invalid
    ? `INVALID: ${invalid} of ${results.length} operation${results.length > 1 ? 's are' : ' is'} not understood.`
    : `${backup} of ${results.length} operation${results.length === 1 ? '' : 's'} ` +
      `need${backup === 1 ? 's' : ''} a backup first.`;
  return { command: 'classify', passed: invalid === 0, headline, operations, notices: [], warned: backup > 0 };
}

/** Control characters written out (`\x1b`): runbook text is echoed, and XML 1.0 cannot hold most of them at all. */
export const visible = (text: string): string =>
  // eslint-disable-next-line no-control-regex
  text.replace(
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
