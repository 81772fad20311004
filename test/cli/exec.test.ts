import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/shared.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('exec-');
writeFileSync(path.join(dir, 'fresh.snap'), buildSnapshot({ takenAt: new Date(Date.now() - 60_000) }), { mode: 0o600 });
const node = process.execPath;

describe('vault-change-gate exec', () => {
  it('runs the command on a go and passes its exit code through', async () => {
    const r = await runCli(
      ['exec', '--op', 'POST sys/mounts/kv', '--snapshot', 'fresh.snap', '--', node, '-e', 'process.exit(7)'],
      { cwd: dir },
    );
    expect(r.code).toBe(7);
    expect(r.stderr.split('\n')[0]).toMatch(/^GO: /);
    expect(r.stdout).toBe('');
  });

  it('never starts the command on a no-go', async () => {
    const marker = path.join(dir, 'started');
    const r = await runCli(
      [
        'exec',
        '--op',
        'upgrade 1.16.2 -> 1.17.0',
        '--',
        node,
        '-e',
        `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`,
      ],
      { cwd: dir },
    );
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/^NO-GO: /);
    expect(existsSync(marker)).toBe(false);
  });

  it('reads the operations from the runbook it runs', async () => {
    writeFileSync(path.join(dir, 'runbook.sh'), 'vault operator rekey -init\n');
    const r = await runCli(['exec', '--script', 'runbook.sh', '--', 'true'], { cwd: dir });
    expect(r.code).toBe(1);
  });

  it('says when the command cannot be found (127), and needs "--" (usage, 2)', async () => {
    expect((await runCli(['exec', '--op', 'GET sys/health', '--', 'no-such-command-xyz'], { cwd: dir })).code).toBe(
      127,
    );
    expect((await runCli(['exec', '--op', 'GET sys/health', 'true'], { cwd: dir })).code).toBe(2);
  });

  it('forwards a signal to the command and exits 128+N when the signal ends it', async () => {
    const cli = spawn(
      node,
      [
        path.join(repoRoot, 'bin/vault-change-gate.js'),
        'exec',
        '--op',
        'GET sys/health',
        '--',
        node,
        '-e',
        'console.log("ready"); setInterval(() => {}, 1000)',
      ],
      {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    await new Promise<void>((resolve) =>
      cli.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()),
    );
    cli.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => cli.on('exit', (c) => resolve(c)));
    expect(code).toBe(143);
  });
});
