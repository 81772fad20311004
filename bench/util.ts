import { cpus, loadavg } from 'node:os';

/** Small helpers shared by the benchmarks: timing, memory, and a side-by-side table. */
export const now = (): number => Number(process.hrtime.bigint()) / 1e6;

export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
export const perSecond = (n: number, ms: number): string => `${Math.round((n / ms) * 1000).toLocaleString('en-US')}/s`;

/** Prints rows of [what, measured, target/baseline, verdict] aligned, under a heading. */
export function table(title: string, rows: readonly (readonly [string, string, string, string])[]): void {
  const head = ['measure', 'ours', 'target / baseline', 'ok'] as const;
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  console.log(`\n${title}`);
  for (const r of all) console.log(`  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd());
}

export const ok = (pass: boolean): string => (pass ? 'yes' : 'NO');

/**
 * The machine's load as the figures were taken: a 2-core machine shared with other work gives wall times that mean
 * little without it (a bench's own processes count too).
 */
export const machineLoad = (): string =>
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')} (1 / 5 / 15 min) on ${cpus().length} cores`;
