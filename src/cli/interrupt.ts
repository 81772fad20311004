import { ExitCode } from './exit-codes.js';

/** Exit codes of a run stopped by a signal, as shells report them (128 + the signal's number). */
const EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: ExitCode.Interrupted, SIGTERM: ExitCode.Terminated };

export interface InterruptTrap {
  /** Aborted at the first Ctrl-C or SIGTERM. */
  readonly signal: AbortSignal;
  /** 130 after SIGINT, 143 after SIGTERM; null while none came. */
  readonly exitCode: () => number | null;
  /** Gives the signals back to Node's defaults. */
  readonly release: () => void;
}

/**
 * Ctrl-C and SIGTERM abort the work in flight instead of killing the process at once, so that what was being
 * written is removed first; the command then exits 130 or 143.
 */
export function trapInterrupts(): InterruptTrap {
  const controller = new AbortController();
  let code: number | null = null;
  const on = (name: 'SIGINT' | 'SIGTERM') => () => {
    code ??= EXIT[name];
    controller.abort();
  };
  const handlers = { SIGINT: on('SIGINT'), SIGTERM: on('SIGTERM') };
  process.on('SIGINT', handlers.SIGINT);
  process.on('SIGTERM', handlers.SIGTERM);
  return {
    signal: controller.signal,
    exitCode: () => code,
    release: () => {
      process.off('SIGINT', handlers.SIGINT);
      process.off('SIGTERM', handlers.SIGTERM);
    },
  };
}
