import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { GitDir } from '../helpers/gitdir.js';
import { repoRoot } from '../helpers/shared.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { tempDir } from '../helpers/tmp.js';

/** What a CI runner would give a step: a workspace, and what the shell printed and returned. */
export interface StepRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const readYaml = (file: string): Record<string, unknown> =>
  parse(readFileSync(path.join(repoRoot, file), 'utf8')) as Record<string, unknown>;

/** Runs a script as a CI runner's shell would (GitHub: bash --noprofile --norc -eo pipefail FILE; GitLab: sh -e). */
export function runShell(shell: string[], script: string, cwd: string, env: Record<string, string>): StepRun {
  const file = path.join(tempDir('step-'), 'step.sh');
  writeFileSync(file, script);
  const r = spawnSync(shell[0] as string, [...shell.slice(1), file], { cwd, env, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A PATH with a `vault-change-gate` that runs this checkout's build, and a `npm` that only writes down its calls. */
export function toolPath(): { bin: string; npmLog: string } {
  const bin = tempDir('bin-');
  const npmLog = path.join(bin, 'npm.log');
  writeFileSync(
    path.join(bin, 'vault-change-gate'),
    `#!/bin/sh\nexec "${process.execPath}" "${path.join(repoRoot, 'bin', 'vault-change-gate.js')}" "$@"\n`,
  );
  writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\necho "npm $*" >> "${npmLog}"\n`);
  writeFileSync(path.join(bin, 'node'), `#!/bin/sh\nexec "${process.execPath}" "$@"\n`);
  for (const f of ['vault-change-gate', 'npm', 'node']) chmodSync(path.join(bin, f), 0o755);
  return { bin, npmLog };
}

/** The environment a step starts with: no inherited GITHUB_ or CI_ variables, our PATH first. */
export function baseEnv(bin: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !/^(GITHUB_|CI_|VCG_|RUNNER_|VAULT_)/.test(k)) env[k] = v;
  env.PATH = `${bin}:${process.env.PATH ?? ''}`;
  env.NO_COLOR = '1';
  return env;
}

/**
 * A Terraform repository with two commits: the second adds a mount (a /sys write) and a secret (not /sys), and a
 * plan JSON of the same; a folder of snapshots: `fresh` holds one taken a minute ago, `empty` none.
 */
export function workspace(): { dir: string; base: string; head: string; fresh: string; empty: string } {
  const repo = new GitDir();
  const base = repo.commit({ 'vault/main.tf': 'provider "vault" {}\n' }, 'base');
  const head = repo.commit(
    {
      'vault/mounts.tf': 'resource "vault_mount" "team" {\n  path = "team-kv"\n  type = "kv-v2"\n}\n',
      'vault/secrets.tf':
        'resource "vault_kv_secret_v2" "app" {\n  mount = vault_mount.team.path\n' +
        '  name = "app"\n  data_json = "{}"\n}\n',
    },
    'add a mount',
  );
  const fresh = path.join(repo.dir, 'backups', 'fresh');
  const empty = path.join(repo.dir, 'backups', 'empty');
  mkdirSync(fresh, { recursive: true, mode: 0o700 });
  mkdirSync(empty, { recursive: true, mode: 0o700 });
  chmodSync(path.join(repo.dir, 'backups'), 0o700);
  writeFileSync(path.join(fresh, 'vault.snap'), buildSnapshot({ takenAt: new Date(Date.now() - 60_000) }), {
    mode: 0o600,
  });
  writeFileSync(
    path.join(repo.dir, 'plan.json'),
    readFileSync(path.join(repoRoot, 'examples', 'terraform', 'plan.json'), 'utf8'),
  );
  return { dir: repo.dir, base, head, fresh: 'backups/fresh', empty: 'backups/empty' };
}
