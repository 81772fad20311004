import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDoc } from '../helpers/docs.js';
import { GitDir } from '../helpers/gitdir.js';
import { packTarball } from '../helpers/packed.js';
import { repoRoot } from '../helpers/shared.js';
import { tempDir } from '../helpers/tmp.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// npm pack + npm install of the real tarball, then real pushes through the installed hook.
const TIMEOUT = 240_000;

/** The README's first Quick start recipe: the lines of the sh block after its title, comments included. */
function hookRecipe(): string[] {
  const readme = readDoc('README.md');
  const at = readme.indexOf("**A Terraform repository's pre-push hook.**");
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at))?.[1] ?? '';
  return block.trimEnd().split('\n');
}

describe("the README's Quick start, from the packed tarball, in a new repository", () => {
  it('stops a push that needs a backup, then lets it go once a (demo) snapshot is there', { timeout: TIMEOUT }, () => {
    const recipe = hookRecipe();
    expect(recipe.filter((l) => l.startsWith('git push'))).toHaveLength(2);
    const base = tempDir('quick-start-');
    const home = path.join(base, 'home');
    mkdirSync(home);
    // Another HOME, so that ~/vault-snapshots is the test's own; npm keeps its real cache (offline installs).
    const cache = execFileSync(npm, ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
    const remote = new GitDir(path.join(base, 'remote.git'), { bare: true });
    const repo = new GitDir(path.join(base, 'infra'));
    repo.git('remote', 'add', 'origin', remote.dir);
    repo.git('config', 'push.default', 'current');
    const env = { ...repo.env, HOME: home, npm_config_cache: cache, NO_COLOR: '1' };

    // Install: the packed tarball, as the README's Install section says (scripts skipped: nothing to compile).
    const tarball = packTarball(repoRoot);
    const install = ['i', '-D', tarball, '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'];
    const installed = spawnSync(npm, install, { cwd: repo.dir, env, encoding: 'utf8' });
    expect(installed.status, installed.stderr).toBe(0);
    repo.commit({ '.gitignore': 'node_modules/\n' }, 'base');
    repo.commit({ 'vault.tf': 'resource "vault_mount" "kv" {\n  path = "kv"\n  type = "kv-v2"\n}\n' }, 'kv mount');

    // Each line of the recipe, as written; without a Vault, the snapshot is a demo one, made by the CLI.
    const results = recipe.map((line) => {
      const run = line.startsWith('vault operator raft snapshot save')
        ? 'npx --no-install vault-change-gate snapshot demo ~/vault-snapshots'
        : line;
      const r = spawnSync('bash', ['-c', run], { cwd: repo.dir, env, encoding: 'utf8' });
      return { line, code: r.status, out: r.stdout + r.stderr };
    });
    const [first, second] = results.filter((r) => r.line.startsWith('git push'));
    for (const r of results.filter((x) => !x.line.startsWith('git push')))
      expect(r.code, `${r.line}\n${r.out}`).toBe(0);

    expect(first?.code, first?.out).not.toBe(0);
    expect(first?.out).toMatch(/NO-GO/);
    expect(first?.out).toMatch(/vault_mount\.kv: create .*vault\.tf:1/);
    // The folder it says to save into is the one the config names, and the second push reads.
    expect(first?.out).toContain(`mkdir -m 700 -p ${path.join(home, 'vault-snapshots')} && vault operator raft`);
    expect(readdirSync(path.join(home, 'vault-snapshots')).filter((f) => f.endsWith('.snap'))).toHaveLength(1);
    expect(second?.code, second?.out).toBe(0);
    expect(second?.out).toMatch(/GO: 1 Vault change covered by .*vault-demo-\d{8}T\d{6}Z\.snap/);
    expect(existsSync(path.join(remote.dir, 'refs', 'heads', 'main'))).toBe(true);
  });
});
