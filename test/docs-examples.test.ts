import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { docFiles, readDoc } from './helpers/docs.js';
import { repoRoot } from './helpers/shared.js';
import { tempDir } from './helpers/tmp.js';

/**
 * Every ```ts block of the README and docs/*.md compiles as written, against the built package's own types (dist/,
 * as a user's editor sees them): `import … from 'vault-change-gate'` resolves to dist/index.d.ts.
 */
const blocks = docFiles.flatMap((file) =>
  [...readDoc(file).matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m, i) => ({ file, i, code: m[1] as string })),
);

describe('library examples in the README and docs/*.md', () => {
  it('has examples, each of which imports from the package', () => {
    expect(blocks.length).toBeGreaterThan(2);
    for (const b of blocks) expect(b.code, `${b.file} #${b.i}`).toMatch(/from 'vault-change-gate'/);
  });

  it('type-checks each example as written (strict, ESM, top-level await)', { timeout: 120_000 }, () => {
    const dir = tempDir();
    const files = blocks.map((b) => {
      const name = `${b.file.replace(/[/.]/g, '_')}_${b.i}.ts`;
      writeFileSync(path.join(dir, name), `${b.code}\nexport {};\n`);
      return name;
    });
    const tsconfig = {
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'es2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [path.join(repoRoot, 'node_modules', '@types')],
        paths: {
          'vault-change-gate': [path.join(repoRoot, 'dist', 'index.d.ts')],
          'vault-change-gate/unstable': [path.join(repoRoot, 'dist', 'unstable.d.ts')],
        },
      },
      files,
    };
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }');
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
