import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GitDir } from './gitdir.js';

/**
 * The package as users get it: `npm pack` of the built tree (scripts skipped: `prepare` would rebuild dist/ under
 * other running tests), installed with `--ignore-scripts` into an empty project, as on a machine with no compiler.
 * Dependencies come from npm's cache when it holds them (CI's `npm ci` fills it), the registry otherwise.
 */
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** `root`: the repository's folder (its dist/ built). */
export function packTarball(root: string): string {
  const dest = mkdtempSync(path.join(tmpdir(), 'vcg-pack-'));
  const out = execFileSync(npm, ['pack', '--ignore-scripts', '--silent', '--pack-destination', dest], {
    cwd: root,
    encoding: 'utf8',
  });
  return path.join(dest, out.trim().split('\n').at(-1) as string);
}

export interface PackedInstall {
  readonly dir: string;
  readonly ms: number;
  /** The installed CLI, to run with node. */
  readonly cli: string;
}

export function installPacked(tarball: string): PackedInstall {
  const dir = mkdtempSync(path.join(tmpdir(), 'vcg-install-'));
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'vcg-install-probe', version: '1.0.0', private: true }),
  );
  const args = [
    'install',
    tarball,
    '--ignore-scripts',
    '--prefer-offline',
    '--no-audit',
    '--no-fund',
    '--no-save',
    '--loglevel=error',
  ];
  const started = performance.now();
  const r = spawnSync(npm, args, { cwd: dir, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`npm install of the packed package failed: ${r.stderr || r.stdout}`);
  return { dir, ms, cli: path.join(dir, 'node_modules', 'vault-change-gate', 'bin', 'vault-change-gate.js') };
}

/**
 * A real repository with one `.tf` change that the gate must read with the HCL parser (an audit device removed,
 * which is a /sys write), classified by the installed CLI with `classify --git-range`.
 */
export function classifyTfChange(install: PackedInstall): { code: number | null; stdout: string; stderr: string } {
  const repo = new GitDir(path.join(install.dir, 'repo'));
  repo.commit(
    {
      'main.tf':
        'resource "vault_audit" "file" {\n  type = "file"\n  options = { file_path = "/var/log/vault.log" }\n}\n',
    },
    'base',
  );
  repo.commit({ 'main.tf': '# audit moved elsewhere\n' }, 'drop audit');
  const r = spawnSync(process.execPath, [install.cli, 'classify', '--git-range', 'HEAD~1..HEAD', '--json'], {
    cwd: repo.dir,
    env: { ...repo.env, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
