import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { GitDir } from '../helpers/gitdir.js';

/** One rule per situation, the same in every command (README, "Exit codes"). */
describe('exit codes agree across commands', () => {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'folder'));
  mkdirSync(path.join(dir, 'snaps'));
  writeFileSync(path.join(dir, 'snaps', 'fresh.snap'), buildSnapshot());

  it.each(['POST sys//mounts/kv', 'vault frobnicate sys/x', 'GET sys/../sys/mounts'])(
    'an operation not understood (%s) exits 2 in classify, check and exec',
    async (op) => {
      const runs = [
        await runCli(['classify', op], { cwd: dir }),
        await runCli(['check', '--op', op], { cwd: dir }),
        await runCli(['check', '--op', op, '--snapshot-dir', 'snaps'], { cwd: dir }),
        await runCli(['check', '--json', '--op', op, '--op', 'POST sys/mounts/kv'], { cwd: dir }),
        await runCli(['exec', '--op', op, '--', 'true'], { cwd: dir }),
      ];
      expect(runs.map((r) => r.code)).toEqual(runs.map(() => ExitCode.Usage));
    },
  );

  it('a folder where a file is expected exits 2 everywhere, as a missing file does', async () => {
    const argvs = [
      ['snapshot', 'inspect', 'folder'],
      ['snapshot', 'inspect', '--json', 'folder'],
      ['check', '--op', 'POST sys/mounts/kv', '--snapshot', 'folder'],
      ['check', '--op', 'POST sys/mounts/kv', '--script', 'folder'],
      ['check', '--op', 'POST sys/mounts/kv', '--plan', 'folder'],
      ['check', '--op', 'POST sys/mounts/kv', '--config', 'folder'],
      ['classify', '--script', 'folder'],
      ['classify', '--plan', 'folder'],
      ['config', 'check', 'folder'],
      ['snapshot', 'save', 'folder'],
      ['snapshot', 'inspect', 'missing.snap'],
      ['check', '--op', 'POST sys/mounts/kv', '--snapshot', 'missing.snap'],
    ];
    for (const argv of argvs) {
      const r = await runCli(argv, { cwd: dir });
      expect(r.code, argv.join(' ')).toBe(ExitCode.Usage);
      expect(r.stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1);
    }
  });

  it('a file where a folder is expected exits 2', async () => {
    writeFileSync(path.join(dir, 'file.txt'), 'x');
    const r = await runCli(['check', '--op', 'POST sys/mounts/kv', '--snapshot-dir', 'file.txt'], { cwd: dir });
    expect(r.code).toBe(ExitCode.Usage);
  });

  it('a no-go the gate understood exits 1 in check and exec, and a go 0', async () => {
    const op = 'POST sys/mounts/kv';
    expect((await runCli(['check', '--op', op], { cwd: dir })).code).toBe(ExitCode.NoGo);
    expect((await runCli(['exec', '--op', op, '--', 'true'], { cwd: dir })).code).toBe(ExitCode.NoGo);
    expect((await runCli(['check', '--op', op, '--snapshot-dir', 'snaps'], { cwd: dir })).code).toBe(ExitCode.Go);
    expect((await runCli(['exec', '--op', op, '--snapshot-dir', 'snaps', '--', 'true'], { cwd: dir })).code).toBe(0);
  });

  it('an override lets even an operation not understood go, exit 0, recorded', async () => {
    const r = await runCli(['check', '--op', 'POST sys//x', '--override', 'CHG-1: checked by hand'], { cwd: dir });
    expect(r.code).toBe(ExitCode.Go);
    expect(r.stdout).toMatch(/^GO \(OVERRIDDEN\)/);
  });

  it('a usage error exits 2 with one line in every command', async () => {
    for (const argv of [
      ['classify', '--nope'],
      ['check', '--nope'],
      ['exec', '--op', 'x'],
      ['snapshot', 'inspect', '--nope', 'x'],
      ['snapshot', 'save'],
      ['snapshot', 'demo'],
      ['snapshot', 'frob'],
      ['config', 'frob'],
      ['install-hook', '--nope'],
      ['uninstall-hook', 'x'],
      ['hook', 'post-push'],
      ['frobnicate'],
    ]) {
      const r = await runCli(argv, { cwd: dir });
      expect(r.code, argv.join(' ')).toBe(ExitCode.Usage);
      expect(r.stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1);
    }
  });

  it('the hook exits 2 for a change it cannot read, 1 for one that needs a backup, as check does', async () => {
    const repo = new GitDir();
    const base = repo.commit({ 'vault-change-gate.config.json': '{ "snapshots": { "dir": "snaps" } }' }, 'base');
    mkdirSync(path.join(repo.dir, 'snaps'), { mode: 0o700 });
    const push = async (files: Record<string, string>) => {
      const head = repo.commit(files);
      const stdin = `refs/heads/main ${head} refs/heads/main ${base}\n`;
      return (await runCli(['hook', 'pre-push', 'origin', '/nowhere'], { cwd: repo.dir, stdin, env: repo.env })).code;
    };
    expect(await push({ 'main.tf': 'resource "vault_mount" "kv" {\n  path = "kv"\n  type = "kv"\n}\n' })).toBe(1);
    expect(await push({ 'main.tf': 'resource "vault_mount" "kv" {\n  path = \n' })).toBe(ExitCode.Usage);
  });
});
