import { symlinkSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyGitRange } from '../../src/index.js';
import { GitDir } from '../helpers/gitdir.js';

const audit = (name = 'file', p = 'file') =>
  `resource "vault_audit" "${name}" {\n  type = "file"\n  path = "${p}"\n  options = { file_path = "/var/log/vault.log" }\n}\n`;
const mount = (name: string, p: string) => `resource "vault_mount" "${name}" {\n  path = ${p}\n  type = "kv"\n}\n`;

/** `input verdict` of every operation of the last commit (or a range). */
async function ops(repo: GitDir, range = 'HEAD~1..HEAD'): Promise<string[]> {
  const [b, h] = range.split('..') as [string, string];
  return (await classifyGitRange(repo.dir, b, h)).map((c) => `${c.input} ${c.verdict}${c.path ? ` ${c.path}` : ''}`);
}
const blocks = (list: string[]) => list.some((o) => / (backup-first|invalid)( |$)/.test(o));

function mv(repo: GitDir, from: string, to: string): void {
  repo.git('mv', from, to);
  repo.git('commit', '-q', '-m', `mv ${from} ${to}`);
}

describe('the configuration is decided by file names: renames out of it, into it and across folders', () => {
  for (const suffix of ['.disabled', '.bak', '.orig', '.txt', '~']) {
    it(`git mv audit.tf audit.tf${suffix} destroys the audit device (and back creates it)`, async () => {
      const repo = new GitDir();
      repo.commit({ 'main.tf': mount('kv', '"kv"'), 'audit.tf': audit() });
      mv(repo, 'audit.tf', `audit.tf${suffix}`);
      expect(await ops(repo)).toEqual(['vault_audit.file: delete backup-first sys/audit/file']);
      mv(repo, `audit.tf${suffix}`, 'audit.tf');
      expect(await ops(repo)).toEqual(['vault_audit.file: create backup-first sys/audit/file']);
    });
  }

  it('vault.tf.json renamed to vault.json, and a .tf.json in its array form', async () => {
    const repo = new GitDir();
    const doc = {
      resource: [
        { vault_audit: { file: { type: 'file', path: 'file' } } },
        { vault_mount: [{ kv: { path: 'kv', type: 'kv' } }] },
      ],
    };
    repo.commit({ 'vault.tf.json': JSON.stringify(doc, null, 2) });
    expect(
      await ops(repo, `${repo.git('hash-object', '-t', 'tree', '/dev/null').trim()}..HEAD`).catch(() => []),
    ).toBeDefined();
    mv(repo, 'vault.tf.json', 'vault.json');
    expect(await ops(repo)).toEqual([
      'vault_audit.file: delete backup-first sys/audit/file',
      'vault_mount.kv: delete backup-first sys/mounts/kv',
    ]);
  });

  it('a file moved to another folder (another module) is a delete there and a create here; within a folder, nothing', async () => {
    const repo = new GitDir();
    repo.commit({ 'envs/prod/main.tf': mount('kv', '"kv"'), 'envs/prod/audit.tf': audit() });
    repo.write({ 'envs/archive/.keep': '' });
    mv(repo, 'envs/prod/audit.tf', 'envs/archive/audit.tf');
    expect(await ops(repo)).toEqual([
      'vault_audit.file: create backup-first sys/audit/file',
      'vault_audit.file: delete backup-first sys/audit/file',
    ]);
    mv(repo, 'envs/prod/main.tf', 'envs/prod/mounts.tf');
    expect(await ops(repo)).toEqual([]);
  });

  it('OpenTofu: a .tofu file hides the .tf of the same name; .tofu and .tofu.json are configuration', async () => {
    const repo = new GitDir();
    repo.commit({ 'main.tf': mount('kv', '"kv"') + audit() });
    repo.commit({ 'main.tofu': mount('kv', '"kv"') });
    expect(await ops(repo)).toEqual(['vault_audit.file: delete backup-first sys/audit/file']);
    repo.commit({
      'extra.tofu.json': JSON.stringify({ resource: { vault_auth_backend: { oidc: { type: 'oidc' } } } }),
    });
    expect(await ops(repo)).toEqual(['vault_auth_backend.oidc: create backup-first sys/auth/oidc']);
    repo.commit({ 'main.tofu': null });
    expect(await ops(repo)).toEqual(['vault_audit.file: create backup-first sys/audit/file']);
  });

  it('a symbolic link to a .tf: a change of its target or of the link itself is a change of the configuration', async () => {
    const repo = new GitDir();
    repo.commit({
      'templates/audit.tf.tpl': audit('file', 'file'),
      'templates/audit2.tf.tpl': audit('file', 'other'),
      'prod/main.tf': mount('kv', '"kv"'),
    });
    symlinkSync('../templates/audit.tf.tpl', path.join(repo.dir, 'prod/audit.tf'));
    repo.commit({});
    expect(await ops(repo)).toEqual(['vault_audit.file: create backup-first sys/audit/file']);
    repo.commit({ 'templates/audit.tf.tpl': audit('file', 'file2') });
    expect(await ops(repo)).toEqual(['vault_audit.file: update backup-first sys/audit/file2']);
    unlinkSync(path.join(repo.dir, 'prod/audit.tf'));
    symlinkSync('../templates/audit2.tf.tpl', path.join(repo.dir, 'prod/audit.tf'));
    repo.commit({});
    expect(await ops(repo)).toEqual(['vault_audit.file: update backup-first sys/audit/other']);
    unlinkSync(path.join(repo.dir, 'prod/audit.tf'));
    symlinkSync('/etc/hostname', path.join(repo.dir, 'prod/audit.tf'));
    repo.commit({});
    expect((await ops(repo))[0]).toMatch(/prod\/audit\.tf invalid/);
  });
});

describe('values from elsewhere: locals, variables, tfvars, override files', () => {
  const endpoint = (p: string) => `resource "vault_generic_endpoint" "e" {\n  path = ${p}\n  data_json = "{}"\n}\n`;

  it('a local that names the path: changing the local changes the resource, resolved to the new path', async () => {
    const repo = new GitDir();
    repo.commit({ 'main.tf': endpoint('local.target'), 'locals.tf': 'locals {\n  target = "secret/app"\n}\n' });
    repo.commit({ 'locals.tf': 'locals {\n  base = "sys"\n  target = "${local.base}/mounts/app"\n}\n' });
    expect(await ops(repo)).toEqual(['vault_generic_endpoint.e: update backup-first sys/mounts/app']);
    repo.commit({
      'locals.tf':
        'locals {\n  base = "SECRET"\n  target = format("%s/%s", lower(local.base), join("/", ["a", "b"]))\n}\n',
    });
    expect(await ops(repo)).toEqual(['vault_generic_endpoint.e: update not-sys secret/a/b']);
  });

  it('a variable default, terraform.tfvars, *.auto.tfvars and tfvars.json', async () => {
    const repo = new GitDir();
    repo.commit({
      'main.tf': mount('m', 'var.mount_path'),
      'variables.tf': 'variable "mount_path" {\n  default = "kv"\n}\n',
    });
    repo.commit({ 'variables.tf': 'variable "mount_path" {\n  default = "kv2"\n}\n' });
    expect(await ops(repo)).toEqual(['vault_mount.m: update backup-first sys/remount']);
    repo.commit({ 'terraform.tfvars': 'mount_path = "team-a"\n' });
    expect((await classifyGitRange(repo.dir, 'HEAD~1', 'HEAD')).map((c) => [c.address, c.verdict])).toEqual([
      ['vault_mount.m', 'backup-first'],
    ]);
    repo.commit({ 'prod.auto.tfvars.json': JSON.stringify({ mount_path: 'team-b' }) });
    expect(await ops(repo)).toHaveLength(1);
    repo.commit({ 'README.md': 'docs\n' });
    expect(await ops(repo)).toEqual([]);
  });

  it('override.tf and *_override.tf replace the arguments they name', async () => {
    const repo = new GitDir();
    repo.commit({ 'main.tf': endpoint('"secret/app"') });
    repo.commit({ 'main_override.tf': 'resource "vault_generic_endpoint" "e" {\n  path = "sys/audit/x"\n}\n' });
    expect(await ops(repo)).toEqual(['vault_generic_endpoint.e: update backup-first sys/audit/x']);
    repo.commit({
      'main_override.tf': null,
      'override.tf.json': JSON.stringify({ resource: { vault_generic_endpoint: { e: { path: 'sys/auth/y' } } } }),
    });
    expect(await ops(repo)).toEqual(['vault_generic_endpoint.e: update backup-first sys/auth/y']);
  });

  it('unknowable values: backup-first saying what the path depends on, only for types that can write to /sys', async () => {
    const repo = new GitDir();
    repo.commit({ 'main.tf': '' });
    repo.commit({
      'main.tf': `${endpoint('var.where')}variable "where" {}\nresource "vault_kv_secret_v2" "s" {\n  mount = var.where\n  name = "x"\n  data_json = "{}"\n}\n`,
    });
    const out = await classifyGitRange(repo.dir, 'HEAD~1', 'HEAD');
    expect(out.map((c) => [c.address, c.verdict])).toEqual([
      ['vault_generic_endpoint.e', 'backup-first'],
      ['vault_kv_secret_v2.s', 'not-sys'],
    ]);
    expect(out[0]?.reason).toMatch(/depends on var\.where .*cannot be read before apply/);
    repo.commit({ 'main.tf': endpoint('"${data.vault_generic_secret.x.data["p"]}/config"') });
    expect((await classifyGitRange(repo.dir, 'HEAD~1', 'HEAD'))[0]?.reason).toMatch(
      /depends on data\.vault_generic_secret\.x/,
    );
    repo.commit({ 'main.tf': endpoint('"secret/${var.where}"') + 'variable "where" {}\n' });
    expect(await ops(repo)).toEqual(['vault_generic_endpoint.e: update not-sys secret/$var.where']);
  });
});

describe('paths that start at a mount declared in the configuration are not /sys (false no-go)', () => {
  for (const [type, extra] of [
    ['vault_generic_secret', 'data_json = "{}"'],
    ['vault_generic_endpoint', 'data_json = "{}"'],
  ] as const) {
    it(`${type} with path = "\${vault_mount.kv.path}/atlantis"`, async () => {
      const repo = new GitDir();
      repo.commit({ 'main.tf': mount('kv', '"secret"') });
      repo.commit({
        'app.tf': `resource "${type}" "a" {\n  path = "\${vault_mount.kv.path}/atlantis"\n  ${extra}\n}\n`,
      });
      expect(await ops(repo)).toEqual([`${type}.a: create not-sys secret/atlantis`]);
      repo.commit({ 'app.tf': `resource "${type}" "a" {\n  path = "\${vault_mount.kv.id}/atlantis"\n  ${extra}\n}\n` });
      expect(await ops(repo)).toEqual([`${type}.a: update not-sys`]);
      repo.commit({
        'app.tf': `resource "${type}" "a" {\n  path = "\${vault_mount.kv.path}/atlantis"\n  ${extra}\n}\n`,
      });
      expect(await ops(repo)).toEqual([`${type}.a: update not-sys secret/atlantis`]);
      // The mount's path is unknown (a variable without default): still a mount, and no mount lives under sys/.
      repo.commit({
        'main.tf': `${mount('kv', 'var.p')}variable "p" {}\n`,
        'app.tf': `resource "${type}" "a" {\n  path = "\${vault_mount.kv.path}/atlantis/\${var.p}"\n  ${extra}\n}\n`,
      });
      expect((await ops(repo)).filter((o) => o.startsWith(type))).toEqual([`${type}.a: update not-sys`]);
      // Not a mount of this configuration: the first segment is unknown, so a backup comes first.
      repo.commit({
        'app.tf': `resource "${type}" "a" {\n  path = "\${vault_auth_backend.x.accessor}/atlantis"\n  ${extra}\n}\n`,
      });
      expect((await ops(repo)).filter((o) => o.startsWith(type))).toEqual([`${type}.a: update backup-first`]);
    });
  }
});

describe('provisioners and external programs run through the runbook classifier', () => {
  const cases: [string, string, RegExp][] = [
    ['terraform_data', 'provisioner "local-exec" {\n    command = "vault audit disable file/"\n  }', /backup-first/],
    [
      'null_resource',
      'provisioner "local-exec" {\n    command = <<-EOT\n      set -e\n      vault secrets enable -path=${local.p} kv\n    EOT\n  }',
      /backup-first/,
    ],
    [
      'aws_instance',
      'provisioner "local-exec" {\n    interpreter = ["/bin/bash", "-c"]\n    command = "curl -X PUT $VAULT_ADDR/v1/sys/auth/x -d @a.json"\n  }',
      /backup-first/,
    ],
    [
      'terraform_data',
      'provisioner "local-exec" {\n    interpreter = ["python3", "-c"]\n    command = "import hvac; hvac.Client().sys.disable_audit_device(\'file\')"\n  }',
      /invalid/,
    ],
    [
      'terraform_data',
      'provisioner "local-exec" {\n    when = destroy\n    command = "vault operator raft snapshot save /tmp/x.snap"\n  }',
      /^$/,
    ],
    [
      'aws_instance',
      'provisioner "remote-exec" {\n    inline = ["sudo systemctl restart vault", "vault operator unseal ${var.key}"]\n  }',
      /backup-first/,
    ],
  ];
  for (const [type, body, want] of cases) {
    it(`${type} with ${body.split('\n')[1]?.trim()}`, async () => {
      const repo = new GitDir();
      repo.commit({ 'main.tf': 'locals {\n  p = "kv"\n}\n' });
      repo.commit({ 'run.tf': `resource "${type}" "r" {\n  ${body}\n}\n` });
      const verdicts = (await classifyGitRange(repo.dir, 'HEAD~1', 'HEAD')).map((c) => c.verdict).join(' ');
      expect(verdicts).toMatch(want);
    });
  }

  it('a local-exec that runs a script of the repository: the script is read', async () => {
    const repo = new GitDir();
    repo.commit({
      'infra/main.tf': '',
      'infra/scripts/rotate.sh': '#!/bin/bash\nset -e\nvault operator rotate\n',
      'infra/scripts/ok.sh': 'echo ok\n',
    });
    repo.commit({
      'infra/run.tf':
        'resource "null_resource" "r" {\n  provisioner "local-exec" {\n    command = "bash ${path.module}/scripts/rotate.sh --now"\n  }\n}\n',
    });
    expect(blocks(await ops(repo))).toBe(true);
    repo.commit({
      'infra/run.tf':
        'resource "null_resource" "r" {\n  provisioner "local-exec" {\n    command = "./scripts/ok.sh"\n  }\n}\n',
    });
    expect(await ops(repo)).toEqual([]);
  });

  it('a destroy-time provisioner runs when its resource leaves; echo is nothing', async () => {
    const repo = new GitDir();
    repo.commit({
      'run.tf':
        'resource "terraform_data" "r" {\n  provisioner "local-exec" {\n    when = destroy\n    command = "vault auth disable userpass"\n  }\n  provisioner "local-exec" {\n    command = "echo hello"\n  }\n}\n',
    });
    expect(await ops(repo, `${repo.git('rev-list', '--max-parents=0', 'HEAD').trim()}..HEAD`)).toEqual([]);
    repo.commit({ 'run.tf': null });
    expect(blocks(await ops(repo))).toBe(true);
  });

  it('data "external": an inline shell program, a script file it names, the vault binary itself', async () => {
    const repo = new GitDir();
    repo.commit({ 'main.tf': '', 'scripts/unseal.sh': '#!/bin/sh\nvault operator seal\n' });
    repo.commit({
      'data.tf':
        'data "external" "x" {\n  program = ["bash", "-c", "vault write sys/mounts/x type=kv >&2; echo {}"]\n}\n',
    });
    expect(blocks(await ops(repo))).toBe(true);
    repo.commit({ 'data.tf': 'data "external" "x" {\n  program = ["sh", "${path.module}/scripts/unseal.sh"]\n}\n' });
    expect(blocks(await ops(repo))).toBe(true);
    repo.commit({
      'data.tf': 'data "external" "x" {\n  program = ["vault", "token", "revoke", "-mode=orphan", "x"]\n}\n',
    });
    expect(await ops(repo)).toHaveLength(1);
    repo.commit({ 'data.tf': 'data "external" "x" {\n  program = ["python3", "${path.module}/ip.py"]\n}\n' });
    expect(await ops(repo)).toEqual([]);
  });
});

describe('Vault upgrades in other shapes', () => {
  const helm = (values: string) =>
    `resource "helm_release" "vault" {\n  name = "vault"\n  chart = "hashicorp/vault"\n  version = "0.28.0"\n  ${values}\n}\n`;
  const upgrades = async (repo: GitDir) =>
    (await classifyGitRange(repo.dir, 'HEAD~1', 'HEAD')).map((c) => `${c.category} ${c.from} -> ${c.to}`);

  it('helm_release values written with yamlencode, jsonencode and a set block from a variable', async () => {
    const repo = new GitDir();
    repo.commit({ 'main.tf': helm('values = [yamlencode({ server = { image = { tag = "1.16.0" } } })]') });
    repo.commit({ 'main.tf': helm('values = [yamlencode({ server = { image = { tag = "1.17.0" } } })]') });
    expect(await upgrades(repo)).toEqual(['upgrade 1.16.0 -> 1.17.0']);
    repo.commit({
      'main.tf':
        helm('values = [jsonencode({ server = { image = { tag = local.tag } } })]') + 'locals {\n  tag = "1.15.0"\n}\n',
    });
    expect(await upgrades(repo)).toEqual(['downgrade 1.17.0 -> 1.15.0']);
    repo.commit({
      'main.tf':
        helm('set {\n    name  = "server.image.tag"\n    value = var.tag\n  }') +
        'variable "tag" {\n  default = "1.18.1"\n}\n',
    });
    expect(await upgrades(repo)).toEqual(['upgrade 1.15.0 -> 1.18.1']);
  });

  it('helm_release values from templatefile with the tag from tfvars; the template itself changing', async () => {
    const repo = new GitDir();
    const release =
      helm('values = [templatefile("${path.module}/values.yaml.tpl", { tag = var.vault_version })]') +
      'variable "vault_version" {}\n';
    repo.commit({
      'k8s/vault.tf': release,
      'k8s/values.yaml.tpl': 'server:\n  image:\n    repository: hashicorp/vault\n    tag: "${tag}"\n',
      'k8s/terraform.tfvars': 'vault_version = "1.16.1"\n',
    });
    repo.commit({ 'k8s/terraform.tfvars': 'vault_version = "1.17.3"\n' });
    expect(await upgrades(repo)).toEqual(['upgrade 1.16.1 -> 1.17.3']);
    repo.commit({ 'k8s/values.yaml.tpl': 'server:\n  image:\n    repository: hashicorp/vault\n    tag: "1.15.0"\n' });
    // The template alone cannot say what its placeholder was: not understood, so a no-go (fail closed). The release
    // that reads it is compared too, with the template's text on each side: 1.17.3 before, 1.15.0 after.
    expect(await upgrades(repo)).toEqual(['downgrade 1.17.3 -> 1.15.0', 'invalid ${tag} -> 1.15.0']);
  });

  const shapes: [string, (tag: string) => string][] = [
    [
      'kubernetes_stateful_set',
      (t) =>
        `resource "kubernetes_stateful_set" "v" {\n  spec {\n    template {\n      spec {\n        container {\n          name = "vault"\n          image = "hashicorp/vault:${t}"\n        }\n      }\n    }\n  }\n}\n`,
    ],
    [
      'kubernetes_deployment_v1',
      (t) =>
        `resource "kubernetes_deployment_v1" "v" {\n  spec {\n    template {\n      spec {\n        container {\n          image = "registry.example.com:5000/hashicorp/vault-enterprise:${t}-ent"\n        }\n      }\n    }\n  }\n}\n`,
    ],
    [
      'kubernetes_manifest',
      (t) =>
        `resource "kubernetes_manifest" "v" {\n  manifest = {\n    spec = { template = { spec = { containers = [{ image = "openbao/openbao:${t}" }] } } }\n  }\n}\n`,
    ],
    [
      'docker_container',
      (t) => `resource "docker_container" "v" {\n  name = "vault"\n  image = "hashicorp/vault:${t}"\n}\n`,
    ],
    ['docker_image', (t) => `resource "docker_image" "v" {\n  name = "hashicorp/vault:${t}"\n}\n`],
    [
      'aws_ecs_task_definition',
      (t) =>
        `resource "aws_ecs_task_definition" "v" {\n  family = "vault"\n  container_definitions = jsonencode([{ name = "vault", image = "hashicorp/vault:${t}" }])\n}\n`,
    ],
  ];
  for (const [type, make] of shapes) {
    it(`${type}: an image tag change is an upgrade, back is a downgrade`, async () => {
      const repo = new GitDir();
      repo.commit({ 'vault.tf': make('1.16.2') });
      repo.commit({ 'vault.tf': make('1.17.0') });
      expect((await upgrades(repo))[0]).toMatch(/^upgrade 1\.16\.2(-ent)? -> 1\.17\.0/);
      repo.commit({ 'vault.tf': make('1.16.2') });
      expect((await upgrades(repo))[0]).toMatch(/^downgrade /);
    });
  }

  it('an image that is not Vault changes nothing', async () => {
    const repo = new GitDir();
    repo.commit({ 'main.tf': 'resource "docker_container" "v" {\n  image = "nginx:1.25"\n}\n' });
    repo.commit({ 'main.tf': 'resource "docker_container" "v" {\n  image = "nginx:1.27"\n}\n' });
    expect(await ops(repo)).toEqual([]);
  });
});

describe('remote modules', () => {
  const call = (name: string, source: string, extra = '') => `module "${name}" {\n  source = "${source}"\n${extra}}\n`;
  it('a module handed the Vault provider or vault_* values may change Vault, saying which', async () => {
    const repo = new GitDir();
    repo.commit({ 'main.tf': mount('kv', '"secret"') });
    repo.commit({
      'mods.tf': call(
        'platform',
        'git::https://git.example.com/platform.git?ref=v1',
        '  providers = {\n    vault = vault.admin\n  }\n',
      ),
    });
    const [one] = await classifyGitRange(repo.dir, 'HEAD~1', 'HEAD');
    expect([one?.verdict, one?.reason]).toEqual([
      'backup-first',
      expect.stringMatching(
        /^module platform may change Vault \(cannot be read offline\): it receives providers = \{ vault = … \}/,
      ),
    ]);
    repo.commit({
      'mods.tf': call('apps', 'app.terraform.io/acme/apps/kubernetes', '  kv_mount = vault_mount.kv.path\n'),
    });
    const out = await classifyGitRange(repo.dir, 'HEAD~1', 'HEAD');
    expect(out.map((c) => [c.address, c.verdict])).toEqual([
      ['module.platform', 'backup-first'],
      ['module.apps', 'backup-first'],
    ]);
    expect(out[1]?.reason).toMatch(/its input kv_mount references vault_mount\.kv/);
  });

  it('a module named vault whose source is a well-known non-Vault module, without Vault inputs, is no Vault change', async () => {
    const repo = new GitDir();
    repo.commit({ 'main.tf': '' });
    repo.commit({
      'network.tf': call('vault_vpc', 'terraform-aws-modules/vpc/aws', '  version = "5.8.1"\n  cidr = "10.0.0.0/16"\n'),
    });
    expect(await ops(repo)).toEqual([]);
    repo.commit({ 'network.tf': call('vault_vpc', 'git::https://git.example.com/net.git') });
    expect(blocks(await ops(repo))).toBe(true);
  });
});

describe('other spellings of values from elsewhere', () => {
  it('.tf.json locals, variables and comment keys; two -var-file candidates that disagree are unknowable', async () => {
    const repo = new GitDir();
    const doc = (target: string) => ({
      '//': 'generated',
      locals: { target },
      variable: { suffix: { default: 'tune' } },
      resource: {
        vault_generic_endpoint: { e: { '//': 'tuning', path: '${local.target}/${var.suffix}', data_json: '{}' } },
      },
    });
    repo.commit({ 'main.tf.json': JSON.stringify(doc('secret/x'), null, 2) });
    repo.commit({ 'main.tf.json': JSON.stringify(doc('sys/mounts/kv'), null, 2) });
    expect(await ops(repo)).toEqual(['vault_generic_endpoint.e: update backup-first sys/mounts/kv/tune']);
    repo.commit({
      'main.tf.json': JSON.stringify(doc('${var.where}'), null, 2),
      'dev.tfvars': 'where = "secret/dev"\n',
      'prod.tfvars': 'where = "sys/auth/x"\n',
    });
    const [c] = await classifyGitRange(repo.dir, 'HEAD~1', 'HEAD');
    expect([c?.verdict, c?.reason]).toEqual([
      'backup-first',
      expect.stringMatching(/depends on var\.where \(set differently by dev\.tfvars, prod\.tfvars/),
    ]);
    repo.commit({ 'prod.tfvars': 'where = "secret/dev"\n' });
    expect(await ops(repo)).toEqual(['vault_generic_endpoint.e: update not-sys secret/dev/tune']);
  });
});
