/** The CLI's exit codes, the same in every command (README, "Exit codes"). */
export const ExitCode = {
  /** Go; for `classify`, every operation understood. */
  Go: 0,
  NoGo: 1,
  /** A usage or configuration error (any UserError), or in `classify` an operation that is not understood. */
  Usage: 2,
  /** An unexpected failure: a bug. */
  Bug: 3,
  /** `exec`: the command was found but could not be run, or was not found (as shells report them). */
  CannotRun: 126,
  NotFound: 127,
  /** Stopped by Ctrl-C (SIGINT) or SIGTERM: 128 + the signal's number, as shells report them. */
  Interrupted: 130,
  Terminated: 143,
} as const;

/**
 * The exit code of a decision, the same in check, exec and the hook: 0 go (an override included), 2 when an
 * operation is not understood (as classify exits for it: the input must be fixed first, whatever else blocks),
 * else 1.
 */
export const decisionExitCode = (d: {
  readonly allowed: boolean;
  readonly operations: readonly { readonly verdict: string }[];
}): number =>
  d.allowed ? ExitCode.Go : d.operations.some((o) => o.verdict === 'invalid') ? ExitCode.Usage : ExitCode.NoGo;

/** The exit code of a run ended by a signal, as shells report it. */
export const signalExitCode = (signalNumber: number): number => 128 + signalNumber;
