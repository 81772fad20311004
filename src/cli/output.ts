/** Where a command writes; tests pass their own to read what a person would see. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Standard input, read whole (only when a command asks for it). */
  readonly readStdin: () => Promise<string>;
  readonly isTTY: boolean;
  /** Whether stderr is a terminal (progress bars go there). */
  readonly stderrIsTTY: boolean;
  /** Terminal width for progress bars. */
  readonly columns: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export function processIo(): Io {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    isTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    columns: process.stderr.columns || 80,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Colours only on a terminal, and never with NO_COLOR set (https://no-color.org). */
export function palette(io: Io): {
  red: (s: string) => string;
  green: (s: string) => string;
  yellow: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
} {
  const on = io.isTTY && !io.env.NO_COLOR;
  const wrap = (code: number, reset: number) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[${reset}m` : s);
  return { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}
