import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/config/duration.js';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/shared.js';
import { tempDir } from '../helpers/tmp.js';

const cli = path.join(repoRoot, 'bin/vault-change-gate.js');

function configured(config: object): string {
  const dir = tempDir('io-');
  writeFileSync(path.join(dir, 'vault-change-gate.config.json'), JSON.stringify(config));
  return dir;
}

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

describe('durations too long to compute with', () => {
  it.each(['99999999999999999999w', '9007199254740993ms', '5300w', '1w36525d'])(
    '%s is a configuration error (exit 2), not a default',
    async (text) => {
      const configs = [{ snapshots: { maxAge: { default: text } } }, { snapshots: { maxAge: { upgrade: text } } }, { clockSkew: text }];
      for (const config of configs) {
        const r = await runCli(['check', '--op', 'vault secrets enable kv'], { cwd: configured(config) });
        expect(r.code, JSON.stringify(config)).toBe(2);
        expect(r.stderr).toMatch(/at most 100 years/);
      }
    },
  );

  it('long but sane durations still parse', () => {
    expect(parseDuration('52w')).toBe(52 * 604_800_000);
    expect(parseDuration('36500d')).toBe(36_500 * 86_400_000);
    expect(parseDuration('99999999999999999999w')).toBeNull();
  });
});
