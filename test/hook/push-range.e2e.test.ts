import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/shared.js';
import { GitDir } from '../helpers/gitdir.js';
import { freshSnapshot, mount, secret, setup, type Setup } from './setup.js';
import { tempDir } from '../helpers/tmp.js';

/** main (with a mount) on the remote, pushed while a snapshot was there; the snapshot gone afterwards. */
async function withMain(): Promise<Setup> {
  const s = await setup();
  freshSnapshot(s);
  s.work.commit({ 'main.tf': mount('kv') });
  expect(s.push('origin', 'main').code).toBe(0);
  rmSync(path.join(s.backups, 'vault.snap'));
  return s;
}

/** A branch with a new mount, already on the remote under its own name: pushed past the hook. */
function featureOnRemote(s: Setup): string {
  s.work.git('checkout', '-q', '-b', 'feature');
  const oid = s.work.commit({ 'app.tf': mount('app') });
  expect(s.push('--no-verify', 'origin', 'feature').code).toBe(0);
  s.work.git('checkout', '-q', 'main');
  return oid;
}

/** Another clone of the same remote, to move it on behind our back. */
function otherClone(s: Setup): GitDir {
  const other = new GitDir(path.join(path.dirname(s.remote.dir), `other-${Math.random().toString(36).slice(2)}`));
  other.git('remote', 'add', 'origin', s.remote.dir);
  other.git('fetch', '-q', 'origin');
  other.git('reset', '-q', '--hard', 'origin/main');
  return other;
}

describe('the hook judges every commit new to the target ref (real pushes to a bare remote)', () => {
  it('feature:main, with feature already on the remote (pushed with --no-verify): checked', async () => {
    const s = await withMain();
    featureOnRemote(s);
    const r = s.push('origin', 'feature:main');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/vault_mount\.app: create .*app\.tf:1/);
    expect(r.stderr).not.toMatch(/vault_mount\.kv/);
    expect(s.remoteHas('feature')).toBe(true);
    // The other direction: main's own commits pushed to a branch that already has them are nothing new.
    expect(s.push('origin', 'main:feature', '--force').code).not.toBe(0); // deletes vault_mount.app there
  });

  it('feature:refs/heads/prod, a new ref: what is not on the default branch is checked, however it got to the remote', async () => {
    const s = await withMain();
    featureOnRemote(s);
    const r = s.push('origin', 'feature:refs/heads/prod');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/vault_mount\.app: create/);
    expect(r.stderr).not.toMatch(/vault_mount\.kv/);
    expect(s.remoteHas('prod')).toBe(false);
    // Both directions: a new ref on a commit the default branch has goes; so does one adding only a secret.
    expect(s.push('origin', 'main:refs/heads/release').code).toBe(0);
    s.work.git('checkout', '-q', '-b', 'secrets', 'main');
    s.work.commit({ 'secret.tf': secret('app') });
    expect(s.push('origin', 'secrets:refs/heads/prod2').code).toBe(0);
  });

  it('the same with refs/remotes/origin/HEAD known locally (no round trip), and with a tag', async () => {
    const s = await withMain();
    s.work.git('remote', 'set-head', 'origin', 'main');
    featureOnRemote(s);
    expect(s.push('origin', 'feature:refs/heads/prod').stderr).toMatch(/vault_mount\.app: create/);
    s.work.git('tag', 'v-app', 'feature');
    const tag = s.push('origin', 'v-app');
    expect(tag.code).not.toBe(0);
    expect(tag.stderr).toMatch(/vault_mount\.app: create/);
  });

  it('a branch merged from main: only what main does not have is judged (compared with the common ancestor)', async () => {
    const s = await withMain();
    s.work.git('checkout', '-q', '-b', 'topic');
    s.work.commit({ 'topic.tf': secret('topic') });
    s.work.git('checkout', '-q', 'main');
    freshSnapshot(s);
    s.work.commit({ 'late.tf': mount('late') });
    expect(s.push('origin', 'main').code).toBe(0);
    rmSync(path.join(s.backups, 'vault.snap'));
    s.work.git('checkout', '-q', 'topic');
    s.work.git('merge', '-q', '--no-edit', 'main');
    expect(s.push('origin', 'topic').code).toBe(0);
  });

  it('pushing to a URL, not a named remote: the same rule, asked of that URL', async () => {
    const s = await withMain();
    featureOnRemote(s);
    const r = s.push(s.remote.dir, 'feature:refs/heads/prod');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/vault_mount\.app: create/);
    expect(r.stderr).not.toMatch(/vault_mount\.kv/);
  });

  it("another remote's branches never count: a branch on backup is still new to origin", async () => {
    const s = await withMain();
    const backup = new GitDir(path.join(path.dirname(s.remote.dir), 'backup.git'), { bare: true });
    s.work.git('remote', 'add', 'backup', backup.dir);
    s.work.git('checkout', '-q', '-b', 'feature');
    s.work.commit({ 'app.tf': mount('app') });
    expect(s.push('--no-verify', 'backup', 'feature').code).toBe(0);
    const r = s.push('origin', 'feature');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/vault_mount\.app: create/);
  });

  it("a remote that pushes elsewhere (pushurl, pushInsteadOf): its tracking refs are the fetch URL's, not counted", async () => {
    for (const how of ['pushurl', 'pushInsteadOf'] as const) {
      const s = await withMain();
      // origin's main moves on with a mount (pushed past the hook); origin/HEAD knows it.
      s.work.commit({ 'app.tf': mount('app') });
      expect(s.push('--no-verify', 'origin', 'main').code).toBe(0);
      s.work.git('remote', 'set-head', 'origin', 'main');
      // Then pushes to origin go to another repository, which has none of it.
      const prod = new GitDir(path.join(path.dirname(s.remote.dir), 'prod.git'), { bare: true });
      if (how === 'pushurl') s.work.git('config', 'remote.origin.pushurl', prod.dir);
      else s.work.git('config', `url.${prod.dir}.pushInsteadOf`, s.remote.dir);
      s.work.git('checkout', '-q', '-b', 'release');
      s.work.commit({ 'notes.md': 'release notes\n' });
      const r = s.push('origin', 'release');
      expect(r.code, how).not.toBe(0);
      expect(r.stderr).toMatch(/vault_mount\.app: create/);
      expect(r.stderr).toMatch(/vault_mount\.kv: create/);
      expect(spawnSync('git', ['rev-parse', '--verify', '--quiet', 'release'], { cwd: prod.dir }).status).not.toBe(0);
    }
  });

  it('a force push over a remote commit not fetched here: fetched, and what the push removes is judged', async () => {
    const s = await withMain();
    const other = otherClone(s);
    other.commit({ 'theirs.tf': mount('theirs') });
    other.git('push', '-q', '--no-verify', 'origin', 'main');
    s.work.commit({ 'ours.tf': secret('ours') });
    const r = s.push('--force', 'origin', 'main');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/vault_mount\.theirs: delete/);
    expect(r.stderr).toMatch(/origin's refs\/heads\/main was at [0-9a-f]{12}, fetched to compare/);
    expect(r.stderr).not.toMatch(/vault_mount\.kv/);
  });

  it('an old value that cannot be fetched: the whole history is judged, and the hook says why', async () => {
    const s = await withMain();
    s.work.commit({ 'ours.tf': secret('ours') });
    const head = s.work.git('rev-parse', 'HEAD').trim();
    const ghost = 'f'.repeat(40);
    const r = await runCli(['hook', 'pre-push', 'origin', s.remote.dir], {
      cwd: s.work.dir,
      stdin: `refs/heads/main ${head} refs/heads/main ${ghost}\n`,
    });
    expect(r.code).toBe(1);
    const why =
      /which is not in this repository and could not be fetched \(.+\): the whole history of [0-9a-f]{12} is judged/;
    expect(r.stderr).toMatch(/origin's refs\/heads\/main is at ffffffffffff, /);
    expect(r.stderr).toMatch(why);
    expect(r.stderr).toMatch(/vault_mount\.kv: create/);
  });

  it('a remote that cannot be asked, no tracking refs: a new ref is judged on its whole history', async () => {
    const s = await withMain();
    s.work.git('checkout', '-q', '-b', 'feature');
    const head = s.work.commit({ 'ours.tf': secret('ours') });
    const gone = path.join(path.dirname(s.remote.dir), 'gone.git');
    const stdin = `refs/heads/feature ${head} refs/heads/feature ${'0'.repeat(40)}\n`;
    const r = await runCli(['hook', 'pre-push', gone, gone], { cwd: s.work.dir, stdin });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /refs\/heads\/feature is new and the remote cannot be asked \(.+\): the whole history is judged/,
    );
    expect(r.stderr).toMatch(/vault_mount\.kv: create/);
  });

  it('a remote with no default branch: the branches it already has count (that remote only)', async () => {
    const s = await setup();
    s.work.git('checkout', '-q', '-b', 'feature');
    s.work.commit({ 'app.tf': mount('app') });
    expect(s.push('--no-verify', 'origin', 'feature').code).toBe(0);
    const r = s.push('origin', 'feature:refs/heads/prod');
    expect(r.code, r.stderr).toBe(0);
    s.work.commit({ 'more.tf': mount('more') });
    const more = s.push('origin', 'feature:refs/heads/prod2');
    expect(more.code).not.toBe(0);
    expect(more.stderr).toMatch(
      /refs\/heads\/prod2 is new and the remote has no default branch: compared with the branches it has/,
    );
    expect(more.stderr).toMatch(/vault_mount\.more: create/);
    expect(more.stderr).not.toMatch(/vault_mount\.app/);
  });

  it('an unrelated history pushed as a new ref is judged whole; a detached commit pushed by id too', async () => {
    const s = await withMain();
    s.work.git('checkout', '-q', '--orphan', 'island');
    s.work.git('rm', '-q', '-rf', '--cached', '.');
    s.work.commit({ 'island.tf': mount('island') });
    const r = s.push('origin', 'island');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/vault_mount\.island: create/);
    s.work.git('checkout', '-q', '--detach', 'main');
    const oid = s.work.commit({ 'detached.tf': mount('detached') });
    const d = s.push('origin', `${oid}:refs/heads/detached`);
    expect(d.code).not.toBe(0);
    expect(d.stderr).toMatch(/vault_mount\.detached: create/);
  });

  it('a lying refs/remotes/origin/HEAD (pointing at a blob) is not trusted', async () => {
    const s = await withMain();
    featureOnRemote(s);
    const blob = s.work.git('hash-object', '-w', 'main.tf').trim();
    s.work.git('update-ref', 'refs/remotes/origin/HEAD', blob);
    const r = s.push('origin', 'feature:refs/heads/prod');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/vault_mount\.app: create/);
  });
});

describe('what the hook says about the remote', () => {
  it('never shows credentials or a query string of the URL pushed to', async () => {
    const s = await withMain();
    const head = s.work.commit({ 'ours.tf': secret('ours') });
    for (const url of ['https://user:s3cret@127.0.0.1:9/x.git', 'https://127.0.0.1:9/x.git?token=s3cret']) {
      for (const old of ['f'.repeat(40), '0'.repeat(40)]) {
        const stdin = `refs/heads/main ${head} refs/heads/main ${old}\n`;
        const r = await runCli(['hook', 'pre-push', url, url], { cwd: s.work.dir, stdin });
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/could not be fetched|cannot be asked/);
        expect(r.stderr).not.toContain('s3cret');
      }
    }
  });
});

describe('PRE_COMMIT_FROM_REF / PRE_COMMIT_TO_REF are read only under pre-commit', () => {
  it('a stray PRE_COMMIT_TO_REF in the environment of a real push is ignored', async () => {
    const s = await withMain();
    const innocuous = s.work.commit({ 'a.tf': secret('a') });
    s.work.commit({ 'b.tf': mount('b') });
    const env = { ...s.work.env, NO_COLOR: '1', PRE_COMMIT_FROM_REF: innocuous, PRE_COMMIT_TO_REF: innocuous };
    const r = spawnSync('git', ['push', '-q', 'origin', 'main'], { cwd: s.work.dir, env, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/vault_mount\.b: create/);
  });

  it('under pre-commit: nothing saying what is pushed is a usage error; the local branch alone is judged whole', async () => {
    const repo = new GitDir();
    repo.write({ 'vault-change-gate.config.json': '{}' });
    repo.commit({ 'a.tf': mount('a') });
    repo.commit({ 'b.tf': secret('b') });
    const none = await runCli(['hook', 'pre-push'], { cwd: repo.dir, env: { PRE_COMMIT: '1' } });
    expect(none.code).toBe(2);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    const env = { PRE_COMMIT: '1', PRE_COMMIT_LOCAL_BRANCH: 'refs/heads/main' };
    const whole = await runCli(['hook', 'pre-push'], { cwd: repo.dir, env });
    expect(whole.code).toBe(1);
    expect(whole.stderr).toMatch(/vault_mount\.a: create/);
  });
});

describe('the hook start-up', () => {
  it('an update of a branch pushed before runs one diff, one ls-tree per side, one cat-file --batch (and one config)', async () => {
    const s = await withMain();
    s.work.commit({ 'app.tf': secret('app') });
    const bin = tempDir('gitlog-');
    const log = path.join(bin, 'log');
    const real = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(path.join(bin, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`);
    chmodSync(path.join(bin, 'git'), 0o755);
    const [head, old] = [s.work.git('rev-parse', 'HEAD').trim(), s.work.git('rev-parse', 'origin/main').trim()];
    const cli = path.join(repoRoot, 'bin/vault-change-gate.js');
    const r = spawnSync(process.execPath, [cli, 'hook', 'pre-push', 'origin', s.remote.dir], {
      cwd: s.work.dir,
      env: { ...s.work.env, PATH: `${bin}:${process.env.PATH}` },
      input: `refs/heads/main ${head} refs/heads/main ${old}\n`,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const runs = readFileSync(log, 'utf8').trim().split('\n');
    // diff and the two ls-tree (the configuration before and after) run side by side: their order varies.
    expect(runs.map((l) => l.split(' ')[0]).sort()).toEqual(['cat-file', 'config', 'diff', 'ls-tree', 'ls-tree']);
  });
});
