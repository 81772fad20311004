import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyTfChange, installPacked, packTarball } from '../helpers/packed.js';
import { repoRoot } from '../helpers/shared.js';

// npm pack + npm install of the real tarball: seconds with a warm cache, more on a cold one or a busy machine.
const TIMEOUT = 180_000;

describe('the packed package, installed with --ignore-scripts (no compiler, no install scripts)', () => {
  it('installs without native builds and reads a .tf change with classify --git-range', { timeout: TIMEOUT }, () => {
    const install = installPacked(packTarball(repoRoot));
    const modules = path.join(install.dir, 'node_modules');
    // Nothing native is needed: no tree-sitter binding installed, and no build folder made by an install script.
    expect(existsSync(path.join(modules, 'tree-sitter'))).toBe(false);
    expect(existsSync(path.join(modules, '@tree-sitter-grammars', 'tree-sitter-hcl', 'build'))).toBe(false);
    expect(readdirSync(path.join(modules, 'web-tree-sitter'))).toContain('tree-sitter.wasm');

    const r = classifyTfChange(install);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [op, ...rest] = JSON.parse(r.stdout) as { verdict: string; path: string; file: string; line: number }[];
    expect(rest).toEqual([]);
    expect(op).toMatchObject({ verdict: 'backup-first', path: 'sys/audit/file', file: 'main.tf', line: 1 });
  });
});
