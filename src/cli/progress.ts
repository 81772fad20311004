import type { Io } from './output.js';

const MiB = 1024 * 1024;

/**
 * A progress bar on stderr for long reads: bytes, rate and time left. Only on a terminal, only for files over
 * 64 MiB, and never with --json; redraws at most ten times a second (by the clock, without timers).
 */
export function progressBar(
  io: Io,
  total: number,
  label: string,
  enabled: boolean,
): { update: (bytes: number) => void; done: () => void } {
  if (!enabled || !io.stderrIsTTY || total <= 64 * MiB) return { update: () => {}, done: () => {} };
  const start = Date.now();
  let last = 0;
  let drawn = false;
  const draw = (bytes: number): void => {
    const elapsed = Math.max((Date.now() - start) / 1000, 0.001);
    const rate = bytes / elapsed;
    const left = rate > 0 ? Math.max(0, (total - bytes) / rate) : 0;
    const fraction = Math.min(1, bytes / total);
    const text = ` ${(fraction * 100).toFixed(0).padStart(3)}% ${(bytes / MiB).toFixed(1)}/${(total / MiB).toFixed(1)} MiB ${(rate / MiB).toFixed(0)} MiB/s ${left.toFixed(0)}s left ${label}`;
    const width = Math.max(10, Math.min(40, io.columns - text.length - 4));
    const filled = Math.round(fraction * width);
    io.stderr(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]${text}`.slice(0, io.columns - 1));
    drawn = true;
  };
  return {
    update(bytes) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      draw(bytes);
    },
    done() {
      if (drawn) io.stderr(`\r${' '.repeat(Math.max(0, io.columns - 1))}\r`);
    },
  };
}

/** Progress of a stream of unknown length (a download): bytes and rate, on a terminal only. */
export function streamProgress(
  io: Io,
  label: string,
  enabled: boolean,
): { update: (bytes: number) => void; done: () => void } {
  if (!enabled || !io.stderrIsTTY) return { update: () => {}, done: () => {} };
  const start = Date.now();
  let last = 0;
  let drawn = false;
  return {
    update(bytes) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const rate = bytes / Math.max((now - start) / 1000, 0.001);
      io.stderr(
        `\r${label}: ${(bytes / MiB).toFixed(1)} MiB, ${(rate / MiB).toFixed(0)} MiB/s`.slice(0, io.columns - 1),
      );
      drawn = true;
    },
    done() {
      if (drawn) io.stderr(`\r${' '.repeat(Math.max(0, io.columns - 1))}\r`);
    },
  };
}
