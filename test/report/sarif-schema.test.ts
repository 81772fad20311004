import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { FINGERPRINT_KEY, renderSarif, reportFromClassifications, reportFromDecision } from '../../src/report/index.js';
import { evaluate } from '../../src/index.js';
import { decisions, NOW, runbook } from './decisions.js';

/**
 * The official SARIF 2.1.0 JSON Schema (2.1.0-rtm.5, draft-04), as shipped by Microsoft's @microsoft/jest-sarif
 * package; validated by Ajv (ajv-draft-04 for the draft, ajv-formats for uri and date-time).
 */
const require = createRequire(import.meta.url);
// Both are CommonJS: imported from ESM, the class and the plugin are the `default` of module.exports.
const Ajv = ajvDraft04.default;
const addFormats = ajvFormats.default;
const schemaFile = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
// unicodeRegExp off: the schema's `language` pattern has a stray `]`, an error in a /u expression only.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

const tool = { name: 'vault-change-gate', version: '0.1.0' };
type Sarif = {
  runs: {
    tool: { driver: { rules: { id: string }[] } };
    results: { ruleId: string; level: string; partialFingerprints: Record<string, string>; locations?: unknown[] }[];
  }[];
};

const valid = (text: string): Sarif => {
  const log = JSON.parse(text) as Sarif;
  const ok = validate(log);
  expect(ok ? [] : validate.errors, 'SARIF 2.1.0 schema errors').toEqual([]);
  return log;
};

describe('SARIF is valid against the SARIF 2.1.0 JSON Schema', () => {
  it('the schema is the official 2.1.0 one, and it catches a broken log', () => {
    expect(String(schema.title)).toContain('2.1.0');
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{}] }] })).toBe(false);
  });

  it.each(decisions)('%s', (_, decide) => {
    const log = valid(renderSarif(reportFromDecision(decide()), tool));
    const run = log.runs[0]!;
    const ids = new Set(run.tool.driver.rules.map((r) => r.id));
    for (const r of run.results) {
      expect(ids.has(r.ruleId), r.ruleId).toBe(true);
      expect(r.partialFingerprints[FINGERPRINT_KEY]).toMatch(/^[0-9a-f]{16}$/);
      expect(r.locations?.length ?? 0).toBeGreaterThan(0);
    }
  });

  it('classify of a runbook, and a decision with warnings, refusals and operations from the command line', () => {
    valid(renderSarif(reportFromClassifications(runbook()), tool));
    const d = evaluate(['POST sys/mounts/kv', 'vault frobnicate'], {
      now: NOW,
      snapshots: [],
      rejected: [{ file: 'backups/odd name.snap', code: 'SYMLINK_OUTSIDE', reason: 'it leaves the folder.' }],
      warnings: [{ code: 'FOLDER_OPEN_TO_OTHERS', reason: 'The folder is open.' }],
    });
    const log = valid(renderSarif(reportFromDecision(d), tool));
    expect(log.runs[0]!.results.map((r) => r.level)).toEqual(['error', 'error']);
  });

  it('levels: error when it blocks, warning when warned, note when satisfied', () => {
    const levels = (name: string) => {
      const decide = decisions.find(([n]) => n === name)![1];
      return valid(renderSarif(reportFromDecision(decide()), tool)).runs[0]!.results.map((r) => r.level);
    };
    expect(levels('tf-range-go')).toEqual(['note']);
    expect(levels('tf-range-no-go')).toEqual(['error']);
    expect(levels('plan-warned')).toEqual(['warning', 'warning', 'warning']);
    expect(levels('plan-no-go')).toEqual(['error', 'error', 'error']);
    expect(levels('runbook-invalid')).toEqual(['note', 'error', 'note']);
  });

  it('fingerprints stay when lines move, and differ for the same command twice', () => {
    const fingerprints = (c: ReturnType<typeof runbook>) =>
      valid(renderSarif(reportFromClassifications(c), tool)).runs[0]!.results.map(
        (r) => r.partialFingerprints[FINGERPRINT_KEY],
      );
    const before = runbook();
    const moved = before.map((c) => ({ ...c, line: (c.line ?? 0) + 10 }));
    expect(fingerprints(moved)).toEqual(fingerprints(before));
    const twice = [...before, ...before];
    expect(new Set(fingerprints(twice)).size).toBe(fingerprints(twice).length);
  });
});
