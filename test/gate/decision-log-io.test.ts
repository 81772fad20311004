import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/shared.js';
import { tempFiles } from '../helpers/tmp.js';

const cli = path.join(repoRoot, 'bin/vault-change-gate.js');

const configured = (config: object): string =>
  tempFiles({ 'vault-change-gate.config.json': JSON.stringify(config) }, 'io-');

describe.skipIf(!existsSync('/dev/full'))('a decision log that fails mid-write (/dev/full: ENOSPC on write)', () => {
  it('is exit 2 with one line, in-process and as a whole process; never a go, never a stack trace', async () => {
    const dir = configured({ decisionLog: '/dev/full' });
    const r = await runCli(['check', '--op', 'GET sys/health'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot write the decision log \/dev\/full \(no space left on the device\)/);
    const p = spawnSync(process.execPath, [cli, 'check', '--op', 'vault secrets enable kv', '--override', 'CHG-1'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(p.status).toBe(2);
    expect(p.stderr.trim().split('\n')).toHaveLength(1);
    expect(p.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });
});
