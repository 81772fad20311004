import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/load.js';
import { snapshotFileName } from '../gate/next-steps.js';
import { fsErrorWords } from '../shared/fs-errors.js';
import { buildDemoSnapshot } from '../snapshot/demo.js';
import { inspectSnapshot } from '../snapshot/index.js';
import { parseUsage } from './args.js';
import { UsageError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import type { Io } from './output.js';

/**
 * `snapshot demo DIR`: writes a fresh, valid demo snapshot into DIR (created 0700; the file 0600, never over an
 * existing one), verified as any snapshot is, so that the gate can be tried without a Vault.
 */
export async function demoCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseUsage('snapshot demo', () =>
    parseArgs({ args, allowPositionals: true, strict: true, options: { json: { type: 'boolean' } } }),
  );
  if (positionals.length !== 1) throw new UsageError('snapshot demo: name the folder DIR to write the snapshot into');
  const dir = positionals[0] as string;
  const now = new Date();
  const shown = path.join(dir, snapshotFileName(now.toISOString()).replace(/^vault-/, 'vault-demo-'));
  const file = path.resolve(io.cwd, shown);
  try {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(file, buildDemoSnapshot(now), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    throw new ConfigError(`cannot write the demo snapshot ${shown}: ${fsErrorWords(error)}`);
  }
  const inspection = await inspectSnapshot(file, { file: shown });
  io.stdout(
    values.json
      ? `${JSON.stringify(inspection, null, 2)}\n`
      : `Wrote ${shown}: a valid Vault snapshot taken ${inspection.takenAt}, made for trying the gate. ` +
          'It holds no data of yours: it is no backup.\n',
  );
  return inspection.valid ? ExitCode.Go : ExitCode.Bug;
}
