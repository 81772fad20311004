import { UserError } from '../errors.js';
import { UsageError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { processIo, type Io } from './output.js';
import { asksForHelp, globalHelp, ISSUES_URL, renderHelp, usageFor } from './usage.js';

/** The global help, built from the usage registry (src/cli/usage.ts). */
export const helpText = globalHelp();

type Command = (args: string[], io: Io) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  classify: async () => (await import('./classify-command.js')).classifyCommand,
  snapshot: async () => (await import('./snapshot-command.js')).snapshotCommand,
  check: async () => (await import('./check-command.js')).checkCommand,
  exec: async () => (await import('./exec-command.js')).execCommand,
  lock: async () => (await import('./lock-command.js')).lockCommand,
  status: async () => (await import('./status-command.js')).statusCommand,
  config: async () => (await import('./config-command.js')).configCommand,
  'config-bundle': async () => (await import('./config-bundle-command.js')).configBundleCommand,
  hook: async () => (await import('./hook-command.js')).hookCommand,
  'install-hook': async () => (await import('./install-hook-command.js')).installHookCommand,
  'uninstall-hook': async () => (await import('./install-hook-command.js')).uninstallHookCommand,
};

/** Runs the CLI and returns its exit code; it never calls process.exit. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    if (name === 'help' && rest.length) return helpCommand(rest, io);
    (name === undefined ? io.stderr : io.stdout)(helpText);
    return name === undefined ? ExitCode.Usage : ExitCode.Go;
  }
  if (name === '--version' || name === 'version') {
    const { readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { packageRoot } = await import('./package-root.js');
    const pkg = JSON.parse(await readFile(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
    io.stdout(`${pkg.version}\n`);
    return ExitCode.Go;
  }
  const load = commands[name];
  try {
    if (!load) throw new UsageError(`unknown command "${name}"; run "vault-change-gate help" for the list`);
    const help = helpAsked(name, rest);
    if (help !== null) {
      io.stdout(help);
      return ExitCode.Go;
    }
    return await (
      await load()
    )(rest, io);
  } catch (error) {
    // Every error that is the user's to fix extends UserError (src/errors.ts): one line, exit 2. Else a bug.
    if (error instanceof UserError) {
      io.stderr(`vault-change-gate: ${error.message}\n`);
      return ExitCode.Usage;
    }
    io.stderr(
      `vault-change-gate: unexpected failure (a bug); please report it with this output at ${ISSUES_URL}\n${error instanceof Error ? error.stack : String(error)}\n`,
    );
    return ExitCode.Bug;
  }
}

/** `help COMMAND [SUBCOMMAND]`: that command's usage, exit 0; an unknown name is a usage error. */
function helpCommand(words: string[], io: Io): number {
  const found = usageFor(words.join(' ')) ?? (words.length > 1 ? undefined : usageFor(words[0] as string));
  if (!found) {
    io.stderr(`vault-change-gate: no command "${words.join(' ')}"; run "vault-change-gate help" for the list\n`);
    return ExitCode.Usage;
  }
  io.stdout(renderHelp(found));
  return ExitCode.Go;
}

/**
 * The help text when the arguments ask for it (`--help`/`-h`), else null. Decided before the command runs, so that
 * `hook pre-push --help` never waits on standard input. `snapshot --help` shows every snapshot subcommand.
 */
function helpAsked(name: string, rest: string[]): string | null {
  const sub = rest[0] !== undefined ? usageFor(`${name} ${rest[0]}`) : undefined;
  const found = sub && !Array.isArray(sub) ? sub : usageFor(name);
  if (!found) return null;
  const args = found === sub ? rest.slice(1) : rest;
  const options = Array.isArray(found) ? [] : (found as Exclude<typeof found, readonly unknown[]>).options;
  return asksForHelp(args, options) ? renderHelp(found) : null;
}
