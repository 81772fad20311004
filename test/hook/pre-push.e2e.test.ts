import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { GitDir } from '../helpers/gitdir.js';
import { freshSnapshot, mount, secret, setup } from './setup.js';
import { tempDir } from '../helpers/tmp.js';

describe('the pre-push hook, with real pushes to a bare remote', () => {
  it('first push of a Vault mount without a snapshot: stopped, naming the resource, why, and what to do', async () => {
    const s = await setup();
    s.work.commit({ 'main.tf': mount('kv') });
    const r = s.push('origin', 'main');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/NO-GO/);
    expect(r.stderr).toMatch(/vault_mount\.kv: create .*main\.tf:1/);
    expect(r.stderr).toMatch(/Take a snapshot now: vault operator raft snapshot save .*backups\/vault-\d+T\d+Z\.snap/);
    expect(r.stderr).toMatch(/VAULT_CHANGE_GATE_OVERRIDE="why" git push/);
    expect(r.stderr).toMatch(/git push --no-verify/);
    expect(s.remoteHas('main')).toBe(false);
  });

  it('the same push with a fresh valid snapshot goes', async () => {
    const s = await setup();
    freshSnapshot(s);
    s.work.commit({ 'main.tf': mount('kv') });
    const r = s.push('origin', 'main');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/GO: 1 Vault change covered by .*vault\.snap/);
    expect(s.remoteHas('main')).toBe(true);
  });

  it('an update that only touches excluded or non-/sys resources goes without a snapshot; a removed resource does not', async () => {
    const s = await setup();
    freshSnapshot(s);
    s.work.commit({ 'main.tf': mount('kv') });
    expect(s.push('origin', 'main').code).toBe(0);
    rmSync(path.join(s.backups, 'vault.snap'));
    s.work.commit({
      'secrets.tf': secret('app'),
      'policy.tf': 'resource "vault_policy" "p" {\n  name = "p"\n  policy = ""\n}\n',
    });
    expect(s.push('origin', 'main').code).toBe(0);
    s.work.commit({ 'main.tf': null });
    const r = s.push('origin', 'main');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/vault_mount\.kv: delete/);
  });

  it('a renamed file with the same blocks is no change', async () => {
    const s = await setup();
    freshSnapshot(s);
    s.work.commit({ 'main.tf': mount('kv') });
    expect(s.push('origin', 'main').code).toBe(0);
    rmSync(path.join(s.backups, 'vault.snap'));
    s.work.git('mv', 'main.tf', 'vault.tf');
    s.work.commit({});
    expect(s.push('origin', 'main').code).toBe(0);
  });

  it('a new branch, a force push, two refs at once, a merge commit', async () => {
    const s = await setup();
    freshSnapshot(s);
    s.work.commit({ 'main.tf': mount('kv') });
    expect(s.push('origin', 'main').code).toBe(0);
    rmSync(path.join(s.backups, 'vault.snap'));
    // new branch with only a secret: goes
    s.work.git('checkout', '-q', '-b', 'feature');
    s.work.commit({ 'app.tf': secret('app') });
    expect(s.push('origin', 'feature').code).toBe(0);
    // force push that rewrites the branch into a mount change: stopped
    s.work.commit({ 'app.tf': mount('app') }, 'amend me');
    s.work.git('reset', '-q', '--soft', 'HEAD~1');
    s.work.git('commit', '-q', '--amend', '-m', 'rewritten');
    const forced = s.push('--force', 'origin', 'feature');
    expect(forced.code).not.toBe(0);
    expect(forced.stderr).toMatch(/vault_mount\.app/);
    // two refs: main unchanged, feature with the mount: stopped
    const two = s.push('origin', 'main', 'feature');
    expect(two.code).not.toBe(0);
    // merge commit on main bringing the mount in: stopped
    s.work.git('checkout', '-q', 'main');
    s.work.commit({ 'other.tf': secret('other') });
    s.work.git('merge', '-q', '--no-ff', '-m', 'merge feature', 'feature');
    const merged = s.push('origin', 'main');
    expect(merged.code).not.toBe(0);
    expect(merged.stderr).toMatch(/vault_mount\.app/);
  });

  it('deleting a branch and pushing tags go', async () => {
    const s = await setup();
    freshSnapshot(s);
    s.work.commit({ 'main.tf': mount('kv') });
    s.work.git('branch', 'old');
    expect(s.push('origin', 'main', 'old').code).toBe(0);
    rmSync(path.join(s.backups, 'vault.snap'));
    expect(s.push('origin', ':old').code).toBe(0);
    s.work.git('tag', 'v1');
    expect(s.push('origin', '--tags').code).toBe(0);
    expect(s.push('origin', '--tags').code).toBe(0); // nothing new: empty input
  });

  it('when the remote moved on and its commit is unknown here, the new local commits are still checked', async () => {
    const s = await setup();
    freshSnapshot(s);
    s.work.commit({ 'main.tf': mount('kv') });
    expect(s.push('origin', 'main').code).toBe(0);
    const other = new GitDir(path.join(path.dirname(s.remote.dir), 'other'));
    other.git('remote', 'add', 'origin', s.remote.dir);
    other.git('fetch', '-q', 'origin');
    other.git('reset', '-q', '--hard', 'origin/main');
    other.commit({ 'x.tf': secret('x') });
    other.git('push', '-q', '--no-verify', 'origin', 'main');
    rmSync(path.join(s.backups, 'vault.snap'));
    s.work.commit({ 'more.tf': mount('more') });
    const r = s.push('--force', 'origin', 'main');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/vault_mount\.more: create/);
    expect(r.stderr).not.toMatch(/vault_mount\.kv/);
  });

  it('file names with spaces and non-ASCII characters are named as they are', async () => {
    const s = await setup();
    s.work.commit({ 'dir with space/réseau.tf': mount('net') });
    const r = s.push('origin', 'main');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('dir with space/réseau.tf:1');
  });

  it('a shallow clone checks only what it adds', async () => {
    const s = await setup();
    freshSnapshot(s);
    s.work.commit({ 'main.tf': mount('kv') });
    s.work.commit({ 'second.tf': secret('two') });
    expect(s.push('origin', 'main').code).toBe(0);
    rmSync(path.join(s.backups, 'vault.snap'));
    const shallow = path.join(path.dirname(s.remote.dir), 'shallow');
    spawnSync('git', ['clone', '-q', '--depth', '1', `file://${s.remote.dir}`, shallow], { env: s.work.env });
    const clone = new GitDir(shallow);
    writeFileSync(
      path.join(shallow, 'vault-change-gate.config.json'),
      JSON.stringify({ snapshots: { dir: s.backups } }),
    );
    expect((await runCli(['install-hook', '--repo', shallow])).code).toBe(0);
    clone.commit({ 'third.tf': secret('three') });
    const ok = spawnSync('git', ['push', '-q', 'origin', 'main'], { cwd: shallow, env: clone.env, encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    clone.commit({ 'fourth.tf': mount('four') });
    const stopped = spawnSync('git', ['push', '-q', 'origin', 'main'], {
      cwd: shallow,
      env: clone.env,
      encoding: 'utf8',
    });
    expect(stopped.status).not.toBe(0);
    expect(stopped.stderr).toMatch(/vault_mount\.four/);
    expect(stopped.stderr).not.toMatch(/vault_mount\.kv/);
  });

  it('a SHA-256 repository (64-character object names)', async () => {
    const s = await setup({ objectFormat: 'sha256' });
    s.work.commit({ 'main.tf': mount('kv') });
    const r = s.push('origin', 'main');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/vault_mount\.kv: create/);
    freshSnapshot(s);
    expect(s.push('origin', 'main').code).toBe(0);
  });

  it('core.hooksPath is where the hook goes', async () => {
    const s = await setup({ hooksPath: '.githooks' });
    expect(existsSync(path.join(s.work.dir, '.githooks', 'pre-push'))).toBe(true);
    s.work.commit({ 'main.tf': mount('kv') });
    expect(s.push('origin', 'main').code).not.toBe(0);
  });

  it('no config file: a change that needs a backup is a no-go that says how to configure; others go', async () => {
    const s = await setup({ config: false });
    s.work.commit({ 'app.tf': secret('app') });
    expect(s.push('origin', 'main').code).toBe(0);
    s.work.commit({ 'main.tf': mount('kv') });
    const r = s.push('origin', 'main');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/no vault-change-gate\.config\.json at its root/);
    expect(r.stderr).toMatch(/"snapshots": \{ "dir"/);
  });

  it('--no-verify skips the hook; an override goes and is recorded', async () => {
    const s = await setup();
    s.work.commit({ 'main.tf': mount('kv') });
    const over = spawnSync('git', ['push', '-q', 'origin', 'main'], {
      cwd: s.work.dir,
      env: { ...s.work.env, VAULT_CHANGE_GATE_OVERRIDE: 'CHG-7 snapshot by hand' },
      encoding: 'utf8',
    });
    expect(over.status, over.stderr).toBe(0);
    expect(over.stderr).toMatch(/GO \(OVERRIDDEN\)/);
    const log = readFileSync(path.join(s.work.dir, 'decisions.jsonl'), 'utf8');
    expect(JSON.parse(log.trim()).overridden.reason).toBe('CHG-7 snapshot by hand');
    s.work.commit({ 'more.tf': mount('more') });
    expect(s.push('--no-verify', 'origin', 'main').code).toBe(0);
  });
});

describe('install-hook and uninstall-hook', () => {
  it('refuses a foreign hook without --force; with it, runs the old one first; uninstall puts it back', async () => {
    const repo = new GitDir();
    const hook = path.join(repo.dir, '.git', 'hooks', 'pre-push');
    const marker = path.join(repo.dir, 'old-hook-ran');
    writeFileSync(hook, `#!/bin/sh\ncat > /dev/null\ntouch '${marker}'\n`);
    chmodSync(hook, 0o755);
    const refused = await runCli(['install-hook', '--repo', repo.dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/already exists and was not written by vault-change-gate; run with --force/);
    expect((await runCli(['install-hook', '--repo', repo.dir, '--force'])).stdout).toMatch(
      /the hook that was there runs first/,
    );
    expect(readFileSync(hook, 'utf8')).toContain(process.execPath);
    const remote = new GitDir(undefined, { bare: true });
    repo.git('remote', 'add', 'origin', remote.dir);
    repo.commit({ 'a.tf': secret('a') });
    const r = spawnSync('git', ['push', '-q', 'origin', 'main'], { cwd: repo.dir, env: repo.env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(marker)).toBe(true);
    expect((await runCli(['uninstall-hook', '--repo', repo.dir])).stdout).toMatch(/put back/);
    expect(readFileSync(hook, 'utf8')).toContain('old-hook-ran');
    expect((await runCli(['uninstall-hook', '--repo', repo.dir])).code).toBe(2);
  });

  it('reinstalling our own hook is fine; outside a repository is a usage error', async () => {
    const repo = new GitDir();
    expect((await runCli(['install-hook', '--repo', repo.dir])).code).toBe(0);
    expect((await runCli(['install-hook', '--repo', repo.dir])).code).toBe(0);
    expect((await runCli(['install-hook', '--repo', tmpdir()])).stderr).toMatch(/not inside a git repository/);
  });
});

describe('hook managers', () => {
  it('pre-commit: the range comes from PRE_COMMIT_FROM_REF / PRE_COMMIT_TO_REF', async () => {
    const repo = new GitDir();
    repo.write({ 'vault-change-gate.config.json': '{}' });
    const from = repo.commit({ 'a.tf': secret('a') });
    const to = repo.commit({ 'b.tf': mount('b') });
    const env = { PRE_COMMIT: '1', PRE_COMMIT_FROM_REF: from, PRE_COMMIT_TO_REF: to };
    const r = await runCli(['hook', 'pre-push', 'origin', 'url'], { cwd: repo.dir, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/vault_mount\.b: create/);
    expect(r.stderr).not.toMatch(/vault_kv_secret_v2/);
  });

  it('the shipped hooks/pre-push shim finds the CLI on PATH and passes the push input through', async () => {
    const bin = tempDir('bin-');
    symlinkSync(path.join(__dirname, '../../bin/vault-change-gate.js'), path.join(bin, 'vault-change-gate'));
    const repo = new GitDir();
    repo.commit({ 'a.tf': mount('a') });
    const shim = path.join(__dirname, '../../hooks/pre-push');
    const env = { ...repo.env, PATH: `${bin}:${process.env.PATH}` };
    expect(spawnSync(shim, ['origin', 'url'], { cwd: repo.dir, env, input: '', encoding: 'utf8' }).status).toBe(0);
    const head = repo.git('rev-parse', 'HEAD').trim();
    const r = spawnSync(shim, ['origin', 'url'], {
      cwd: repo.dir,
      env,
      input: `refs/heads/main ${head} refs/heads/main ${'0'.repeat(40)}\n`,
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/vault_mount\.a: create/);
  });

  it('bad push input is a usage error (exit 2) in one line', async () => {
    const repo = new GitDir();
    const r = await runCli(['hook', 'pre-push', 'origin'], { cwd: repo.dir, stdin: 'garbage line\n' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
