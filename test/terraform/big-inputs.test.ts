import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { GitDir } from '../helpers/gitdir.js';
import { plan, type RC } from '../helpers/plan.js';

/** Issue 12: big inputs give a result or one clear exit 2, never a stack overflow (exit 3). */
describe('big Terraform inputs', () => {
  it('a plan with 150,000 resource changes is classified', async () => {
    const repo = new GitDir();
    const changes: RC[] = Array.from({ length: 150_000 }, (_, i) => ({
      type: 'vault_policy',
      name: `p${i}`,
      actions: ['create'],
      before: null,
      after: { name: `p${i}`, policy: '' },
    }));
    writeFileSync(path.join(repo.dir, 'plan.json'), JSON.stringify(plan(changes)));
    const r = await runCli(['classify', '--plan', 'plan.json'], { cwd: repo.dir });
    expect(r.stderr).not.toMatch(/call stack|unexpected/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\n150000 excluded\n$/);
  }, 60_000);

  it('a .tf of 200,000 resources is refused in one sentence (exit 2), not parsed for minutes', async () => {
    const repo = new GitDir();
    repo.commit({ 'main.tf': '' });
    const hcl = Array.from(
      { length: 200_000 },
      (_, i) => `resource "vault_mount" "m${i}" {\n  path = "p${i}"\n  type = "kv"\n}\n`,
    ).join('');
    repo.commit({ 'main.tf': hcl });
    const r = await runCli(['classify', '--git-range', 'HEAD~1..HEAD'], { cwd: repo.dir });
    expect([r.code, r.stderr]).toEqual([2, '']);
    expect(r.stdout).toMatch(/main\.tf is 13\.\d MB, more than the 4\.0 MB the gate reads from one file/);
  }, 120_000);
});
