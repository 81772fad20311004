import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellWords } from '../../src/classify/shell.js';
import { repoRoot } from '../helpers/shared.js';
import { tempDir } from '../helpers/tmp.js';

describe('npm run demo (examples/demo.sh)', () => {
  const demoDir = path.join(tempDir(), 'demo snapshots');
  const r = spawnSync('bash', [path.join(repoRoot, 'examples', 'demo.sh')], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1', VAULT_CHANGE_GATE_DEMO_DIR: demoDir },
    encoding: 'utf8',
  });
  const echoed = r.stdout.split('\n').filter((l) => l.startsWith('$ vault-change-gate '));
  const exits = [...r.stdout.matchAll(/^\(exit (\d+)\)$/gm)].map((m) => Number(m[1]));

  it('ends on a GO with a fresh demo snapshot, beside a NO-GO with the bundled old one', () => {
    expect(r.status, r.stderr).toBe(0);
    expect(exits).toEqual([0, 1, 1, 0, 0, 0]);
    const last = r.stdout.slice(r.stdout.lastIndexOf('$ vault-change-gate check'));
    expect(last).toMatch(/^GO: .*covered by .*vault-demo-\d{8}T\d{6}Z\.snap \(taken \d+s ago\)/m);
    expect(r.stdout).toMatch(/^NO-GO: .*vault-raft-2026-11-20\.snap, is .* old\./m);
  });

  it('echoes each command so that pasting it gives the same arguments', () => {
    expect(echoed.length).toBe(6);
    const upgrade = echoed.find((l) => l.includes('--op')) as string;
    const words = shellWords(upgrade.slice(2));
    if ('error' in words) throw new Error(words.error);
    expect(words.words).toContain('upgrade 1.16.2 -> 1.17.0');
    const demo = echoed.find((l) => l.includes('--snapshot-dir') && l.includes('demo snapshots')) as string;
    const demoWords = shellWords(demo.slice(2));
    if ('error' in demoWords) throw new Error(demoWords.error);
    expect(demoWords.words).toContain(demoDir);
  });
});
