import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyPlan } from '../src/index.js';
import { GitDir } from '../test/helpers/gitdir.js';
import { plan, type RC } from '../test/helpers/plan.js';
import { gc, mib, now, ok, perSecond, table } from './util.js';

const TYPES: [string, Record<string, unknown>][] = [
  ['vault_mount', { type: 'kv' }],
  ['vault_policy', { policy: 'x' }],
  ['vault_auth_backend', { type: 'approle' }],
  ['vault_kv_secret_v2', { mount: 'kv' }],
  ['vault_identity_group', {}],
  ['vault_generic_endpoint', {}],
  ['vault_quota_rate_limit', { rate: 10 }],
  ['vault_approle_auth_backend_role', { backend: 'approle' }],
];

export function bigPlan(n: number): unknown {
  const actions = [['create'], ['update'], ['delete'], ['delete', 'create'], ['no-op']];
  const changes: RC[] = Array.from({ length: n }, (_, i) => {
    const [type, attrs] = TYPES[i % TYPES.length]!;
    const values = {
      ...attrs,
      name: `n${i}`,
      path: type === 'vault_generic_endpoint' ? `sys/mounts/m${i}` : `p${i}`,
      namespace: i % 3 ? `team-${i % 17}` : undefined,
    };
    const a = actions[i % actions.length]!;
    return {
      type,
      name: `r${i}`,
      module_address: i % 4 ? undefined : `module.m${i % 9}`,
      actions: a,
      before: a.includes('delete') || a[0] === 'update' || a[0] === 'no-op' ? values : null,
      after: a.includes('create') || a[0] === 'update' || a[0] === 'no-op' ? values : null,
    };
  });
  return plan(changes, { namespace: 'admin' });
}

const mount = (name: string, p: string, extra = '') =>
  `resource "vault_mount" "${name}" {\n  path = "${p}"\n  type = "kv"\n${extra}}\n\nresource "vault_kv_secret_v2" "${name}" {\n  mount = vault_mount.${name}.path\n  name  = "config"\n  data_json = jsonencode({ a = "${p}" })\n}\n`;

export function benchTerraform(): void {
  const N = 20_000;
  const json = JSON.parse(JSON.stringify(bigPlan(N))) as unknown;
  classifyPlan(json); // warm up
  gc();
  const before = process.memoryUsage().heapUsed;
  const start = now();
  const out = classifyPlan(json);
  const ms = now() - start;
  const heap = process.memoryUsage().heapUsed - before;
  const rate = (N / ms) * 1000;

  // 200 changed .tf files in a real repository (out of 230), classified by the CLI in a new process.
  const repo = new GitDir(mkdtempSync(path.join(tmpdir(), 'vcg-bench-tf-')));
  const files: Record<string, string> = {};
  for (let i = 0; i < 230; i++) files[`team-${i}/main.tf`] = mount(`m${i}`, `team-${i}`);
  repo.commit(files, 'base');
  const changed: Record<string, string> = {};
  for (let i = 0; i < 200; i++)
    changed[`team-${i}/main.tf`] = mount(`m${i}`, `team-${i}`, '  description = "changed"\n');
  repo.commit(changed, 'change');
  const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../bin/vault-change-gate.js');
  const runs: number[] = [];
  let count = 0;
  for (let i = 0; i < 3; i++) {
    const t = now();
    const r = spawnSync(process.execPath, [cli, 'classify', '--json', '--git-range', 'HEAD~1..HEAD'], {
      cwd: repo.dir,
      encoding: 'utf8',
      env: repo.env,
    });
    runs.push(now() - t);
    count = (JSON.parse(r.stdout) as unknown[]).length;
  }
  const diffMs = [...runs].sort((a, b) => a - b)[1]!;
  const big = bigConfiguration(cli);
  table(
    `terraform: a plan of ${N.toLocaleString('en-US')} resource changes (${out.length} operations); a .tf diff of 200 changed files (${count} operations)`,
    [
      ['plan: resource changes per second', perSecond(N, ms), '>= 50,000/s (issue #6)', ok(rate >= 50_000)],
      ['plan: heap used by the pass', mib(Math.max(0, heap)), '', ''],
      [
        '.tf diff of 200 files, whole CLI process (median of 3)',
        `${diffMs.toFixed(0)} ms`,
        '<= 1000 ms incl. parser start-up (issue #6)',
        ok(diffMs <= 1000),
      ],
      [
        `2,000 resources, locals and tfvars: one tfvars change (${big.count} operations)`,
        `${big.ms.toFixed(0)} ms`,
        '<= 2000 ms, whole CLI process (issue #11)',
        ok(big.ms <= 2000),
      ],
    ],
  );
}

/**
 * A repository of 2,000 resources in 20 folders, paths given by locals, variable defaults and tfvars; the change
 * edits every folder's terraform.tfvars, so each folder's whole configuration is read and evaluated on both sides.
 */
function bigConfiguration(cli: string): { ms: number; count: number } {
  const repo = new GitDir(mkdtempSync(path.join(tmpdir(), 'vcg-bench-tf2-')));
  const files: Record<string, string> = {};
  const tfvars = (prefix: string) => `prefix = "${prefix}"\nteam_count = 100\n`;
  for (let f = 0; f < 20; f++) {
    let tf = `variable "prefix" {\n  default = "apps"\n}\nvariable "team_count" {}\nlocals {\n  base = "\${var.prefix}-${f}"\n  kv   = lower(format("%s/kv", local.base))\n}\n`;
    for (let i = 0; i < 100; i++) {
      tf +=
        i % 2
          ? `resource "vault_mount" "m${i}" {\n  path = "\${local.kv}-${i}"\n  type = "kv"\n}\n`
          : `resource "vault_generic_secret" "s${i}" {\n  path = "\${vault_mount.m${i + 1}.path}/app"\n  data_json = jsonencode({ n = ${i} })\n}\n`;
    }
    files[`env-${f}/main.tf`] = tf;
    files[`env-${f}/terraform.tfvars`] = tfvars('apps');
  }
  repo.commit(files, 'base');
  const changed: Record<string, string> = {};
  for (let f = 0; f < 20; f++) changed[`env-${f}/terraform.tfvars`] = tfvars('teams');
  repo.commit(changed, 'change');
  const runs: number[] = [];
  let count = 0;
  for (let i = 0; i < 3; i++) {
    const t = now();
    const r = spawnSync(process.execPath, [cli, 'classify', '--json', '--git-range', 'HEAD~1..HEAD'], {
      cwd: repo.dir,
      encoding: 'utf8',
      env: repo.env,
      maxBuffer: 256 * 1024 * 1024,
    });
    runs.push(now() - t);
    count = (JSON.parse(r.stdout) as unknown[]).length;
  }
  return { ms: [...runs].sort((a, b) => a - b)[1]!, count };
}
