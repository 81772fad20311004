import { statSync } from 'node:fs';
import path from 'node:path';
import { check } from '../gate/check.js';
import { parseCheckArgs } from './check-args.js';
import type { Io } from './output.js';
import { progressBar } from './progress.js';
import { renderDecision } from './render-decision.js';

export async function checkCommand(args: string[], io: Io): Promise<number> {
  const { options, json } = await parseCheckArgs('check', args, io);
  const progress = snapshotProgress(io, json);
  try {
    const decision = await check({ ...options, ...(progress.onProgress ? { onProgress: progress.onProgress } : {}) });
    progress.done();
    io.stdout(json ? `${JSON.stringify(decision, null, 2)}\n` : renderDecision(decision, io));
    return decision.allowed ? 0 : 1;
  } finally {
    progress.done();
  }
}

/** One progress bar per large snapshot file as it is verified, on a terminal only. */
export function snapshotProgress(io: Io, json: boolean): { onProgress?: (file: string, bytes: number) => void; done: () => void } {
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
