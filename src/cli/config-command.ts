import { loadConfig } from '../config/load.js';
import { configJsonSchema } from '../config/json-schema.js';
import { UsageError } from './errors.js';
import type { Io } from './output.js';
import { ExitCode } from './exit-codes.js';

/** `config schema` prints the JSON Schema for editors; `config check [FILE]` validates a config file (exit 0 or 2). */
export async function configCommand(args: string[], io: Io): Promise<number> {
  const [sub, file, ...rest] = args;
  if (sub === 'schema' && file === undefined) {
    io.stdout(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return ExitCode.Go;
  }
  if (sub === 'check' && rest.length === 0) {
    const loaded = await loadConfig({ cwd: io.cwd, ...(file !== undefined ? { file } : {}) });
    io.stdout(
      loaded.file
        ? `${loaded.file}: valid\n`
        : 'No vault-change-gate.config.json here or at the git root: the defaults apply.\n',
    );
    return ExitCode.Go;
  }
  throw new UsageError('config: use "config schema" or "config check [FILE]"');
}
