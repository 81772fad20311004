import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { inspectSnapshot, SnapshotReadError, type SnapshotInspection } from '../snapshot/index.js';
import { parseUsage } from './args.js';
import { UsageError } from './errors.js';
import { trapInterrupts } from './interrupt.js';
import type { Io } from './output.js';
import { progressBar, streamProgress } from './progress.js';
import { renderInspection } from './render-inspection.js';
import { ExitCode } from './exit-codes.js';

export async function snapshotCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'inspect') return inspectCommand(rest, io);
  if (sub === 'save') return saveCommand(rest, io);
  if (sub === 'demo') return (await import('./snapshot-demo-command.js')).demoCommand(rest, io);
  throw new UsageError(
    sub === undefined
      ? 'snapshot: name a subcommand: inspect, save or demo'
      : `snapshot: unknown subcommand "${sub}" (inspect, save or demo)`,
  );
}

async function inspectCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseUsage('snapshot inspect', () =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { json: { type: 'boolean' }, 'json-lines': { type: 'boolean' }, depth: { type: 'string' } },
    }),
  );
  if (positionals.length === 0) throw new UsageError('snapshot inspect: name at least one snapshot FILE');
  if (values.json && values['json-lines'])
    throw new UsageError('snapshot inspect: use --json or --json-lines, not both');
  const machine = Boolean(values.json || values['json-lines']);
  const depth = values.depth === undefined ? 1 : Number(values.depth);
  if (!Number.isInteger(depth) || depth < 1 || depth > 10)
    throw new UsageError('snapshot inspect: --depth takes a whole number from 1 to 10');
  const results: SnapshotInspection[] = [];
  let unreadable = false;
  for (const file of positionals) {
    const full = path.resolve(io.cwd, file);
    const size = await stat(full).then(
      (s) => (s.isFile() ? s.size : 0),
      () => 0,
    );
    const bar = progressBar(io, size, path.basename(file), !machine);
    try {
      const inspected = await inspectSnapshot(full, { file, keyDepth: depth, onProgress: bar.update });
      // A folder (or FIFO) named where a file is expected: a usage error (exit 2), as a missing file is.
      const notAFile = inspected.problems.find((p) => p.code === 'NOT_A_FILE');
      if (notAFile) throw new SnapshotReadError(notAFile.reason, 'NOT_A_FILE');
      results.push(inspected);
    } catch (error) {
      if (!(error instanceof SnapshotReadError)) throw error;
      io.stderr(`vault-change-gate: ${error.message.replace(full, file)}\n`);
      unreadable = true;
    } finally {
      bar.done();
    }
  }
  // --json: one object for one FILE, an array for several (documented); --json-lines: one line per file, always.
  if (values['json-lines']) io.stdout(results.map((r) => `${JSON.stringify(r)}\n`).join(''));
  else if (values.json) {
    if (results.length) io.stdout(`${JSON.stringify(positionals.length === 1 ? results[0] : results, null, 2)}\n`);
  } else io.stdout(results.map((r) => renderInspection(r, io)).join('\n'));
  if (unreadable) return ExitCode.Usage;
  return results.every((r) => r.valid) ? ExitCode.Go : ExitCode.NoGo;
}

async function saveCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseUsage('snapshot save', () =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { json: { type: 'boolean' }, 'break-stale-lock': { type: 'boolean' } },
    }),
  );
  if (positionals.length !== 1) throw new UsageError('snapshot save: name one FILE to write');
  const file = positionals[0] as string;
  // A folder where the file should go is a usage error (exit 2), before Vault is asked anything.
  if ((await stat(path.resolve(io.cwd, file)).catch(() => null))?.isDirectory())
    throw new UsageError(`snapshot save: ${file} is a folder; name the snapshot FILE to write in it`);
  const vault = await import('../vault/index.js');
  // Interrupted (Ctrl-C, TERM) at any moment: the download stops, nothing is left behind, exit 130 or 143.
  const trap = trapInterrupts();
  const client = vault.createVaultClient(vault.readVaultSettings(io.env), { signal: trap.signal });
  const bar = streamProgress(io, path.basename(file), !values.json);
  try {
    // Who the snapshot is of, for its sidecar: an address that does not answer as Vault is no source of a backup.
    const facts = await vault.gatherClusterFacts(client);
    if (!facts.reachable) {
      throw new vault.SnapshotSaveError(facts.error ?? `Vault at ${client.address} cannot be reached`);
    }
    const { clusterId, clusterName, version, appliedIndex } = facts;
    const identity = { clusterId, clusterName, version, appliedIndex };
    // The folder's lock: no snapshot during a change (CHANGE_IN_PROGRESS) or beside another one.
    const lock = { breakStale: Boolean(values['break-stale-lock']) };
    const options = { onProgress: bar.update, signal: trap.signal, identity, lock };
    const result = await vault.saveSnapshot(client, path.resolve(io.cwd, file), options);
    bar.done();
    const sidecar = vault.sidecarPath(file);
    io.stdout(
      values.json
        ? `${JSON.stringify({ ...result, file, sidecar }, null, 2)}\n`
        : `Saved and verified ${file}: ${result.format} snapshot, index ${result.index}, taken ${result.takenAt}, ` +
            `${result.bytes} bytes, sha256 ${result.sha256}; sidecar ${sidecar}.\n`,
    );
    return ExitCode.Go;
  } catch (error) {
    bar.done();
    if (error instanceof vault.InterruptedError || trap.exitCode() !== null) {
      io.stderr('vault-change-gate: interrupted; no snapshot was saved and nothing was left behind.\n');
      return trap.exitCode() ?? ExitCode.Interrupted;
    }
    if (!(error instanceof vault.SnapshotSaveError)) throw error;
    const code = error instanceof vault.SnapshotLockedError ? ` [${error.obstacle.code}]` : '';
    io.stderr(`vault-change-gate: no snapshot saved${code}: ${error.message.replace(/\.$/, '')}.\n`);
    return ExitCode.NoGo;
  } finally {
    trap.release();
  }
}
