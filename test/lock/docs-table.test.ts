import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InProgressCodeSchema, inProgressInfo, type CodeInfo } from '../../src/index.js';
import { repoRoot } from '../helpers/shared.js';

describe('docs/not-during.md', () => {
  it('lists every in-progress code exactly as its info entry says', () => {
    const doc = readFileSync(path.join(repoRoot, 'docs/not-during.md'), 'utf8');
    const rows: Record<string, CodeInfo> = {};
    for (const m of doc.matchAll(/^\| `([A-Z_]+)` \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$/gm)) {
      rows[m[1] as string] = { title: m[2] as string, explanation: m[3] as string, action: m[4] as string };
    }
    expect(rows).toEqual(inProgressInfo);
    expect(Object.keys(inProgressInfo).sort()).toEqual([...InProgressCodeSchema.options].sort());
  });
});
