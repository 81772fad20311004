import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/shared.js';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;

describe('package.json and what npm publishes', () => {
  it('declares where the code, the bugs and the home page are', () => {
    expect(pkg.repository).toEqual({
      type: 'git',
      url: 'git+https://github.com/vault-change-gate/vault-change-gate.git',
    });
    expect(pkg.bugs).toEqual({ url: 'https://github.com/vault-change-gate/vault-change-gate/issues' });
    expect(pkg.homepage).toMatch(/^https:\/\/github\.com\/vault-change-gate\/vault-change-gate/);
  });

  it('ships a LICENSE matching the declared licence', () => {
    expect(pkg.license).toBe('MPL-2.0');
    const text = readFileSync(path.join(repoRoot, 'LICENSE'), 'utf8');
    expect(text.split('\n')[0]).toBe('Mozilla Public License Version 2.0');
    expect(text).toContain('Exhibit A - Source Code Form License Notice');
  });

  it('publishes only what a user needs: no source maps without sources, no tests, no sources', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]?.files.map((f) => f.path) ?? [];
    for (const needed of [
      'LICENSE',
      'README.md',
      'package.json',
      'bin/vault-change-gate.js',
      'dist/cli.bundle.cjs',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/unstable.js',
      'hooks/pre-push',
      'schema/vault-change-gate.config.schema.json',
    ])
      expect(files).toContain(needed);
    const unwanted = files.filter((f) => /\.map$|^src\/|^test\/|^bench\/|^examples\/|^dist\/cli\/|^docs\//.test(f));
    expect(unwanted).toEqual([]);
  });

  it('ignores no tracked file in .gitignore', () => {
    const tracked = execFileSync('git', ['ls-files', '-ci', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' });
    expect(tracked).toBe('');
  });
});
