import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { GitDir } from '../helpers/gitdir.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { tempDir } from '../helpers/tmp.js';

export const mount = (name: string, p = name) =>
  `resource "vault_mount" "${name}" {\n  path = "${p}"\n  type = "kv"\n}\n`;
export const secret = (name: string) =>
  `resource "vault_kv_secret_v2" "${name}" {\n  mount = "kv"\n  name  = "${name}"\n  data_json = "{}"\n}\n`;

export interface Setup {
  remote: GitDir;
  work: GitDir;
  backups: string;
  push: (...args: string[]) => { code: number | null; stderr: string };
  remoteHas: (ref: string) => boolean;
}

/** A bare remote, a clone with the hook installed and a config pointing at an (empty) backup folder. */
export async function setup(
  options: { config?: boolean; objectFormat?: 'sha256'; hooksPath?: string } = {},
): Promise<Setup> {
  const base = tempDir('hook-');
  const remote = new GitDir(path.join(base, 'remote.git'), {
    bare: true,
    ...(options.objectFormat ? { objectFormat: options.objectFormat } : {}),
  });
  const work = new GitDir(path.join(base, 'work'), options.objectFormat ? { objectFormat: options.objectFormat } : {});
  work.git('remote', 'add', 'origin', remote.dir);
  if (options.hooksPath) work.git('config', 'core.hooksPath', options.hooksPath);
  const backups = path.join(base, 'backups');
  mkdirSync(backups, { mode: 0o700 });
  if (options.config !== false)
    work.write({
      'vault-change-gate.config.json': JSON.stringify({ snapshots: { dir: backups }, decisionLog: 'decisions.jsonl' }),
      '.gitignore': 'decisions.jsonl\n',
    });
  const installed = await runCli(['install-hook', '--repo', work.dir]);
  expect(installed.code, installed.stderr).toBe(0);
  return {
    remote,
    work,
    backups,
    push: (...args) => {
      const r = spawnSync('git', ['push', '-q', ...args], {
        cwd: work.dir,
        env: { ...work.env, NO_COLOR: '1' },
        encoding: 'utf8',
      });
      return { code: r.status, stderr: r.stderr };
    },
    remoteHas: (ref) => spawnSync('git', ['rev-parse', '--verify', '--quiet', ref], { cwd: remote.dir }).status === 0,
  };
}

export const freshSnapshot = (s: Setup) =>
  writeFileSync(path.join(s.backups, 'vault.snap'), buildSnapshot({ takenAt: new Date(Date.now() - 60_000) }), {
    mode: 0o600,
  });
