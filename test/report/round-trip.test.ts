import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { renderGitlab, renderJunit, reportFromClassifications, reportFromDecision } from '../../src/report/index.js';
import { COMMAND_LINE_SUITE, EVIDENCE_SUITE } from '../../src/report/junit.js';
import { evaluate, type Decision } from '../../src/index.js';
import { decisions, NOW, runbook } from './decisions.js';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => name === 'testsuite' || name === 'testcase',
  parseAttributeValue: false,
  // Entities decoded, so what comes back is compared with what went in.
  processEntities: true,
});

interface Case {
  name: string;
  classname: string;
  file?: string;
  line?: string;
  failure?: { type: string; message: string; '#text': string };
  'system-out'?: string;
}
interface Suite {
  name: string;
  tests: string;
  failures: string;
  testcase: Case[];
}

const readJunit = (xml: string): { testsuites: { tests: string; failures: string; testsuite: Suite[] } } => {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml) as never;
};

/** GitLab's Code Quality issue, as its docs list the fields it reads. */
const CodeQualityIssue = z.strictObject({
  description: z.string().min(1),
  check_name: z.string().min(1),
  fingerprint: z.string().min(1),
  severity: z.enum(['info', 'minor', 'major', 'critical', 'blocker']),
  location: z.strictObject({
    path: z.string().min(1),
    lines: z.strictObject({ begin: z.number().int().positive() }),
  }),
});

describe('JUnit XML parses back to what was decided', () => {
  it.each(decisions)(
    '%s: a suite per input file, a case per operation, a failure for each that blocks',
    (_, decide) => {
      const d = decide();
      const { testsuites } = readJunit(renderJunit(reportFromDecision(d)));
      const cases = testsuites.testsuite.flatMap((s) => s.testcase);
      expect(cases).toHaveLength(d.operations.length);
      const blocking = d.allowed
        ? 0
        : d.operations.filter((o) => ['no-snapshot', 'stale', 'refused'].includes(o.status));
      expect(Number(testsuites.failures)).toBe(typeof blocking === 'number' ? 0 : blocking.length);
      expect(testsuites.testsuite.map((s) => s.name)).toEqual([...new Set(d.operations.map((o) => o.file))]);
      for (const s of testsuites.testsuite) {
        expect(Number(s.tests)).toBe(s.testcase.length);
        expect(Number(s.failures)).toBe(s.testcase.filter((c) => c.failure).length);
      }
      // Names come back whole, entities and all: the operation as the gate shows it.
      for (const [i, c] of cases.entries()) expect(c.name).toContain(d.operations[i]!.input);
    },
  );

  it('operations of the command line and evidence findings have suites of their own; odd text survives', () => {
    const d: Decision = evaluate(['POST sys/mounts/kv', 'vault frobnicate "<&>\'\u001b[31m"'], {
      now: NOW,
      snapshots: [],
      warnings: [{ code: 'FOLDER_OPEN_TO_OTHERS', reason: 'The folder <backups> & co is open.' }],
    });
    const { testsuites } = readJunit(renderJunit(reportFromDecision(d)));
    expect(testsuites.testsuite.map((s) => s.name)).toEqual([COMMAND_LINE_SUITE, EVIDENCE_SUITE]);
    const [ops, evidence] = testsuites.testsuite as [Suite, Suite];
    expect(ops.testcase.map((c) => c.failure?.type)).toEqual(['no-snapshot', 'refused']);
    expect(evidence.testcase[0]!['system-out']).toBe('warning: The folder <backups> & co is open.');
    expect(ops.testcase[1]!.name).not.toContain('\u001b');
  });

  it('classify: failures are the operations not understood', () => {
    const results = runbook();
    const { testsuites } = readJunit(renderJunit(reportFromClassifications(results)));
    const failed = testsuites.testsuite[0]!.testcase.filter((c) => c.failure);
    expect(failed.map((c) => c.line)).toEqual(results.filter((r) => r.verdict === 'invalid').map((r) => `${r.line}`));
    expect(testsuites.testsuite[0]!.testcase.map((c) => c.file)).toEqual(results.map((r) => r.file));
  });
});

describe('GitLab Code Quality parses back to what was decided', () => {
  it.each(decisions)('%s', (_, decide) => {
    const d = decide();
    const issues = z.array(CodeQualityIssue).parse(JSON.parse(renderGitlab(reportFromDecision(d))));
    const reported = d.operations.filter((o) => o.status !== 'not-needed');
    expect(issues.map((i) => i.location.path)).toEqual(reported.map((o) => o.file));
    expect(issues.map((i) => i.location.lines.begin)).toEqual(reported.map((o) => o.line ?? 1));
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
    expect(issues.map((i) => i.check_name)).toEqual(reported.map((o) => `category/${o.category}`));
    const severity = (status: string) =>
      status === 'satisfied' || status === 'allowed' ? 'info' : status === 'warned' ? 'major' : 'blocker';
    expect(issues.map((i) => i.severity)).toEqual(reported.map((o) => severity(o.status)));
  });

  it('classify: operations needing a backup are major, those not understood blockers', () => {
    const results = runbook();
    const issues = z.array(CodeQualityIssue).parse(JSON.parse(renderGitlab(reportFromClassifications(results))));
    expect(issues.map((i) => [i.location.lines.begin, i.severity])).toEqual(
      results
        .filter((r) => r.verdict === 'invalid' || r.verdict === 'backup-first')
        .map((r) => [r.line, r.verdict === 'invalid' ? 'blocker' : 'major']),
    );
  });
});
