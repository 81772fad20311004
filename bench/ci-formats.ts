import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bigPlan } from './terraform.js';
import { mib, now, ok, table } from './util.js';

/** The median of `runs` timings of a whole CLI process. */
function median(runs: number[]): number {
  return [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
}

/**
 * `check --plan` on a 20,000-change plan, as a whole CLI process, without and with `--format sarif --output FILE`
 * (which still prints the same text): the runs alternate, so both see the same machine load.
 */
export function benchCiFormats(): void {
  const N = 20_000;
  const dir = mkdtempSync(path.join(tmpdir(), 'vcg-bench-ci-'));
  writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(bigPlan(N)));
  const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../bin/vault-change-gate.js');
  const time = (extra: string[]): number => {
    const t = now();
    const r = spawnSync(process.execPath, [cli, 'check', '--plan', 'plan.json', ...extra], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    const ms = now() - t;
    if (r.status !== 1) throw new Error(`bench: check --plan exited ${r.status}: ${r.stderr}`);
    return ms;
  };
  const plain: number[] = [];
  const sarif: number[] = [];
  time([]); // warm the file cache
  for (let i = 0; i < 5; i++) {
    plain.push(time([]));
    sarif.push(time(['--format', 'sarif', '--output', 'report.sarif']));
  }
  const base = median(plain);
  const withSarif = median(sarif);
  const added = (withSarif - base) / base;
  table(`ci formats: check --plan on a plan of ${N.toLocaleString('en-US')} resource changes (median of 5)`, [
    ['check --plan (text)', `${base.toFixed(0)} ms`, '', ''],
    [
      `check --plan --format sarif --output (${mib(statSync(path.join(dir, 'report.sarif')).size)})`,
      `${withSarif.toFixed(0)} ms`,
      '',
      '',
    ],
    ['added by SARIF', `${(added * 100).toFixed(1)} %`, '<= 20 % (issue #16)', ok(added <= 0.2)],
  ]);
}
