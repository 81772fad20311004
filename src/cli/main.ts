import { UserError } from '../errors.js';
import { UsageError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { processIo, type Io } from './output.js';

export const helpText = `vault-change-gate: stops risky Vault changes until a fresh, verified backup exists.

Usage:
  vault-change-gate classify [--json] [--stdin] [--script FILE]... [--plan FILE]...
                             [--git-range BASE..HEAD] [OP]...
  vault-change-gate snapshot inspect [--json] [--depth N] FILE...
  vault-change-gate snapshot save [--json] FILE              (from VAULT_ADDR, streamed and verified)
  vault-change-gate check [--json] [--op OP]... [--script FILE]... [--plan FILE]...
                          [--git-range BASE..HEAD] [--stdin]
                          [--snapshot FILE]... [--snapshot-dir DIR] [--pattern GLOB]
                          [--snapshot-url s3://…|azure://…|gs://…]...
                          [--config FILE] [--override REASON] [--strict]
                          [--vault [--take-snapshot DIR] [--auto-snapshot NAME]]
  vault-change-gate exec [check options] -- COMMAND ARGS...
  vault-change-gate status [--json] [--format prometheus]   (newest verified snapshot per cluster and source)
  vault-change-gate config schema | check [FILE]
  vault-change-gate install-hook [--repo DIR] [--force]     (and uninstall-hook [--repo DIR])
  vault-change-gate hook pre-push REMOTE URL                 (what the git hook runs)
  vault-change-gate help

Operations (OP):
  "POST sys/mounts/kv"              an HTTP request (METHOD PATH; /v1/ and a namespace prefix are understood)
  "vault operator rekey -init"      a vault command line
  "upgrade 1.16.2 -> 1.17.0"        a Vault upgrade (or "upgrade 1.17.0" to compare with the running version)

Exit codes:
  0  go / every operation understood
  1  no-go
  2  usage or configuration error, or an operation that is not understood
  3  unexpected failure (a bug: please report it with the output)
`;

type Command = (args: string[], io: Io) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  classify: async () => (await import('./classify-command.js')).classifyCommand,
  snapshot: async () => (await import('./snapshot-command.js')).snapshotCommand,
  check: async () => (await import('./check-command.js')).checkCommand,
  exec: async () => (await import('./exec-command.js')).execCommand,
  status: async () => (await import('./status-command.js')).statusCommand,
  config: async () => (await import('./config-command.js')).configCommand,
  hook: async () => (await import('./hook-command.js')).hookCommand,
  'install-hook': async () => (await import('./install-hook-command.js')).installHookCommand,
  'uninstall-hook': async () => (await import('./install-hook-command.js')).uninstallHookCommand,
};

/** Runs the CLI and returns its exit code; it never calls process.exit. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
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
      `vault-change-gate: unexpected failure; please report it with this output.\n${error instanceof Error ? error.stack : String(error)}\n`,
    );
    return ExitCode.Bug;
  }
}
