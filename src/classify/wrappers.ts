/**
 * Commands that run another command given as their arguments (`timeout 30 vault …`, `su vault -c '…'`), and how
 * to find that command: which of their options take a value, how many plain arguments come before the command, and
 * which option hands a whole script to a shell.
 */

interface WrapperSpec {
  /** Options that take a value as the next word (or after `=` for long ones). */
  readonly values?: string;
  /** Plain arguments before the command: the duration of `timeout`, the lock file of `flock`, the user of `su`. */
  readonly skip?: number;
  /** Skip leading numbers and durations (`retry 5 10s vault …`). */
  readonly numbers?: boolean;
  /** Options whose value is a shell script (`su -c '…'`, `flock F -c '…'`, `env -S '…'`). */
  readonly script?: string;
  /** `NAME=value` words before the command set its environment (env, sudo). */
  readonly assignments?: boolean;
  /** The arguments are joined into one script (eval, demo-magic's `pe "…"`). */
  readonly evalArgs?: boolean;
  /** Options that make the command not run anything (`command -v vault`). */
  readonly query?: string;
  /**
   * Options that start a shell when no command follows (`sudo -i`, `sudo -s`), or `*` when any bare call does
   * (`su - vault`): that shell reads the wrapper's standard input as a script.
   */
  readonly shell?: string;
}

const SPECS: Readonly<Record<string, WrapperSpec>> = {
  sudo: {
    values: '-u -g -h -p -C -D -r -t -U -T --user --group --host --prompt --chdir --role --type --other-user',
    assignments: true,
    shell: '-i -s --login --shell',
  },
  doas: { values: '-u -C', shell: '-s' },
  env: { values: '-u -C --unset --chdir', script: '-S --split-string', assignments: true },
  nice: { values: '-n --adjustment' },
  ionice: { values: '-c -n -p -P -u --class --classdata' },
  nohup: {},
  time: { values: '-f -o --format --output' },
  command: { query: '-v -V' },
  builtin: {},
  exec: { values: '-a' },
  setsid: {},
  stdbuf: { values: '-i -o -e --input --output --error' },
  unbuffer: {},
  chronic: {},
  timeout: { values: '-s -k --signal --kill-after', skip: 1 },
  flock: { values: '-w -E --timeout --conflict-exit-code', script: '-c --command', skip: 1 },
  su: {
    values: '-g -G -s -w --group --supp-group --shell --whitelist-environment',
    script: '-c --command --session-command',
    skip: 1,
    shell: '*',
  },
  runuser: {
    values: '-u -g -G -s -w --user --group --supp-group --shell',
    script: '-c --command --session-command',
    skip: 1,
    shell: '*',
  },
  retry: { values: '-t -d -m --times --delay --max', numbers: true },
  watch: { values: '-n -d --interval --differences -q --equexit' },
  xargs: {
    values:
      '-a -d -E -e -I -i -L -l -n -P -s --arg-file --delimiter --eof --replace --max-lines --max-args --max-procs ' +
      '--max-chars --process-slot-var',
  },
  // An image's entrypoint script runs its arguments (Vault's: `docker-entrypoint.sh vault server -config=…`).
  'docker-entrypoint.sh': {},
  eval: { evalArgs: true },
  pe: { evalArgs: true },
  pei: { evalArgs: true },
  p: { evalArgs: true },
  trap: { evalArgs: true },
};

type OptionSets = { values: Set<string>; script: Set<string>; query: Set<string>; shell: Set<string> };
const sets = new Map<string, OptionSets>();
const setsOf = (name: string, spec: WrapperSpec): OptionSets => {
  let s = sets.get(name);
  if (!s) {
    const split = (t?: string) => new Set((t ?? '').split(' ').filter(Boolean));
    s = { values: split(spec.values), script: split(spec.script), query: split(spec.query), shell: split(spec.shell) };
    sets.set(name, s);
  }
  return s;
};

export const isWrapper = (name: string): boolean => Object.hasOwn(SPECS, name);

export type Unwrapped =
  /** The wrapped command's words, and `NAME=value` words given to the wrapper. */
  | { readonly kind: 'command'; readonly words: string[]; readonly assignments: string[] }
  /** A script string to read as shell (su -c, eval, flock -c). */
  | { readonly kind: 'script'; readonly text: string }
  /**
   * The wrapper runs no command given on its line (`command -v vault`); `shell` when it starts a shell that reads
   * its standard input instead (`su - vault`, `sudo -i`, `sudo -s`).
   */
  | { readonly kind: 'none'; readonly shell?: boolean };

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const NUMBER = /^\d+(\.\d+)?[smhd]?$/;

/** Finds what the wrapper `words[0]` (by its base name `name`) runs. */
export function unwrapCommand(name: string, words: readonly string[]): Unwrapped {
  const spec = SPECS[name] as WrapperSpec;
  const { values, script, query, shell } = setsOf(name, spec);
  if (spec.evalArgs) {
    // `trap 'cmd' EXIT`: only the first argument is the command.
    const args = name === 'trap' ? words.slice(1, 2).filter((w) => w !== '-' && !w.startsWith('-')) : words.slice(1);
    return args.length ? { kind: 'script', text: args.join(' ') } : { kind: 'none' };
  }
  const assignments: string[] = [];
  let skip = spec.skip ?? 0;
  let startsShell = shell.has('*');
  let i = 1;
  for (; i < words.length; i++) {
    const w = words[i] as string;
    if (w === '--') {
      i++;
      break;
    }
    if (w.startsWith('-') && w.length > 1) {
      const eq = w.indexOf('=');
      const opt = eq === -1 ? w : w.slice(0, eq);
      if (query.has(opt)) return { kind: 'none' };
      if (script.has(opt)) {
        const text = eq === -1 ? words[i + 1] : w.slice(eq + 1);
        return text === undefined ? { kind: 'none' } : { kind: 'script', text };
      }
      if (shell.has(opt)) startsShell = true;
      // A cluster of short options as getopt reads it: `-iu vault` gives -u the next word, `-n10` and `-I{}` carry
      // their value, `-lc '…'` ends in a script flag.
      if (eq === -1 && !w.startsWith('--') && w.length > 2) {
        for (let k = 1; k < w.length; k++) {
          const letter = `-${w[k]}`;
          if (query.has(letter)) return { kind: 'none' };
          if (script.has(letter)) {
            const text = k + 1 < w.length ? w.slice(k + 1) : words[i + 1];
            return text === undefined ? { kind: 'none' } : { kind: 'script', text };
          }
          if (shell.has(letter)) startsShell = true;
          if (values.has(letter)) {
            if (k + 1 === w.length) i++;
            break;
          }
        }
        continue;
      }
      if (eq === -1 && values.has(opt)) i++;
      continue;
    }
    if (w === '-' && (name === 'su' || name === 'runuser')) continue;
    if (spec.assignments && ASSIGNMENT.test(w)) {
      assignments.push(w);
      continue;
    }
    if (spec.numbers && NUMBER.test(w)) continue;
    if (skip > 0) {
      skip--;
      // `su USER -c '…'` names the user first; later options still come.
      continue;
    }
    break;
  }
  const rest = words.slice(i);
  if (rest.length === 0) return startsShell ? { kind: 'none', shell: true } : { kind: 'none' };
  // `watch 'vault status'`: one string runs through sh -c.
  if (
    rest.length === 1 &&
    /\s/.test(rest[0] as string) &&
    (name === 'watch' || name === 'timeout' || name === 'nice')
  ) {
    return { kind: 'script', text: rest[0] as string };
  }
  if (name === 'xargs') return { kind: 'command', words: xargsCommand(words, rest), assignments };
  return { kind: 'command', words: rest, assignments };
}

/** The input xargs adds is unknown: a placeholder the classifier reads as an unexpanded variable. */
function xargsCommand(words: readonly string[], rest: string[]): string[] {
  let replace: string | undefined;
  for (let j = 1; j < words.length; j++) {
    const w = words[j] as string;
    if (w === '-I' || w === '--replace') replace = words[j + 1] ?? '{}';
    else if (w.startsWith('-I') && w.length > 2) replace = w.slice(2);
    else if (w === '-i' || w.startsWith('--replace=')) replace = w.includes('=') ? w.slice(w.indexOf('=') + 1) : '{}';
  }
  if (replace === undefined) return [...rest, '$XARGS_INPUT'];
  const r = replace;
  return rest.map((w) => w.split(r).join('$XARGS_INPUT'));
}
