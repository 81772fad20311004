import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyTfChange, installPacked, packTarball } from '../test/helpers/packed.js';
import { ok, table } from './util.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The target (#17): the packed package installs with `--ignore-scripts` (no compiler, no install scripts),
 * its dependencies from npm's cache (CI's `npm ci` fills it), and reads a `.tf` change afterwards. The 29-31 s of
 * the former native tree-sitter build is the baseline.
 */
const TARGET_MS = 10_000;

export function benchInstall(): void {
  const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');
  if (!existsSync(path.join(root, 'dist', 'cli.bundle.cjs'))) {
    console.log('\ninstall: skipped (run `npm run build` first: the packed package holds dist/)');
    return;
  }
  const tarball = packTarball(root);
  const installs = [installPacked(tarball), installPacked(tarball), installPacked(tarball)];
  const ms = median(installs.map((i) => i.ms));
  const r = classifyTfChange(installs[0]!);
  let reads = false;
  try {
    const ops = JSON.parse(r.stdout) as { verdict: string; path: string }[];
    reads = r.code === 0 && ops.length === 1 && ops[0]!.verdict === 'backup-first' && ops[0]!.path === 'sys/audit/file';
  } catch {
    reads = false;
  }
  table(
    'install: the packed package into an empty project, `npm install --ignore-scripts --prefer-offline` (median of 3)',
    [
      [
        'install time',
        `${(ms / 1000).toFixed(1)} s`,
        `<= ${TARGET_MS / 1000} s, no compiler (was 29-31 s building tree-sitter)`,
        ok(ms <= TARGET_MS),
      ],
      [
        '.tf reader after it: classify --git-range, an audit device removed',
        reads ? 'backup-first sys/audit/file' : `failed: ${(r.stderr || r.stdout).trim().split('\n')[0] ?? ''}`,
        'backup-first',
        ok(reads),
      ],
    ],
  );
}
