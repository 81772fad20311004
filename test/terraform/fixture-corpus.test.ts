import { cpSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyGitRange } from '../../src/index.js';
import type { Verdict } from '../../src/classify/schema.js';
import { GitDir } from '../helpers/gitdir.js';
import { repoRoot } from '../helpers/shared.js';

/**
 * The fixture corpus: small multi-folder Terraform repositories, each a series of steps: the files a step adds or
 * changes (its folder) and the files it removes (`remove` in steps.json). Each step becomes a commit of a real
 * history (git finds the renames itself); the most demanding verdict of the step's range is the expected one, or
 * `none` when the range has no Vault operation.
 */
const corpus = path.join(repoRoot, 'test/fixtures/terraform-repos');
const ORDER: (Verdict | 'none')[] = ['none', 'not-sys', 'read-only', 'excluded', 'backup-first', 'invalid'];

interface Step {
  step: string;
  expect: Verdict | 'none';
  why: string;
  remove?: string[];
}

function applyStep(repo: GitDir, from: string, remove: readonly string[]): void {
  for (const file of remove) rmSync(path.join(repo.dir, file));
  cpSync(from, repo.dir, { recursive: true, filter: (src) => path.basename(src) !== '.step' });
}

for (const name of readdirSync(corpus).sort()) {
  describe(`fixture repository ${name}`, () => {
    const steps = JSON.parse(readFileSync(path.join(corpus, name, 'steps.json'), 'utf8')) as Step[];
    it(`${steps.length} ranges, each with its expected verdict`, async () => {
      const repo = new GitDir();
      repo.commit({}, 'empty');
      const got: string[] = [];
      for (const s of steps) {
        applyStep(repo, path.join(corpus, name, s.step), s.remove ?? []);
        repo.git('add', '-A');
        repo.git('commit', '-q', '--allow-empty', '-m', s.step);
        const ops = await classifyGitRange(repo.dir, 'HEAD~1', 'HEAD');
        const worst = ops.reduce<Verdict | 'none'>(
          (w, o) => (ORDER.indexOf(o.verdict) > ORDER.indexOf(w) ? o.verdict : w),
          'none',
        );
        got.push(
          `${s.step}: ${worst}${worst === s.expect ? '' : ` (expected ${s.expect}: ${s.why}; ${ops.map((o) => `${o.input} ${o.verdict}`).join(' | ')})`}`,
        );
      }
      expect(got).toEqual(steps.map((s) => `${s.step}: ${s.expect}`));
    });
  });
}
