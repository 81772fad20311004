import { visible, type Report, type ReportOperation } from './model.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
/** Text for an XML element: the five entities, control characters written out (XML 1.0 forbids them). */
export const xml = (text: string): string => visible(text).replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
/** Text for an attribute: as for an element, and line breaks and tabs as references, which parsers keep. */
const attr = (text: string): string => xml(text).replace(/[\n\r\t]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The suite of operations named on the command line (--op, --stdin), which come from no file. */
export const COMMAND_LINE_SUITE = '(command line)';
/** The suite of findings about the evidence (warnings, refused snapshot candidates). */
export const EVIDENCE_SUITE = '(evidence)';

interface Case {
  readonly name: string;
  readonly classname: string;
  readonly file?: string;
  readonly line?: number;
  readonly failure: { readonly type: string; readonly message: string } | null;
  readonly out: string | null;
}

function operationCase(o: ReportOperation, suite: string): Case {
  const c = o.operation;
  const kind = o.status ?? c.verdict;
  return {
    name: `${c.line ? `line ${c.line}: ` : ''}${c.input}`,
    classname: `${suite}.${c.category}`,
    ...(c.file ? { file: c.file } : {}),
    ...(c.line ? { line: c.line } : {}),
    failure: o.blocks ? { type: kind, message: o.message } : null,
    out: o.level && !o.blocks ? `${kind}: ${o.message}` : null,
  };
}

function renderCase(k: Case): string {
  const where = `${k.file ? ` file="${attr(k.file)}"` : ''}${k.line ? ` line="${k.line}"` : ''}`;
  const open = `    <testcase name="${attr(k.name)}" classname="${attr(k.classname)}"${where}`;
  if (!k.failure && !k.out) return `${open}/>`;
  const body = k.failure
    ? `      <failure type="${attr(k.failure.type)}" message="${attr(k.failure.message)}">` +
      `${xml(k.failure.message)}</failure>`
    : `      <system-out>${xml(k.out as string)}</system-out>`;
  return `${open}>\n${body}\n    </testcase>`;
}

/** JUnit XML: a suite per input file, a test case per operation, a failure for each that blocks. */
export function renderJunit(report: Report): string {
  const suites = new Map<string, Case[]>();
  const add = (suite: string, k: Case) => {
    const list = suites.get(suite);
    if (list) list.push(k);
    else suites.set(suite, [k]);
  };
  for (const o of report.operations) {
    const suite = o.operation.file ?? COMMAND_LINE_SUITE;
    add(suite, operationCase(o, suite));
  }
  for (const n of report.notices) {
    add(EVIDENCE_SUITE, {
      name: `${n.code}${n.file ? `: ${n.file}` : ''}`,
      classname: `${EVIDENCE_SUITE}.${n.code}`,
      failure: n.level === 'error' ? { type: n.code, message: n.message } : null,
      out: n.level === 'error' ? null : `${n.level}: ${n.message}`,
    });
  }
  const failures = (cases: readonly Case[]) => cases.filter((k) => k.failure).length;
  const all = [...suites.values()].flat();
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="vault-change-gate ${report.command}" tests="${all.length}" ` +
      `failures="${failures(all)}" errors="0">`,
  ];
  for (const [name, cases] of suites) {
    lines.push(
      `  <testsuite name="${attr(name)}" tests="${cases.length}" failures="${failures(cases)}" errors="0" skipped="0">`,
    );
    for (const k of cases) lines.push(renderCase(k));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
