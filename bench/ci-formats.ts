import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bigPlan } from './terraform.js';
import { mib, now, ok, table } from './util.js';

const median = (runs: number[]): number => [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;

/**
 * `check --plan` on a 20,000-change plan, as a whole CLI process, without and with `--format sarif --output FILE`
 * (which still prints the same text): the runs alternate, so both see the same machine load.
 */
export function benchCiFormats(): void {
  const N = 20_000;
  const dir = mkdtempSync(path.join(tmpdir(), 'vcg-bench-ci-'));
  writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(bigPlan(N)));
  const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../bin/vault-change-gate.js');
  // Each process writes its own CPU time (user + system) at exit: on a shared machine, wall time measures the
  // neighbours too, CPU time only the work done.
  const cpuFile = path.join(dir, 'cpu.txt');
  const preload = path.join(dir, 'cpu.cjs');
  writeFileSync(
    preload,
    'process.on("exit", () => { const u = process.cpuUsage(); ' +
      `require("fs").writeFileSync(${JSON.stringify(cpuFile)}, String((u.user + u.system) / 1000)); });\n`,
  );
  const time = (extra: string[]): { wall: number; cpu: number } => {
    const t = now();
    const r = spawnSync(process.execPath, ['--require', preload, cli, 'check', '--plan', 'plan.json', ...extra], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    const wall = now() - t;
    if (r.status !== 1) throw new Error(`bench: check --plan exited ${r.status}: ${r.stderr}`);
    return { wall, cpu: Number(readFileSync(cpuFile, 'utf8')) };
  };
  const plain: { wall: number; cpu: number }[] = [];
  const sarif: { wall: number; cpu: number }[] = [];
  time([]); // warm the file cache
  for (let i = 0; i < 7; i++) {
    plain.push(time([]));
    sarif.push(time(['--format', 'sarif', '--output', 'report.sarif']));
  }
  const cpu = (runs: { cpu: number }[]) => median(runs.map((r) => r.cpu));
  const wall = (runs: { wall: number }[]) => median(runs.map((r) => r.wall));
  const added = (cpu(sarif) - cpu(plain)) / cpu(plain);
  const size = mib(statSync(path.join(dir, 'report.sarif')).size);
  const row = (what: string, runs: { wall: number; cpu: number }[]) =>
    [what, `${cpu(runs).toFixed(0)} ms CPU (${wall(runs).toFixed(0)} ms wall)`, '', ''] as const;
  table(
    `ci formats: check --plan on a plan of ${N.toLocaleString('en-US')} resource changes (median of 7, alternating)`,
    [
      row('check --plan (text)', plain),
      row(`check --plan --format sarif --output (${size})`, sarif),
      ['added by SARIF (CPU time)', `${(added * 100).toFixed(1)} %`, '<= 20 % (issue #16)', ok(added <= 0.2)],
    ],
  );
}
