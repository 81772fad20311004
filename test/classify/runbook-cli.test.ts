import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const workspace = (files: Record<string, string>): string => {
  const dir = tempDir('runbook-');
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
};

describe('runbooks through the CLI', () => {
  it('says so when nothing at all was found in a script, in classify and in the decision', async () => {
    const dir = workspace({ 'notes.sh': '#!/bin/sh\necho "remember to back up"\nsystemctl restart vault\n' });
    const table = await runCli(['classify', '--script', 'notes.sh'], { cwd: dir });
    expect(table.code).toBe(0);
    expect(table.stderr).toMatch(
      /warning: No vault command, curl call to \/v1\/ or Vault upgrade was found in notes\.sh/,
    );
    const decision = await runCli(['check', '--json', '--script', 'notes.sh'], { cwd: dir });
    expect(JSON.parse(decision.stdout).warnings.map((w: { code: string }) => w.code)).toContain('SCRIPT_NOTHING_FOUND');
    expect(decision.code).toBe(0);
    // Strict mode makes every warning a no-go, this one included.
    const strict = await runCli(['check', '--json', '--strict', '--script', 'notes.sh'], { cwd: dir });
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout).reasons.join(' ')).toMatch(/SCRIPT_NOTHING_FOUND/);
  });

  it('follows a wrapper named in runbooks.wrappers, and refuses it as invalid without', async () => {
    const files = { 'run.sh': 'with_retries 3 vault operator raft remove-peer vault-2\n' };
    const without = await runCli(['classify', '--json', '--script', 'run.sh'], { cwd: workspace(files) });
    expect(without.code).toBe(2);
    expect(JSON.parse(without.stdout)[0].reason).toMatch(/"with_retries".*runbooks\.wrappers/);
    const config = JSON.stringify({ runbooks: { wrappers: ['with_retries'] } });
    const dir = workspace({ ...files, 'vault-change-gate.config.json': config });
    const named = await runCli(['classify', '--json', '--script', 'run.sh'], { cwd: dir });
    expect(named.code).toBe(0);
    expect(JSON.parse(named.stdout)[0]).toMatchObject({
      verdict: 'backup-first',
      path: 'sys/storage/raft/remove-peer',
      line: 1,
    });
    const check = await runCli(['check', '--json', '--script', 'run.sh'], { cwd: dir });
    expect(JSON.parse(check.stdout).operations[0]).toMatchObject({ category: 'raft', status: 'no-snapshot' });
  });

  it('escapes raw control characters of the input in human output', async () => {
    const dir = workspace({ 'run.sh': 'vault write "sys/mounts/x\x1b[2K\rgood" type=kv\n' });
    const table = await runCli(['classify', '--script', 'run.sh'], { cwd: dir });
    expect(table.stdout).not.toMatch(/[\x1b\r]/);
    expect(table.stdout).toContain('\\x1b[2K\\x0dgood');
    const decision = await runCli(['check', '--script', 'run.sh'], { cwd: dir });
    expect(decision.stdout + decision.stderr).not.toMatch(/\x1b\[2K|\r/);
  });
});
