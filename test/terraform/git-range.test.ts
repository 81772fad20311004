import { describe, expect, it } from 'vitest';
import { classifyGitRange } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { GitDir } from '../helpers/gitdir.js';

const mount = (name: string, p: string, extra = '') =>
  `resource "vault_mount" "${name}" {\n  path = "${p}"\n  type = "kv"\n${extra}}\n`;
const summary = async (repo: GitDir, range = 'HEAD~1..HEAD') =>
  (await classifyGitRange(repo.dir, ...(range.split('..') as [string, string]))).map(
    (c) => `${c.input} ${c.verdict}${c.file ? ` ${c.file}:${c.line}` : ''}`,
  );

describe('classify --git-range: the net change of .tf files', () => {
  it('an added, edited and removed block are a create, an update and a delete, with file:line', async () => {
    const repo = new GitDir();
    repo.commit({
      'main.tf': mount('a', 'a') + mount('b', 'b'),
      'policy.tf': 'resource "vault_policy" "ops" {\n  name = "ops"\n  policy = "x"\n}\n',
    });
    repo.commit({ 'main.tf': mount('a', 'a', '  description = "edited"\n') + mount('c', 'c'), 'policy.tf': null });
    expect(await summary(repo)).toEqual([
      'vault_mount.a: update backup-first main.tf:1',
      'vault_mount.c: create backup-first main.tf:6',
      'vault_mount.b: delete backup-first main.tf:5',
      'vault_policy.ops: delete excluded policy.tf:1',
    ]);
  });

  it('a block moved to another file, a renamed file and reformatting are no change', async () => {
    const repo = new GitDir();
    repo.commit({ 'main.tf': mount('a', 'a') + mount('b', 'b') });
    repo.commit({
      'main.tf': mount('a', 'a'),
      'mounts.tf': `# moved here\n${mount('b', 'b').replace('path', 'path  ')}`,
    });
    expect(await summary(repo)).toEqual([]);
    repo.commit({ 'main.tf': null, 'all-mounts.tf': mount('a', 'a') });
    expect(await summary(repo)).toEqual([]);
  });

  it('moved blocks rename without a change; removed with destroy = false forgets; import is an update', async () => {
    const repo = new GitDir();
    repo.commit({ 'main.tf': mount('old', 'kv') + mount('gone', 'gone') });
    repo.commit({
      'main.tf': `${mount('new', 'kv')}moved {\n  from = vault_mount.old\n  to   = vault_mount.new\n}\nremoved {\n  from = vault_mount.gone\n  lifecycle {\n    destroy = false\n  }\n}\nimport {\n  to = vault_mount.adopted\n  id = "adopted"\n}\n${mount('adopted', 'adopted')}`,
    });
    expect(await summary(repo)).toEqual([
      'vault_mount.adopted: update (imported, then brought in line with its configuration) backup-first main.tf:19',
      'vault_mount.gone: removed from state (destroy = false) not-sys main.tf:9',
    ]);
  });

  it('for_each and count blocks are every instance; unknown paths fall back on the type', async () => {
    const repo = new GitDir();
    repo.commit({ 'main.tf': '' });
    repo.commit({
      'main.tf':
        'resource "vault_mount" "teams" {\n  for_each = toset(var.teams)\n  path = "team-${each.key}"\n  type = "kv"\n}\nresource "vault_generic_endpoint" "x" {\n  path = local.p\n  data_json = "{}"\n}\n',
    });
    const out = await classifyGitRange(repo.dir, 'HEAD~1', 'HEAD');
    expect(out.map((c) => [c.address, c.verdict, c.path])).toEqual([
      ['vault_mount.teams[*]', 'backup-first', 'sys/mounts/team-$each.key'],
      ['vault_generic_endpoint.x', 'backup-first', null],
    ]);
  });

  it('a .tf file that does not parse is invalid, with the file and line named', async () => {
    const repo = new GitDir();
    repo.commit({ 'main.tf': mount('a', 'a') });
    repo.commit({ 'main.tf': 'resource "vault_mount" "a" {\n  path = \n}\n' });
    const [c] = await classifyGitRange(repo.dir, 'HEAD~1', 'HEAD');
    expect([c?.verdict, c?.file, c?.line]).toEqual(['invalid', 'main.tf', 2]);
    expect(c?.reason).toMatch(/main\.tf does not parse/);
  });

  it('reads .tf.json, file names with spaces and non-ASCII characters, and resources in sub-folders', async () => {
    const repo = new GitDir();
    repo.commit({ 'x.tf': '' });
    repo.commit({
      'dir with space/é mounts.tf.json': JSON.stringify(
        { resource: { vault_auth_backend: { oidc: { type: 'oidc' } } } },
        null,
        2,
      ),
    });
    expect(await summary(repo)).toEqual([
      'vault_auth_backend.oidc: create backup-first dir with space/é mounts.tf.json:4',
    ]);
  });

  it('a changed call of a local module brings in the Vault resources of that module', async () => {
    const repo = new GitDir();
    repo.commit({
      'modules/vault/main.tf': mount('m', 'team') + 'resource "vault_policy" "p" {\n  name = "p"\n  policy = ""\n}\n',
      'main.tf': 'module "vault" {\n  source = "./modules/vault"\n  team = "a"\n}\n',
    });
    repo.commit({ 'main.tf': 'module "vault" {\n  source = "./modules/vault"\n  team = "b"\n}\n' });
    expect(await summary(repo)).toEqual([
      'module.vault.vault_mount.m: update (the call of module.vault changed) backup-first modules/vault/main.tf:1',
      'module.vault.vault_policy.p: update (the call of module.vault changed) excluded modules/vault/main.tf:5',
    ]);
  });

  it('Vault upgrades made in Terraform: Helm chart version, server.image.tag, values files, watched files', async () => {
    const helm = (version: string, tag: string) =>
      `resource "helm_release" "vault" {\n  name = "vault"\n  repository = "https://helm.releases.hashicorp.com"\n  chart = "vault"\n  version = "${version}"\n  set {\n    name  = "server.image.tag"\n    value = "${tag}"\n  }\n}\n`;
    const repo = new GitDir();
    repo.commit({
      'vault.tf': helm('0.28.0', '1.16.2'),
      'values/vault.yaml': 'server:\n  image:\n    repository: hashicorp/vault\n    tag: "1.16.2"\n',
      'env.tfvars': 'vault_version = "1.16.2"\n',
    });
    repo.commit({ 'vault.tf': helm('0.29.0', '1.17.0') });
    expect(
      (await classifyGitRange(repo.dir, 'HEAD~1', 'HEAD')).map((c) => [c.input, c.category, c.from, c.to]),
    ).toEqual([['helm_release.vault: server.image.tag 1.16.2 -> 1.17.0', 'upgrade', '1.16.2', '1.17.0']]);
    repo.commit({ 'values/vault.yaml': 'server:\n  image:\n    repository: hashicorp/vault\n    tag: "1.15.0"\n' });
    expect((await classifyGitRange(repo.dir, 'HEAD~1', 'HEAD')).map((c) => [c.category, c.file, c.line])).toEqual([
      ['downgrade', 'values/vault.yaml', 4],
    ]);
    repo.commit({ 'env.tfvars': 'vault_version = "1.18.1"\n' });
    const watched = await classifyGitRange(repo.dir, 'HEAD~1', 'HEAD', {
      upgradeWatch: [{ files: '**/*.tfvars', pattern: 'vault_version\\s*=\\s*"([^"]+)"' }],
    });
    expect(watched.map((c) => [c.input, c.category])).toEqual([['env.tfvars: 1.16.2 -> 1.18.1', 'upgrade']]);
  });

  it('the CLI: classify --git-range, and bad ranges are usage errors', async () => {
    const repo = new GitDir();
    repo.commit({ 'main.tf': '' });
    repo.commit({ 'main.tf': mount('a', 'a') });
    const r = await runCli(['classify', '--json', '--git-range', 'HEAD~1..HEAD'], { cwd: repo.dir });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { address: string }[])[0]?.address).toBe('vault_mount.a');
    expect((await runCli(['classify', '--git-range', 'nope..HEAD'], { cwd: repo.dir })).stderr).toMatch(
      /revision "nope" does not exist/,
    );
    expect((await runCli(['classify', '--git-range', 'HEAD'], { cwd: repo.dir })).code).toBe(2);
  });
});
