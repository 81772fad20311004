import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { LAYERS, layerOf } from '../../src/layers.js';

const SRC = path.resolve(import.meta.dirname, '../../src');

interface ImportSite {
  readonly line: number;
  readonly specifier: string;
}

/** Every module a file names: static imports, re-exports, `import type` and dynamic `import()`. */
function importsOf(text: string): ImportSite[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles.map((f) => ({ specifier: f.fileName, line: text.slice(0, f.pos).split('\n').length }));
}

/**
 * The layer-breaking imports of one file (path relative to src/, forward slashes), as "file:line: message" lines.
 * Package imports (zod, node:fs…) are not layers and pass.
 */
function violations(relative: string, text: string): string[] {
  const from = layerOf(relative);
  if (from === null) return [`${relative}:1: belongs to no layer; add its folder to LAYERS in src/layers.ts`];
  const found: string[] = [];
  for (const { specifier, line } of importsOf(text)) {
    if (!specifier.startsWith('.')) continue;
    const joined = path.posix.normalize(path.posix.join(path.posix.dirname(relative), specifier));
    const target = joined.replace(/\.js$/, '.ts');
    const to = target.startsWith('../') ? null : layerOf(target);
    if (to === null) found.push(`${relative}:${line}: imports ${specifier}, which is outside every layer of src/`);
    else if (LAYERS.indexOf(to) > LAYERS.indexOf(from)) {
      const order = LAYERS.join(' → ');
      found.push(`${relative}:${line}: ${from} imports ${specifier} from the later layer ${to} (order: ${order})`);
    }
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative(SRC, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

describe('layers', () => {
  it('no module of src/ imports a later layer', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((f) => violations(f, readFileSync(path.join(SRC, f), 'utf8')));
    expect(found).toEqual([]);
  });

  it('names the file and line of an upward import, static, type-only or dynamic', () => {
    const text = [
      "import { z } from 'zod';",
      "import type { ClusterFacts } from '../gate/schema.js';",
      "import { classify } from '../classify/classify.js';",
      "export { check } from '../gate/check.js';",
      'const cli = await import("../cli/main.js");',
    ].join('\n');
    expect(violations('vault/facts.ts', text)).toEqual([
      expect.stringMatching(/^vault\/facts\.ts:2: vault imports \.\.\/gate\/schema\.js from the later layer gate/),
      expect.stringMatching(/^vault\/facts\.ts:4: vault imports \.\.\/gate\/check\.js/),
      expect.stringMatching(/^vault\/facts\.ts:5: vault imports \.\.\/cli\/main\.js from the later layer cli/),
    ]);
  });

  it('puts terraform above git, the public entry above the hook, and the CLI last', () => {
    expect(violations('git/git.ts', "import { x } from '../terraform/hcl.js';")).toHaveLength(1);
    expect(violations('terraform/git-range.ts', "import { x } from '../git/git.js';")).toEqual([]);
    expect(violations('index.ts', "export * from './hook/pre-push.js';")).toEqual([]);
    expect(violations('index.ts', "export * from './cli/main.js';")).toHaveLength(1);
    expect(violations('errors.ts', "import { x } from './classify/index.js';")).toHaveLength(1);
    expect(violations('classify/schema.ts', "import { UserError } from '../errors.js';")).toEqual([]);
    expect(violations('config/load.ts', "import { x } from '../shared/glob.js';")).toEqual([]);
  });

  it('refuses a folder that is in no layer, and an import that leaves src/', () => {
    expect(violations('plugins/x.ts', '')).toEqual([expect.stringContaining('belongs to no layer')]);
    expect(violations('cli/main.ts', "import { x } from '../../test/helpers/cli.js';")).toEqual([
      expect.stringContaining('outside every layer'),
    ]);
  });
});
