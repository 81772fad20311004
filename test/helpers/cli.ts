import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/output.js';
import { repoRoot } from './shared.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with captured output; NO_COLOR and not a TTY, as CI sees it. */
export async function runCli(
  argv: string[],
  options: { stdin?: string; env?: Record<string, string | undefined>; cwd?: string; isTTY?: boolean } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readStdin: async () => options.stdin ?? '',
    isTTY: options.isTTY ?? false,
    stderrIsTTY: options.isTTY ?? false,
    columns: 80,
    env: { NO_COLOR: '1', ...options.env },
    cwd: options.cwd ?? repoRoot,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
