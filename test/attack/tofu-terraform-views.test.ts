import { describe, expect, it } from 'vitest';
import { classifyGitRange } from '../../src/index.js';
import { GitDir } from '../helpers/gitdir.js';

const audit = (file: string) =>
  `resource "vault_audit" "file" {\n  type = "file"\n  path = "file"\n  options = { file_path = "${file}" }\n}\n`;

async function ops(repo: GitDir): Promise<string[]> {
  return (await classifyGitRange(repo.dir, 'HEAD~1', 'HEAD')).map((c) => `${c.input} ${c.verdict}`);
}

/**
 * A folder that keeps x.tofu beside x.tf (the documented way to serve both tools): OpenTofu reads x.tofu, Terraform
 * ignores it and applies x.tf. Before the fix a change of x.tf alone was read as no change at all (a GO), though
 * Terraform would apply it.
 */
describe('a folder with .tofu files is read as Terraform reads it too', () => {
  it('a change of audit.tf hidden from OpenTofu by audit.tofu still needs a backup', async () => {
    const repo = new GitDir();
    repo.commit({ 'vault/audit.tf': audit('/var/log/a.log'), 'vault/audit.tofu': audit('/var/log/a.log') });
    repo.commit({ 'vault/audit.tf': audit('/var/log/b.log') });
    expect(await ops(repo)).toEqual(['vault_audit.file: update backup-first']);
  });

  it('removing the audit device from main.tf.json beside main.tofu.json needs a backup', async () => {
    const repo = new GitDir();
    const doc = JSON.stringify({ resource: { vault_audit: { file: { type: 'file', path: 'file' } } } });
    repo.commit({ 'main.tf.json': doc, 'main.tofu.json': doc });
    repo.commit({ 'main.tf.json': JSON.stringify({ resource: {} }) });
    expect(await ops(repo)).toEqual(['vault_audit.file: delete backup-first']);
  });

  it('a change seen by both tools is reported once', async () => {
    const repo = new GitDir();
    repo.commit({ 'audit.tf': audit('/a'), 'other.tofu': 'locals {\n  x = 1\n}\n' });
    repo.commit({ 'audit.tf': audit('/b') });
    expect(await ops(repo)).toEqual(['vault_audit.file: update backup-first']);
  });
});
