import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { inspectSnapshot, SnapshotReadError, type SnapshotInspection } from '../snapshot/index.js';
import { parseUsage } from './args.js';
import { UsageError } from './errors.js';
import type { Io } from './output.js';
import { progressBar, streamProgress } from './progress.js';
import { renderInspection } from './render-inspection.js';

export async function snapshotCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'inspect') return inspectCommand(rest, io);
  if (sub === 'save') return saveCommand(rest, io);
  throw new UsageError(sub === undefined ? 'snapshot: name a subcommand: inspect or save' : `snapshot: unknown subcommand "${sub}" (inspect or save)`);
}

async function inspectCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseUsage('snapshot inspect', () =>
    parseArgs({ args, allowPositionals: true, strict: true, options: { json: { type: 'boolean' }, depth: { type: 'string' } } }),
  );
  if (positionals.length === 0) throw new UsageError('snapshot inspect: name at least one snapshot FILE');
  const depth = values.depth === undefined ? 1 : Number(values.depth);
  if (!Number.isInteger(depth) || depth < 1 || depth > 10) throw new UsageError('snapshot inspect: --depth takes a whole number from 1 to 10');
  const results: SnapshotInspection[] = [];
  let unreadable = false;
  for (const file of positionals) {
    const full = path.resolve(io.cwd, file);
    const size = await stat(full).then((s) => (s.isFile() ? s.size : 0), () => 0);
    const bar = progressBar(io, size, path.basename(file), !values.json);
    try {
      results.push(await inspectSnapshot(full, { file, keyDepth: depth, onProgress: bar.update }));
    } catch (error) {
      if (!(error instanceof SnapshotReadError)) throw error;
      io.stderr(`vault-change-gate: ${error.message.replace(full, file)}\n`);
      unreadable = true;
    } finally {
      bar.done();
    }
  }
  if (values.json) {
    if (results.length) io.stdout(`${JSON.stringify(positionals.length === 1 ? results[0] : results, null, 2)}\n`);
  } else io.stdout(results.map((r) => renderInspection(r, io)).join('\n'));
  if (unreadable) return 2;
  return results.every((r) => r.valid) ? 0 : 1;
}

async function saveCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseUsage('snapshot save', () => parseArgs({ args, allowPositionals: true, strict: true, options: { json: { type: 'boolean' } } }));
  if (positionals.length !== 1) throw new UsageError('snapshot save: name one FILE to write');
  const file = positionals[0] as string;
  const { createVaultClient, readVaultSettings, saveSnapshot, SnapshotSaveError } = await import('../vault/index.js');
  const client = createVaultClient(readVaultSettings(io.env));
  // Interrupted (Ctrl-C, TERM): the partial file is removed before exiting.
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const bar = streamProgress(io, path.basename(file), !values.json);
  try {
    const result = await saveSnapshot(client, path.resolve(io.cwd, file), { onProgress: bar.update, signal: abort.signal });
    bar.done();
    io.stdout(values.json ? `${JSON.stringify({ ...result, file }, null, 2)}\n` : `Saved and verified ${file}: ${result.format} snapshot, index ${result.index}, taken ${result.takenAt}, ${result.bytes} bytes, sha256 ${result.sha256}.\n`);
    return 0;
  } catch (error) {
    bar.done();
    if (!(error instanceof SnapshotSaveError)) throw error;
    io.stderr(`vault-change-gate: no snapshot saved: ${error.message}.\n`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
