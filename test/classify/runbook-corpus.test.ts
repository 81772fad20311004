import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyScript } from '../../src/index.js';
import { repoRoot } from '../helpers/shared.js';

/**
 * Realistic runbooks (written for this test, in the shapes found in public scripts) and the verdict of every
 * operation in them: test/fixtures/runbooks/expected.tsv. A new runbook without expectations fails the test.
 */
const dir = path.join(repoRoot, 'test', 'fixtures', 'runbooks');
const expected = new Map<string, string[]>();
for (const row of readFileSync(path.join(dir, 'expected.tsv'), 'utf8').split('\n')) {
  if (row.trim() === '' || row.startsWith('#')) continue;
  const [file, ...rest] = row.split('\t');
  const list = expected.get(file as string) ?? [];
  if (rest.join('\t') !== '-\tnothing') list.push(rest.join('\t'));
  expected.set(file as string, list);
}
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith('.sh'))
  .sort();

describe('runbook corpus', () => {
  it('has expectations for every runbook', () => {
    expect([...expected.keys()].sort()).toEqual(scripts);
  });

  it.each(scripts)('%s', (file) => {
    const out = classifyScript(readFileSync(path.join(dir, file), 'utf8'), { file });
    const target = (c: (typeof out)[number]) =>
      c.method && c.path ? `${c.method} ${c.path}` : c.to ? `-> ${c.to}` : '-';
    expect(out.map((c) => [c.line, c.verdict, c.category, target(c)].join('\t'))).toEqual(expected.get(file));
    expect(out.every((c) => c.file === file)).toBe(true);
  });
});
