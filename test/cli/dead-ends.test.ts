import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';

describe('no dead ends for a newcomer', () => {
  it('says first that no evidence source is given, with the three ways to give one', async () => {
    const dir = tempDir();
    const r = await runCli(['check', '--op', 'POST sys/mounts/kv'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toMatch(/^NO-GO: .*no evidence source is given \(NO_EVIDENCE_SOURCE\)/);
    const next = r.stdout.slice(r.stdout.indexOf('Next:'));
    expect(next.split('\n')[1]).toMatch(/--snapshot-dir DIR.*--snapshot FILE.*"snapshots": \{ "dir"/);
    const json = JSON.parse((await runCli(['check', '--json', '--op', 'POST sys/mounts/kv'], { cwd: dir })).stdout);
    expect(json.nextSteps[0].code).toBe('NO_EVIDENCE_SOURCE');
  });

  it('names a folder in the "take a snapshot" step that the next run is told to read, and that run goes', async () => {
    const home = tempDir();
    const dir = tempDir();
    const r = await runCli(['check', '--op', 'POST sys/mounts/kv'], { cwd: dir });
    const take = /Take a snapshot now: mkdir -m 700 -p (\S+) && vault operator raft snapshot save (\S+)/.exec(r.stdout);
    const again = /Then run the same check again with --snapshot-dir (\S+)\./.exec(r.stdout);
    expect(take && again).toBeTruthy();
    const [, folder, file] = take as RegExpExecArray;
    expect(path.dirname(file as string)).toBe(folder);
    expect(again?.[1]).toBe(folder);
    // Do exactly that (with ~ as the shell would expand it): the same check, with the folder it named, goes.
    const real = (p: string) => p.replace(/^~/, home);
    mkdirSync(real(folder as string), { recursive: true, mode: 0o700 });
    writeFileSync(real(file as string), buildSnapshot(), { mode: 0o600 });
    const second = await runCli(['check', '--op', 'POST sys/mounts/kv', '--snapshot-dir', real(folder as string)], {
      cwd: dir,
    });
    expect(second.code, second.stdout).toBe(0);
  });

  it('says how many files a folder holds when none matched the pattern, naming some', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'backups'), { mode: 0o700 });
    writeFileSync(path.join(dir, 'backups', 'raft-backup.snapshot'), buildSnapshot(), { mode: 0o600 });
    writeFileSync(path.join(dir, 'backups', 'README'), 'x');
    const r = await runCli(['check', '--op', 'POST sys/mounts/kv', '--snapshot-dir', 'backups'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toContain('0 files matched **/*.snap in backups (2 files there)');
    expect(r.stdout).toMatch(/NOTHING_MATCHED .*not matching: README, raft-backup\.snapshot/);
    const fixed = ['check', '--op', 'POST sys/mounts/kv', '--snapshot-dir', 'backups', '--pattern', '*.snapshot'];
    expect((await runCli(fixed, { cwd: dir })).code).toBe(0);
    mkdirSync(path.join(dir, 'empty'), { mode: 0o700 });
    const empty = await runCli(['check', '--op', 'POST sys/mounts/kv', '--snapshot-dir', 'empty'], { cwd: dir });
    expect(empty.stdout).toContain('0 files matched **/*.snap in empty (0 files there)');
  });

  it('after an override, says what was recorded and where, not "take a snapshot, then push again"', async () => {
    const dir = tempDir();
    const argv = ['check', '--op', 'POST sys/mounts/kv', '--override', 'CHG-7: restored from tape'];
    const r = await runCli(argv, { cwd: dir });
    expect(r.code).toBe(0);
    const next = r.stdout.slice(r.stdout.indexOf('Next:'));
    expect(next).not.toMatch(/Take a snapshot|run the same check again|push again/);
    expect(next).toMatch(/recorded in this decision .*no decisionLog is configured/);
    mkdirSync(path.join(dir, 'log'));
    writeFileSync(path.join(dir, 'vault-change-gate.config.json'), '{ "decisionLog": "log/decisions.jsonl" }');
    const logged = await runCli(argv, { cwd: dir });
    expect(logged.stdout).toMatch(/appended to the decision log log\/decisions\.jsonl/);
  });

  it('suggests a plan JSON file that does not overwrite the binary plan', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'tfplan'), Buffer.from([0x50, 0x4b, 3, 4, 0, 0]));
    for (const cmd of ['classify', 'check']) {
      const r = await runCli(cmd === 'classify' ? [cmd, '--plan', 'tfplan'] : [cmd, '--plan', 'tfplan'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('terraform show -json tfplan > tfplan.json');
      expect(r.stderr).not.toMatch(/> tfplan(\s|$)/);
    }
  });

  it('snapshot inspect --json is an object for one file and an array for several; --json-lines is always lines', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.snap'), buildSnapshot());
    writeFileSync(path.join(dir, 'b.snap'), buildSnapshot());
    const one = JSON.parse((await runCli(['snapshot', 'inspect', '--json', 'a.snap'], { cwd: dir })).stdout);
    expect(Array.isArray(one)).toBe(false);
    const two = JSON.parse((await runCli(['snapshot', 'inspect', '--json', 'a.snap', 'b.snap'], { cwd: dir })).stdout);
    expect(two).toHaveLength(2);
    for (const files of [['a.snap'], ['a.snap', 'b.snap']]) {
      const r = await runCli(['snapshot', 'inspect', '--json-lines', ...files], { cwd: dir });
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines.map((l) => JSON.parse(l).file)).toEqual(files);
    }
    expect((await runCli(['snapshot', 'inspect', '--json', '--json-lines', 'a.snap'], { cwd: dir })).code).toBe(2);
  });

  it('classify --json is always an array; its table has headers and says the rule once, in a footer', async () => {
    const json = JSON.parse((await runCli(['classify', '--json', 'POST sys/mounts/kv'])).stdout);
    expect(Array.isArray(json)).toBe(true);
    const r = await runCli(['classify', 'POST sys/mounts/kv', 'POST sys/auth/x', 'vault operator step-down']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^VERDICT\s+CATEGORY\s+REQUEST\s+OPERATION$/);
    expect(r.stdout.match(/storage docs advise/g)).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^BACKUP FIRST: Vault's storage docs advise a backup before any write to \/sys/);
    // A reason that says more than the rule stays under its row.
    const bad = await runCli(['classify', 'POST sys//x']);
    expect(bad.stdout.split('\n')[2]).toMatch(/^ {4}Not understood/);
  });

  it('makes a fresh demo snapshot that the gate takes as evidence, with a DEMO_SNAPSHOT warning', async () => {
    const dir = tempDir();
    const made = await runCli(['snapshot', 'demo', 'demo'], { cwd: dir });
    expect(made.code, made.stderr).toBe(0);
    // A rekey needs a fresh snapshot and no configuration bundle (an upgrade would need both).
    const r = await runCli(['check', '--json', '--op', 'vault operator rekey -init', '--snapshot-dir', 'demo'], {
      cwd: dir,
    });
    const d = JSON.parse(r.stdout);
    expect(r.code).toBe(0);
    expect(d.snapshot.file).toMatch(/^demo\/vault-demo-\d{8}T\d{6}Z\.snap$/);
    expect(d.warnings.map((w: { code: string }) => w.code)).toContain('DEMO_SNAPSHOT');
    const strict = ['check', '--strict', '--op', 'vault operator rekey -init', '--snapshot-dir', 'demo'];
    expect((await runCli(strict, { cwd: dir })).code).toBe(1);
  });
});
