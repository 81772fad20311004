import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConfigError } from '../../src/config/load.js';
import { check } from '../../src/gate/check.js';
import { fsErrorWords } from '../../src/shared/fs-errors.js';
import { runCli } from '../helpers/cli.js';

function folder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vcg-mistake-'));
  onTestFinished(() => {
    chmodSync(path.join(dir, 'locked.sh'), 0o600);
    rmSync(dir, { recursive: true, force: true });
  });
  mkdirSync(path.join(dir, 'a-folder.sh'));
  writeFileSync(path.join(dir, 'locked.sh'), 'vault operator rekey -init\n', { mode: 0o000 });
  writeFileSync(path.join(dir, 'file'), '');
  symlinkSync('loop.sh', path.join(dir, 'loop.sh'));
  return dir;
}

const asRoot = process.getuid?.() === 0;

describe('one mistake, one error, from every entry point', () => {
  const cases: [string, string][] = [
    ['missing.sh', 'no such file'],
    ['a-folder.sh', 'it is a folder'],
    ['file/under-a-file.sh', 'a part of the path is not a folder'],
    ['loop.sh', 'too many symbolic links'],
    ...(asRoot ? [] : ([['locked.sh', 'permission denied']] as [string, string][])),
  ];
  for (const [script, words] of cases) {
    it(`an unreadable --script (${words}) is the same ConfigError from check, classify and the library`, async () => {
      const dir = folder();
      const sentence = `cannot read the script ${script}: ${words}`;
      await expect(check({ cwd: dir, scripts: [script] })).rejects.toThrow(new ConfigError(sentence));
      await expect(check({ cwd: dir, scripts: [script] })).rejects.toBeInstanceOf(ConfigError);
      const commands = [['classify'], ['check'], ['exec', '--', 'true']];
      for (const argv of commands.map(([name, ...rest]) => [name as string, '--script', script, ...rest])) {
        const r = await runCli(argv, { cwd: dir });
        expect([r.code, r.stderr], argv.join(' ')).toEqual([2, `vault-change-gate: ${sentence}\n`]);
      }
    });
  }

  it('puts codes into the same words for reading and writing, and never invents words for an unknown code', () => {
    const e = (code?: string) => Object.assign(new Error('x'), code ? { code } : {});
    expect(fsErrorWords(e('ENOENT'))).toBe('no such file');
    expect(fsErrorWords(e('ENOENT'), true)).toBe('its folder does not exist');
    expect(fsErrorWords(e('EACCES'), true)).toBe('permission denied');
    expect(fsErrorWords(e('EMFILE'))).toBe('too many open files');
    expect(fsErrorWords(e('EWHATEVER'))).toBe('EWHATEVER');
    expect(fsErrorWords(e())).toBe('unreadable');
    expect(fsErrorWords('not an error', true)).toBe('error');
  });
});
