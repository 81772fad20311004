import { describe, expect, it } from 'vitest';
import { classify, CategorySchema } from '../src/index.js';
import { categoryInfo } from '../src/unstable.js';
import { shellWords } from '../src/classify/shell.js';
import { usages } from '../src/cli/usage.js';
import { runCli } from './helpers/cli.js';
import { allDocs, docFiles, readDoc } from './helpers/docs.js';
import { repoRoot } from './helpers/shared.js';

const readme = readDoc('README.md');

describe('README', () => {
  it('opens with the demo command and the test command', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock).toMatch(/^npm ci && npm run demo/m);
    expect(firstBlock).toMatch(/^npm test/m);
  });

  it('starts with Install, then Quick start, in a README short enough to read in ten minutes', () => {
    const headings = [...readme.matchAll(/^## (.*)$/gm)].map((m) => m[1]);
    expect(headings.slice(0, 2)).toEqual(['Install', 'Quick start']);
    // About 200 words a minute for technical prose.
    expect(readme.split(/\s+/).length).toBeLessThan(2000);
  });

  it("lists exactly the usage registry's synopsis lines in its Commands block (help and README cannot drift)", () => {
    const block = /## Commands\n\n```text\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(block.trimEnd().split('\n')).toEqual(usages.map((u) => u.synopsis));
  });

  it('links every page in docs/ from the README, and every link to docs/ resolves', () => {
    const linked = new Set([...readme.matchAll(/\]\((docs\/[^)#]+\.md)[^)]*\)/g)].map((m) => m[1]));
    for (const file of docFiles.filter((f) => f.startsWith('docs/'))) {
      expect(linked, file).toContain(file);
    }
    for (const file of linked) expect(docFiles, file as string).toContain(file);
  });
});

describe('README and docs/*.md', () => {
  it('document every category with an example that gets its category and verdict', () => {
    const rows = [...allDocs.matchAll(/^\| `([a-z-]+)` \| ([^|]+) \| `([^`]+)` \| `([a-z-]+)` \|$/gm)];
    expect(rows.map((r) => r[1]).sort()).toEqual([...CategorySchema.options].sort());
    for (const [, category, description, example, verdict] of rows) {
      const info = categoryInfo[category as keyof typeof categoryInfo];
      expect([description, example, verdict]).toEqual([info.description, info.example, info.verdict]);
      const c = classify(example as string);
      expect([c.category, c.verdict], `${example}: ${c.reason}`).toEqual([category, verdict]);
    }
  });

  it('show library calls whose commented results are true', () => {
    const calls = [...allDocs.matchAll(/^(?:console\.log\()?(classify\(.*?\))\.(\w+)\)?;\s*\/\/ '([^']*)'$/gm)];
    expect(calls.length).toBeGreaterThan(2);
    for (const [, call, field, value] of calls) {
      const result = new Function('classify', `return ${call};`)(classify) as Record<string, unknown>;
      expect(result[field as string], call).toBe(value);
    }
  });

  const commands = docFiles.flatMap((file) =>
    [...readDoc(file).matchAll(/^vault-change-gate (.*?)\s+# exit (\d)$/gm)].map(
      (m) => [file, m[1] as string, Number(m[2])] as const,
    ),
  );
  it('have command examples', () => expect(commands.length).toBeGreaterThan(10));
  it.each(commands)('%s: vault-change-gate %s exits %i', async (_file, line, code) => {
    const split = shellWords(line);
    if ('error' in split) throw new Error(split.error);
    const r = await runCli(split.words, { cwd: repoRoot });
    expect(r.code, r.stderr).toBe(code);
  });
});
