import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify, CategorySchema } from '../src/index.js';
import { categoryInfo } from '../src/unstable.js';
import { shellWords } from '../src/classify/shell.js';
import { runCli } from './helpers/cli.js';
import { repoRoot } from './helpers/shared.js';

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

describe('README', () => {
  it('opens with the demo command and the test command', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock).toMatch(/^npm ci && npm run demo/m);
    expect(firstBlock).toMatch(/^npm test/m);
  });

  it('documents every category with an example that gets its category and verdict', () => {
    const rows = [...readme.matchAll(/^\| `([a-z-]+)` \| ([^|]+) \| `([^`]+)` \| `([a-z-]+)` \|$/gm)];
    expect(rows.map((r) => r[1]).sort()).toEqual([...CategorySchema.options].sort());
    for (const [, category, description, example, verdict] of rows) {
      const info = categoryInfo[category as keyof typeof categoryInfo];
      expect([description, example, verdict]).toEqual([info.description, info.example, info.verdict]);
      const c = classify(example as string);
      expect([c.category, c.verdict], `${example}: ${c.reason}`).toEqual([category, verdict]);
    }
  });

  it('shows library calls whose commented results are true', () => {
    const calls = [...readme.matchAll(/^(classify\(.*\))\.(\w+);\s*\/\/ '([^']*)'$/gm)];
    expect(calls.length).toBeGreaterThan(2);
    for (const [, call, field, value] of calls) {
      const result = new Function('classify', `return ${call};`)(classify) as Record<string, unknown>;
      expect(result[field as string], call).toBe(value);
    }
  });

  const commands = [...readme.matchAll(/^vault-change-gate (.*?)\s+# exit (\d)$/gm)];
  it('has command examples', () => expect(commands.length).toBeGreaterThan(3));
  it.each(commands.map((m) => [m[1] as string, Number(m[2])] as const))(
    'vault-change-gate %s exits %i',
    async (line, code) => {
      const split = shellWords(line);
      if ('error' in split) throw new Error(split.error);
      const r = await runCli(split.words, { cwd: repoRoot });
      expect(r.code, r.stderr).toBe(code);
    },
  );
});
