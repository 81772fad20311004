import { describe, expect, it } from 'vitest';
import { classifyGitRange, classifyPlan } from '../../src/index.js';
import { GitDir } from '../helpers/gitdir.js';
import { plan } from '../helpers/plan.js';

/** Shapes of a .tf change that once wrote /sys (or ran vault) unseen: `address verdict path` of the last commit. */
async function ops(repo: GitDir): Promise<string[]> {
  return (await classifyGitRange(repo.dir, 'HEAD~1', 'HEAD')).map(
    (c) => `${c.address ?? '-'} ${c.verdict}${c.path ? ` ${c.path}` : ''}`,
  );
}

const provisioned = (body: string) => `resource "null_resource" "r" {\n  ${body}\n}\n`;

describe('a command Terraform runs, kept in a file of the repository', () => {
  const cases: [string, string][] = [
    ['local-exec file()', 'provisioner "local-exec" {\n    command = file("${path.module}/seal.sh")\n  }'],
    ['local-exec templatefile()', 'provisioner "local-exec" {\n    command = templatefile("seal.sh", {})\n  }'],
    ['local-exec trimspace(file())', 'provisioner "local-exec" {\n    command = trimspace(file("seal.sh"))\n  }'],
    ['local-exec in a template', 'provisioner "local-exec" {\n    command = "bash -c \'${file("seal.sh")}\'"\n  }'],
    ['remote-exec script', 'provisioner "remote-exec" {\n    script = "${path.module}/seal.sh"\n  }'],
    ['remote-exec scripts', 'provisioner "remote-exec" {\n    scripts = ["./ok.sh", "./seal.sh"]\n  }'],
    ['remote-exec inline file()', 'provisioner "remote-exec" {\n    inline = [file("seal.sh")]\n  }'],
  ];
  it.each(cases)('%s is read', async (_, body) => {
    const repo = new GitDir();
    repo.commit({ 'main.tf': '', 'seal.sh': 'set -e\nvault operator seal\n', 'ok.sh': 'echo ok\n' });
    repo.commit({ 'run.tf': provisioned(body) });
    expect(await ops(repo)).toEqual(['null_resource.r backup-first sys/seal']);
  });

  it('templatefile fills the variables it is given; a file that runs nothing gives nothing', async () => {
    const repo = new GitDir();
    repo.commit({
      'main.tf': '',
      'tune.sh.tpl': 'vault secrets tune -max-lease-ttl=1h ${mount}\n',
      'ok.sh': 'echo ok\n',
    });
    repo.commit({
      'run.tf': provisioned(
        'provisioner "local-exec" {\n    command = templatefile("tune.sh.tpl", { mount = "pki" })\n  }',
      ),
    });
    expect(await ops(repo)).toEqual(['null_resource.r backup-first sys/mounts/pki/tune']);
    repo.commit({ 'run.tf': provisioned('provisioner "local-exec" {\n    command = file("ok.sh")\n  }') });
    expect(await ops(repo)).toEqual([]);
  });
});

describe('a .tf.json object that repeats a key', () => {
  it('is invalid: Terraform reads both "resource" keys where JSON.parse keeps the last', async () => {
    const repo = new GitDir();
    repo.commit({ 'main.tf': '' });
    repo.commit({
      'vault.tf.json':
        '{\n  "resource": {"vault_mount": {"kv": {"path": "kv", "type": "kv"}}},\n' +
        '  "resource": {"vault_kv_secret_v2": {"s": {"mount": "kv", "name": "x", "data_json": "{}"}}}\n}\n',
    });
    const out = await classifyGitRange(repo.dir, 'HEAD~1', 'HEAD');
    expect(out.map((c) => `${c.verdict} ${c.file}:${c.line}`)).toEqual(['invalid vault.tf.json:3']);
    expect(out[0]?.reason).toMatch(/repeats the key "resource"/);
  });

  it('"//" comments may repeat, and the same key in two objects is no repeat', async () => {
    const repo = new GitDir();
    repo.commit({ 'main.tf': '' });
    repo.commit({
      'vault.tf.json':
        '{"//": "one", "//": "two", "resource": {"vault_mount": {"a": {"path": "a", "type": "kv"}, ' +
        '"b": {"description": "a \\"path\\": \\\\", "path": "b", "type": "kv"}}}}\n',
    });
    expect(await ops(repo)).toEqual([
      'vault_mount.a backup-first sys/mounts/a',
      'vault_mount.b backup-first sys/mounts/b',
    ]);
  });
});

describe('a change to a file the configuration reads, with no .tf change', () => {
  it('a vault_generic_endpoint whose data_json is file(…) writes its path again', async () => {
    const repo = new GitDir();
    const tf =
      'resource "vault_generic_endpoint" "a" {\n  path = "sys/audit/file"\n  data_json = file("${path.module}/audit.json")\n}\n';
    repo.commit({ 'infra/main.tf': tf, 'infra/audit.json': '{"type": "file"}\n' });
    repo.commit({ 'infra/audit.json': '{"type": "file", "options": {"file_path": "/var/log/v.log"}}\n' });
    expect(await ops(repo)).toEqual(['vault_generic_endpoint.a backup-first sys/audit/file']);
  });

  it('a trigger on a script’s hash (directly or through a local) replaces the resource: its provisioner runs', async () => {
    const repo = new GitDir();
    repo.commit({
      'main.tf':
        'locals {\n  h = filesha256("boot.sh")\n}\nresource "terraform_data" "boot" {\n  triggers_replace = [local.h]\n' +
        '  provisioner "local-exec" {\n    command = "./boot.sh"\n  }\n}\n' +
        'resource "null_resource" "tune" {\n  triggers = { s = filemd5("${path.module}/scripts/tune.sh") }\n' +
        '  provisioner "local-exec" {\n    command = "bash ${path.module}/scripts/tune.sh"\n  }\n}\n',
      'boot.sh': 'echo hi\n',
      'scripts/tune.sh': 'echo hi\n',
    });
    repo.commit({ 'boot.sh': 'vault operator seal\n' });
    expect(await ops(repo)).toEqual(['terraform_data.boot backup-first sys/seal']);
    repo.commit({ 'scripts/tune.sh': 'vault secrets tune -max-lease-ttl=1h pki\n' });
    expect(await ops(repo)).toEqual(['null_resource.tune backup-first sys/mounts/pki/tune']);
  });

  it('a file no configuration reads changes nothing', async () => {
    const repo = new GitDir();
    repo.commit({ 'main.tf': 'resource "vault_mount" "m" {\n  path = "kv"\n  type = "kv"\n}\n', 'README.md': 'a\n' });
    repo.commit({ 'README.md': 'b\n', 'docs/x.md': 'c\n' });
    expect(await ops(repo)).toEqual([]);
  });
});

describe('a path outside the repository', () => {
  it('is never asked of git: a file() or a script named with ../ is not there to read', async () => {
    const repo = new GitDir();
    repo.commit({
      'main.tf':
        'resource "vault_generic_endpoint" "a" {\n  path = "sys/audit/file"\n  data_json = file("../audit.json")\n}\n',
      'README.md': 'a\n',
    });
    repo.commit({ 'README.md': 'b\n' });
    expect(await ops(repo)).toEqual([]);
    repo.commit({
      'run.tf': provisioned(
        'provisioner "local-exec" {\n    command = file("../x.sh")\n  }\n  provisioner "local-exec" {\n    command = "bash ../vault-seal.sh"\n  }',
      ),
    });
    expect(await ops(repo)).toEqual(['null_resource.r invalid']);
  });
});

describe('plan JSON: the Vault provider from another namespace', () => {
  it.each([
    'registry.terraform.io/acme/vault',
    'tf.example.com/platform/vault',
    'registry.opentofu.org/hashicorp/vault',
  ])('%s writes sys/mounts like hashicorp/vault', (provider) => {
    const [c] = classifyPlan(
      plan([{ type: 'vault_mount', provider, actions: ['create'], after: { path: 'kv', type: 'kv' } }]),
    );
    expect(`${c?.verdict} ${c?.path}`).toBe('backup-first sys/mounts/kv');
  });

  it('another provider whose name only contains vault is not it', () => {
    const rc = { type: 'vaultx_thing', provider: 'registry.terraform.io/acme/vaultx', actions: ['create'], after: {} };
    expect(classifyPlan(plan([rc]))).toEqual([]);
  });
});

describe('plan JSON: provisioners of a resource the plan creates or destroys', () => {
  const withProvisioners = (provisioners: unknown[], actions = ['create']) => {
    const p = plan([
      { type: 'null_resource', name: 'boot', provider: 'registry.terraform.io/hashicorp/null', actions },
    ]);
    const config = p.configuration as { root_module: { resources?: unknown[] } };
    config.root_module.resources = [
      { address: 'null_resource.boot', mode: 'managed', type: 'null_resource', name: 'boot', provisioners },
    ];
    return classifyPlan(p).map((c) => `${c.address} ${c.verdict}${c.path ? ` ${c.path}` : ''}`);
  };

  it('a local-exec command or remote-exec inline lines are read', () => {
    const local = { type: 'local-exec', expressions: { command: { constant_value: 'vault operator seal' } } };
    expect(withProvisioners([local])).toEqual(['null_resource.boot backup-first sys/seal']);
    expect(withProvisioners([local], ['delete'])).toEqual(['null_resource.boot backup-first sys/seal']);
    const remote = {
      type: 'remote-exec',
      expressions: { inline: { constant_value: ['sudo systemctl stop x', 'vault secrets disable kv'] } },
    };
    expect(withProvisioners([remote])).toEqual(['null_resource.boot backup-first sys/mounts/kv']);
  });

  it('a command built from references that mention Vault is invalid; other ones and no-ops give nothing', () => {
    const ref = { type: 'local-exec', expressions: { command: { references: ['var.vault_cmd'] } } };
    expect(withProvisioners([ref])).toEqual(['null_resource.boot invalid']);
    const other = { type: 'local-exec', expressions: { command: { references: ['self.id'] } } };
    expect(withProvisioners([other])).toEqual([]);
    const local = { type: 'local-exec', expressions: { command: { constant_value: 'vault operator seal' } } };
    expect(withProvisioners([local], ['no-op'])).toEqual([]);
  });
});

describe('plan JSON: Vault upgrades made by any resource', () => {
  const helm = (tag: string, version = '0.28.0') => ({
    chart: 'vault',
    version,
    set: [{ name: 'server.image.tag', value: tag }],
  });
  const rows = (rc: Parameters<typeof plan>[0][number]) =>
    classifyPlan(plan([rc])).map((c) => `${c.address} ${c.verdict} ${c.from ?? '-'} -> ${c.to ?? '-'}`);

  it('a helm_release of the Vault chart whose image tag or chart version changes', () => {
    const provider = 'registry.terraform.io/hashicorp/helm';
    expect(
      rows({
        type: 'helm_release',
        name: 'v',
        provider,
        actions: ['update'],
        before: helm('1.16.1'),
        after: helm('1.17.2'),
      }),
    ).toEqual(['helm_release.v backup-first 1.16.1 -> 1.17.2']);
    const values = (tag: string) => ({ chart: 'hashicorp/vault', values: [`server:\n  image:\n    tag: "${tag}"\n`] });
    expect(
      rows({
        type: 'helm_release',
        name: 'v',
        provider,
        actions: ['update'],
        before: values('1.16.1'),
        after: values('1.15.0'),
      }),
    ).toEqual(['helm_release.v backup-first 1.16.1 -> 1.15.0']);
    expect(
      rows({
        type: 'helm_release',
        name: 'v',
        provider,
        actions: ['update'],
        before: helm('1.16.1'),
        after: helm('1.16.1', '0.29.0'),
      }),
    ).toHaveLength(1);
  });

  it('a Vault image in a container, changed in place or by replacement; other images and charts are nothing', () => {
    const provider = 'registry.terraform.io/kreuzwerker/docker';
    const c = (image: string) => ({ name: 'vault', image });
    expect(
      rows({
        type: 'docker_container',
        name: 'v',
        provider,
        actions: ['delete', 'create'],
        before: c('hashicorp/vault:1.16.1'),
        after: c('hashicorp/vault:1.17.0'),
      }),
    ).toEqual(['docker_container.v backup-first 1.16.1 -> 1.17.0']);
    expect(
      rows({
        type: 'docker_container',
        name: 'v',
        provider,
        actions: ['update'],
        before: c('nginx:1.25'),
        after: c('nginx:1.27'),
      }),
    ).toEqual([]);
    const other = { chart: 'ingress-nginx', set: [{ name: 'server.image.tag', value: '2' }] };
    expect(
      rows({
        type: 'helm_release',
        name: 'i',
        provider,
        actions: ['update'],
        before: other,
        after: { ...other, set: [{ name: 'server.image.tag', value: '3' }] },
      }),
    ).toEqual([]);
  });
});

describe('a container the configuration starts, running vault', () => {
  const job = (container: string) =>
    `resource "kubernetes_job_v1" "init" {\n  metadata {\n    name = "vault-init"\n  }\n  spec {\n    template {\n      metadata {}\n      spec {\n        container {\n${container}\n        }\n      }\n    }\n  }\n}\n`;

  it.each([
    [
      'a Job with command',
      '          name = "i"\n          image = "hashicorp/vault:1.17.2"\n          command = ["vault", "operator", "init"]',
      'sys/init',
    ],
    [
      'a Job with args to the Vault image',
      '          name = "i"\n          image = "hashicorp/vault:1.17.2"\n          args = ["secrets", "enable", "-path=kv2", "kv"]',
      'sys/mounts/kv2',
    ],
    [
      'a Job with sh -c',
      '          name = "i"\n          image = "alpine"\n          command = ["/bin/sh", "-c", "vault operator step-down"]',
      'sys/step-down',
    ],
  ])('%s', async (_, container, path) => {
    const repo = new GitDir();
    repo.commit({ 'main.tf': '' });
    repo.commit({ 'job.tf': job(container) });
    expect(await ops(repo)).toEqual([`kubernetes_job_v1.init backup-first ${path}`]);
  });

  it('a docker_container of the Vault image given a vault subcommand; a server is local', async () => {
    const repo = new GitDir();
    repo.commit({ 'main.tf': '' });
    repo.commit({
      'c.tf':
        'resource "docker_container" "seal" {\n  name = "seal"\n  image = "hashicorp/vault:1.17.2"\n  command = ["operator", "seal"]\n}\n' +
        'resource "docker_container" "server" {\n  name = "vault"\n  image = "hashicorp/vault:1.17.2"\n  command = ["server", "-dev"]\n}\n' +
        'resource "docker_container" "web" {\n  name = "web"\n  image = "nginx:1.27"\n  command = ["nginx", "-g", "daemon off;"]\n}\n',
    });
    expect(await ops(repo)).toEqual(['docker_container.seal backup-first sys/seal', 'docker_container.server not-sys']);
  });

  it('plan JSON: the same container in a planned resource', () => {
    const after = {
      metadata: [{ name: 'x' }],
      spec: [
        {
          template: [
            { spec: [{ container: [{ image: 'hashicorp/vault:1.17.2', command: ['vault', 'operator', 'init'] }] }] },
          ],
        },
      ],
    };
    const out = classifyPlan(
      plan([
        {
          type: 'kubernetes_job_v1',
          provider: 'registry.terraform.io/hashicorp/kubernetes',
          actions: ['create'],
          after,
        },
      ]),
    );
    expect(out.map((c) => `${c.address} ${c.verdict} ${c.path}`)).toEqual([
      'kubernetes_job_v1.this backup-first sys/init',
    ]);
  });
});

describe('a changed module call reaches the modules it calls', () => {
  it('a value passed through two local modules changes the inner vault_mount; commands in a module run too', async () => {
    const repo = new GitDir();
    const files = (p: string) => ({
      'main.tf': `module "outer" {\n  source = "./outer"\n  p = "${p}"\n}\n`,
      'outer/main.tf': 'variable "p" {}\nmodule "inner" {\n  source = "../inner"\n  p = var.p\n}\n',
      'inner/main.tf':
        'variable "p" {}\nresource "vault_mount" "m" {\n  path = var.p\n  type = "kv"\n}\n' +
        'resource "terraform_data" "t" {\n  provisioner "local-exec" {\n    command = "vault secrets tune -max-lease-ttl=1h ${var.p}"\n  }\n}\n',
    });
    repo.commit(files('a'));
    repo.commit(files('b'));
    expect(await ops(repo)).toEqual([
      'module.outer.module.inner.vault_mount.m backup-first sys/remount',
      'module.outer.module.inner.terraform_data.t backup-first sys/mounts/b/tune',
    ]);
  });

  it('a module that calls itself stops with a reason', async () => {
    const repo = new GitDir();
    repo.commit({
      'main.tf': 'module "a" {\n  source = "./a"\n  x = 1\n}\n',
      'a/main.tf': 'module "again" {\n  source = "../a"\n}\n',
    });
    repo.commit({ 'main.tf': 'module "a" {\n  source = "./a"\n  x = 2\n}\n' });
    expect((await ops(repo)).at(-1)).toMatch(/ invalid$/);
  });
});

describe('the vault provider pointed elsewhere', () => {
  const tf = (provider: string) =>
    `provider "vault" {\n${provider}\n}\nresource "vault_mount" "m" {\n  path = "kv"\n  type = "kv"\n}\n`;

  it.each([
    ['namespace', '  namespace = "team-a"', '  namespace = "team-b"'],
    ['address', '  address = "https://vault-a:8200"', '  address = "https://vault-b:8200"'],
    ['address through a variable', '  address = var.addr', '  address = var.addr'],
  ])('a changed %s creates every resource anew there', async (_, was, now) => {
    const repo = new GitDir();
    const vars = (v: string) => `variable "addr" {\n  default = "https://${v}:8200"\n}\n`;
    repo.commit({ 'main.tf': tf(was), 'vars.tf': vars('a') });
    repo.commit({ 'main.tf': tf(now), 'vars.tf': vars(was === now ? 'b' : 'a') });
    expect(await ops(repo)).toEqual(['vault_mount.m backup-first sys/mounts/kv']);
  });

  it('another provider setting (a token TTL) changes nothing', async () => {
    const repo = new GitDir();
    repo.commit({ 'main.tf': tf('  max_lease_ttl_seconds = 600') });
    repo.commit({ 'main.tf': tf('  max_lease_ttl_seconds = 1200') });
    expect(await ops(repo)).toEqual([]);
  });
});

describe('an aliased vault provider pointed elsewhere', () => {
  it('changes the resources that use it, not the others', async () => {
    const repo = new GitDir();
    const tf = (ns: string) =>
      `provider "vault" {\n  alias = "team"\n  namespace = "${ns}"\n}\n` +
      'resource "vault_mount" "team" {\n  provider = vault.team\n  path = "kv"\n  type = "kv"\n}\n' +
      'resource "vault_mount" "root" {\n  path = "root-kv"\n  type = "kv"\n}\n';
    repo.commit({ 'main.tf': tf('team-a') });
    repo.commit({ 'main.tf': tf('team-b') });
    expect(await ops(repo)).toEqual(['vault_mount.team backup-first sys/mounts/kv']);
  });
});
