import { statSync } from 'node:fs';
import path from 'node:path';
import { check } from '../gate/check.js';
import { parseCheckArgs } from './check-args.js';
import { trapInterrupts } from './interrupt.js';
import type { Io } from './output.js';
import { progressBar } from './progress.js';
import { renderDecision } from './render-decision.js';
import { decisionExitCode, ExitCode } from './exit-codes.js';
import { emitReport, exitFor } from './report-output.js';
import { decisionWarned, reportFromDecision } from '../report/index.js';
import { InterruptedError } from '../vault/transport.js';

export async function checkCommand(args: string[], io: Io): Promise<number> {
  const { options, json, report } = await parseCheckArgs('check', args, io);
  const progress = snapshotProgress(io, json);
  // Taking a snapshot writes a file: an interrupt must remove it first, then exit 130 or 143.
  const trap = options.takeSnapshot !== undefined ? trapInterrupts() : null;
  try {
    const decision = await check({
      ...options,
      ...(trap ? { signal: trap.signal } : {}),
      ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
    });
    progress.done();
    const interrupted = trap?.exitCode();
    if (interrupted) return stopped(io, interrupted);
    await emitReport(io, io.stdout, report, {
      text: () => renderDecision(decision, io),
      json: () => `${JSON.stringify(decision, null, 2)}\n`,
      report: () => reportFromDecision(decision),
    });
    const outcome = { passed: decision.allowed, warned: () => decisionWarned(decision) };
    return exitFor(outcome, report.failOn, decisionExitCode(decision));
  } catch (error) {
    const interrupted = trap?.exitCode();
    if (interrupted) return stopped(io, interrupted);
    if (error instanceof InterruptedError) return stopped(io, ExitCode.Interrupted);
    throw error;
  } finally {
    progress.done();
    trap?.release();
  }
}

function stopped(io: Io, code: number): number {
  io.stderr('vault-change-gate: interrupted; no decision was made, and no snapshot file was left behind.\n');
  return code;
}

/** One progress bar per large snapshot file as it is verified, on a terminal only. */
export function snapshotProgress(
  io: Io,
  json: boolean,
): { onProgress?: (file: string, bytes: number) => void; done: () => void } {
  if (json || !io.stderrIsTTY) return { done: () => {} };
  let current: { file: string; bar: ReturnType<typeof progressBar> } | null = null;
  return {
    onProgress: (file, bytes) => {
      if (current?.file !== file) {
        current?.bar.done();
        let size = 0;
        try {
          size = statSync(file).size;
        } catch {
          // gone meanwhile: no bar
        }
        current = { file, bar: progressBar(io, size, path.basename(file), true) };
      }
      current.bar.update(bytes);
    },
    done: () => {
      current?.bar.done();
      current = null;
    },
  };
}
