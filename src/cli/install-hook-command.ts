import { parseArgs } from 'node:util';
import { installHook, uninstallHook } from '../hook/install.js';
import { parseUsage } from './args.js';
import { cliScript } from './package-root.js';
import type { Io } from './output.js';
import { ExitCode } from './exit-codes.js';

export async function installHookCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseUsage('install-hook', () =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { repo: { type: 'string' }, force: { type: 'boolean' } },
    }),
  );
  const { resolve } = await import('node:path');
  const result = await installHook({
    repo: resolve(io.cwd, values.repo ?? '.'),
    force: Boolean(values.force),
    node: process.execPath,
    cli: cliScript(),
  });
  io.stdout(
    `Installed the pre-push hook at ${result.path}${result.chained ? ' (the hook that was there runs first)' : ''}.\n`,
  );
  return ExitCode.Go;
}

export async function uninstallHookCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseUsage('uninstall-hook', () =>
    parseArgs({ args, strict: true, allowPositionals: false, options: { repo: { type: 'string' } } }),
  );
  const { resolve } = await import('node:path');
  const result = await uninstallHook({ repo: resolve(io.cwd, values.repo ?? '.') });
  io.stdout(
    `Removed the pre-push hook at ${result.path}${result.restored ? ' and put back the hook it had kept' : ''}.\n`,
  );
  return ExitCode.Go;
}
