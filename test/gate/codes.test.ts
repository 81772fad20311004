import { describe, expect, it } from 'vitest';
import {
  BLOCKING_STATUSES,
  gateRejectionInfo,
  NextStepCodeSchema,
  OperationStatusSchema,
  ProblemCodeSchema,
  rejectionInfo,
  RejectionCodeSchema,
  WarningCodeSchema,
  warningInfo,
  type CodeInfo,
} from '../../src/index.js';
import { allDocs, docFiles, readDoc } from '../helpers/docs.js';

// The tables live in docs/codes.md, and a page may add rows of its own (docs/config-bundle.md: restore codes).
const readme = allDocs;
const docs = docFiles.map(readDoc);

/** The rows `| \`CODE\` | title | meaning | what to do |` of the tables that follow `heading` (README, then docs). */
function table(heading: string): Record<string, CodeInfo> {
  const at = readme.indexOf(heading);
  expect(at, heading).toBeGreaterThan(-1);
  const rows: Record<string, CodeInfo> = {};
  for (const text of docs) {
    const from = text.indexOf(heading);
    if (from === -1) continue;
    const block = text.slice(from).split('\n\n')[1] ?? '';
    for (const m of block.matchAll(/^\| `([A-Z_]+)` \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$/gm)) {
      rows[m[1] as string] = { title: m[2] as string, explanation: m[3] as string, action: m[4] as string };
    }
  }
  return rows;
}

describe('codes between layers', () => {
  it('has one info entry per warning code, and the README lists exactly that table', () => {
    expect(Object.keys(warningInfo).sort()).toEqual([...WarningCodeSchema.options].sort());
    expect(table('**Warning codes**')).toEqual(warningInfo);
  });

  it("lists the gate's own rejection codes in the README exactly as their info table says", () => {
    expect(table('**Rejection codes**')).toEqual(gateRejectionInfo);
  });

  it("covers every rejection code (the snapshot problems and the gate's own) in one info table", () => {
    expect(Object.keys(rejectionInfo).sort()).toEqual([...RejectionCodeSchema.options].sort());
    for (const code of ProblemCodeSchema.options) {
      expect(RejectionCodeSchema.options).toContain(code);
      // Each snapshot problem code is documented in the Snapshots table.
      expect(readme).toContain(`\`${code}\``);
    }
  });

  it('lists every next-step code in the README', () => {
    const listed = docs.flatMap((text) => {
      const row = /^\| `nextSteps` \|.*codes: (.*) \|$/m.exec(text)?.[1] ?? '';
      return [...row.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]);
    });
    expect(listed.sort()).toEqual([...NextStepCodeSchema.options].sort());
  });

  it('has one set of blocking statuses, each a status, and the README names them', () => {
    for (const s of BLOCKING_STATUSES) expect(OperationStatusSchema.options).toContain(s);
    const named = /one of `BLOCKING_STATUSES`: ([^.]*)\./.exec(readme)?.[1] ?? '';
    expect([...named.matchAll(/`([a-z-]+)`/g)].map((m) => m[1])).toEqual([...BLOCKING_STATUSES]);
  });

  it('keeps every info entry to one sentence each of meaning and action', () => {
    for (const info of Object.values(rejectionInfo).concat(Object.values(warningInfo))) {
      expect(info.title).not.toMatch(/\|/);
      expect(info.explanation).toMatch(/^[A-Z].*\.$/);
      expect(info.action).toMatch(/\.$/);
    }
  });
});
