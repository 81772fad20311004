import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClassificationSchema } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

describe('vault-change-gate classify', () => {
  it('prints a table and exits 0 when every operation is understood', async () => {
    const r = await runCli(['classify', 'POST sys/mounts/kv', 'GET sys/health']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^BACKUP FIRST\s+mounts\s+POST sys\/mounts\/kv/m);
    expect(r.stdout).toMatch(/^read-only\s+status\s+GET sys\/health/m);
    expect(r.stdout).toContain('1 BACKUP FIRST, 1 read-only');
    expect(r.stderr).toBe('');
  });

  it('prints a JSON array in input order, each entry of the documented shape, and exits 2 on an invalid one', async () => {
    const r = await runCli([
      'classify',
      '--json',
      'vault operator rekey -init',
      'POST sys//x',
      'upgrade 1.16.2 -> 1.17.0',
    ]);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as unknown[];
    expect(out.map((c) => ClassificationSchema.parse(c).verdict)).toEqual(['backup-first', 'invalid', 'backup-first']);
    expect(Object.keys(out[0] as object)).toEqual(
      expect.arrayContaining(['input', 'verdict', 'category', 'method', 'path', 'namespace', 'reason']),
    );
  });

  it('reads one operation per line from --stdin, skipping blanks and comments', async () => {
    const r = await runCli(['classify', '--json', '--stdin'], {
      stdin: '# planned\nPOST sys/rotate\n\nvault policy list\r\n',
    });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { verdict: string }[]).map((c) => c.verdict)).toEqual([
      'backup-first',
      'read-only',
    ]);
  });

  it('reads a runbook with --script and names file and line', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'run book é.sh');
    writeFileSync(file, 'vault status\nvault operator rekey -init\n');
    const r = await runCli(['classify', '--script', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${file}:2`);
  });

  it('takes VAULT_NAMESPACE from the environment', async () => {
    const r = await runCli(['classify', '--json', 'vault secrets enable kv'], { env: { VAULT_NAMESPACE: 'team-a' } });
    expect((JSON.parse(r.stdout) as { namespace: string }[])[0]?.namespace).toBe('team-a');
  });

  it.each([
    [['classify'], /give at least one operation/],
    [['classify', '--nope'], /Unknown option '--nope'/],
    [['classify', '--script', '/no/such/file.sh'], /cannot read the script \/no\/such\/file.sh: no such file/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('%j is a usage error: exit 2, one line, no stack', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('prints help and the version', async () => {
    expect((await runCli(['help'])).stdout).toContain('Exit codes');
    expect((await runCli(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
