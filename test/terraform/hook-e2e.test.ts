import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { GitDir } from '../helpers/gitdir.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { tempDir } from '../helpers/tmp.js';

const audit = 'resource "vault_audit" "file" {\n  type = "file"\n  options = { file_path = "/var/log/vault.log" }\n}\n';
const endpoint =
  'resource "vault_generic_endpoint" "tune" {\n  path = local.target\n  data_json = jsonencode({ max_lease_ttl = "1h" })\n}\n';

/** A clone with the installed pre-push hook, its bare remote, and a backup folder (empty until a snapshot is put there). */
async function pushing() {
  const base = tempDir('tf-hook-');
  const remote = new GitDir(path.join(base, 'remote.git'), { bare: true });
  const work = new GitDir(path.join(base, 'work'));
  work.git('remote', 'add', 'origin', remote.dir);
  const backups = path.join(base, 'backups');
  mkdirSync(backups, { mode: 0o700 });
  work.write({ 'vault-change-gate.config.json': JSON.stringify({ snapshots: { dir: backups } }) });
  expect((await runCli(['install-hook', '--repo', work.dir])).code).toBe(0);
  const push = () =>
    spawnSync('git', ['push', '-q', 'origin', 'main'], {
      cwd: work.dir,
      env: { ...work.env, NO_COLOR: '1' },
      encoding: 'utf8',
    });
  const snapshot = () =>
    writeFileSync(path.join(backups, 'vault.snap'), buildSnapshot({ takenAt: new Date(Date.now() - 60_000) }), {
      mode: 0o600,
    });
  return { work, push, snapshot };
}

describe('the pre-push hook sees the configuration, not only files with a Terraform name', () => {
  it('git mv audit.tf audit.tf.disabled is stopped (it destroys the audit device)', async () => {
    const { work, push, snapshot } = await pushing();
    snapshot();
    work.commit({ 'main.tf': 'terraform {}\n', 'audit.tf': audit });
    expect(push().status).toBe(0);
    rmSync(path.join(path.dirname(work.dir), 'backups', 'vault.snap'));
    work.git('mv', 'audit.tf', 'audit.tf.disabled');
    work.git('commit', '-q', '-m', 'disable audit');
    const r = push();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/NO-GO/);
    expect(r.stderr).toMatch(/vault_audit\.file: delete .*audit\.tf:1/);
  });

  it('a local that moves a generic path onto /sys is stopped; onto a secret path it goes', async () => {
    const { work, push } = await pushing();
    work.commit({ 'main.tf': endpoint, 'locals.tf': 'locals {\n  target = "secret/app/config"\n}\n' });
    expect(push().status).toBe(0);
    work.commit({ 'locals.tf': 'locals {\n  mount = "kv"\n  target = "sys/mounts/${local.mount}/tune"\n}\n' });
    const r = push();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/vault_generic_endpoint\.tune: update .*main\.tf:1/);
    work.git('reset', '-q', '--hard', 'HEAD~1');
    work.commit({ 'locals.tf': 'locals {\n  target = "secret/app/other"\n}\n' });
    const ok = push();
    expect(ok.status, ok.stderr).toBe(0);
  });
});
