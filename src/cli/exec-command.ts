import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { redactLoose } from '../classify/redact.js';
import { check, type CheckOptions } from '../gate/check.js';
import { ChangeLockError, withChangeLock } from '../gate/change-lock.js';
import type { InProgress } from '../gate/schema.js';
import { parseCheckArgs } from './check-args.js';
import { snapshotProgress } from './check-command.js';
import { UsageError } from './errors.js';
import { trapInterrupts } from './interrupt.js';
import type { Io } from './output.js';
import { renderDecision } from './render-decision.js';
import { decisionExitCode, ExitCode, signalExitCode } from './exit-codes.js';
import { emitReport, type ReportChoice } from './report-output.js';
import { reportFromDecision } from '../report/index.js';
import { InterruptedError } from '../vault/transport.js';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/**
 * `exec [check options] -- COMMAND ARGS...`: takes the change lock of the snapshot folders for the whole run (no
 * `snapshot save` starts during it), decides, and only on a go runs the command with inherited stdio, forwards
 * signals to it and exits with its exit code (128 + N when a signal ended it). On a no-go the command never starts.
 * A lock it cannot take (a snapshot being taken, a stale lock) is decided with the rest: a no-go for a change that
 * needs a backup.
 */
export async function execCommand(args: string[], io: Io): Promise<number> {
  const dash = args.indexOf('--');
  if (dash === -1 || dash === args.length - 1)
    throw new UsageError('exec: put the command after "--": vault-change-gate exec [check options] -- COMMAND ARGS...');
  const [command, ...commandArgs] = args.slice(dash + 1) as [string, ...string[]];
  const { options, json, report } = await parseCheckArgs('exec', args.slice(0, dash), io);
  const run: Run = { command, args: commandArgs, json, report };
  // Shown to whoever the lock stops: the command line with anything secret-looking masked, never a token.
  const reason = `exec ${redactLoose([command, ...commandArgs]).slice(0, 200)}`;
  try {
    return await withChangeLock({ ...options, reason }, () => decideThenRun(options, run, io));
  } catch (error) {
    if (!(error instanceof ChangeLockError)) throw error;
    const { code, reason: why } = error.obstacle;
    const refused: InProgress = { code, severity: 'no-go', reason: why };
    return decideThenRun({ ...options, inProgress: [refused] }, run, io);
  }
}

interface Run {
  readonly command: string;
  readonly args: string[];
  readonly json: boolean;
  readonly report: ReportChoice;
}

async function decideThenRun(options: CheckOptions, run: Run, io: Io): Promise<number> {
  const progress = snapshotProgress(io, run.json);
  // Taking a snapshot writes a file: an interrupt while deciding removes it, then exits 130 or 143.
  const trap = options.takeSnapshot !== undefined ? trapInterrupts() : null;
  const decided = check({
    ...options,
    ...(trap ? { signal: trap.signal } : {}),
    ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
  }).finally(() => {
    progress.done();
    trap?.release();
  });
  const decision = await decided.catch((error: unknown) => {
    if (trap?.exitCode() || error instanceof InterruptedError) return null;
    throw error;
  });
  const interrupted = trap?.exitCode();
  if (decision === null || interrupted) {
    io.stderr('vault-change-gate: interrupted; nothing was run, and no snapshot file was left behind.\n');
    return interrupted ?? ExitCode.Interrupted;
  }
  // The decision goes to stderr: stdout belongs to the command.
  await emitReport(io, io.stderr, run.report, {
    text: () => renderDecision(decision, io),
    json: () => `${JSON.stringify(decision, null, 2)}\n`,
    report: () => reportFromDecision(decision),
  });
  if (!decision.allowed) return decisionExitCode(decision);
  return runInherited(run.command, run.args, io);
}

function runInherited(command: string, args: string[], io: Io): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env: io.env as NodeJS.ProcessEnv, cwd: io.cwd });
    const forward = (signal: NodeJS.Signals) => () => {
      if (child.exitCode === null) child.kill(signal);
    };
    const handlers = FORWARDED.map((s) => [s, forward(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    const cleanup = () => {
      for (const [s, h] of handlers) process.off(s, h);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      cleanup();
      io.stderr(
        `vault-change-gate: cannot run ${command}: ${error.code === 'ENOENT' ? 'command not found' : error.message}\n`,
      );
      resolve(error.code === 'ENOENT' ? ExitCode.NotFound : ExitCode.CannotRun);
    });
    child.on('exit', (code, signal) => {
      cleanup();
      if (signal) resolve(signalExitCode(constants.signals[signal] ?? 0));
      else resolve(code ?? 1); // neither a code nor a signal: a plain failure, as a shell would say
    });
  });
}
