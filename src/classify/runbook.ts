import { classifyVaultWords, type ClassifyOptions } from './classify.js';
import { classifyCurl } from './curl.js';
import { invalidRequest } from './request.js';
import type { Classification } from './schema.js';
import { parseShell } from './shell.js';
import { isVaultSubcommand } from './vault-cli.js';

/** Words that run the command after them (with their own options skipped). */
const WRAPPERS = new Set(['sudo', 'env', 'command', 'exec', 'nohup', 'time', 'builtin', 'then', 'do', 'else', 'elif', 'if', 'while', 'until', '!', '{']);
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;
const SUDO_VALUE_OPTIONS = new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '-T']);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash']);
const CONTAINER_TOOLS = new Set(['docker', 'podman', 'nerdctl', 'kubectl', 'oc']);

const base = (word: string): string => word.slice(word.lastIndexOf('/') + 1);

/** `vault`, `/usr/local/bin/vault`, or a variable that names it (`$VAULT`, `"${VAULT_BIN:-vault}"`). */
const isVaultCommand = (word: string): boolean => base(word) === 'vault' || /^\$\{?[A-Za-z_]*VAULT[A-Za-z_]*(?::-[^}]*)?\}?$/i.test(word);

/**
 * Commands that run another command: `sh -c '…'`, `kubectl exec … -- vault …`, `docker exec … vault …`,
 * `ssh host vault …`. Returns the inner commands' words, or null when `words` runs nothing else.
 */
function innerCommands(words: readonly string[]): string[][] | null {
  const head = base(words[0] ?? '');
  if (SHELLS.has(head)) {
    const c = words.indexOf('-c');
    const script = c === -1 ? undefined : words[c + 1];
    return script === undefined ? null : parseShell(script).commands.map((x) => x.words);
  }
  const remote = head === 'ssh' || (CONTAINER_TOOLS.has(head) && words.includes('exec'));
  if (!remote) return null;
  const dashes = words.indexOf('--');
  // The vault command is a `vault` word followed by a vault subcommand (`docker exec vault vault status`: the
  // first `vault` is the container), or one string that holds it (ssh host 'vault …').
  const from =
    dashes !== -1 && head !== 'ssh'
      ? dashes + 1
      : words.findIndex((w, i) => i > 0 && ((isVaultCommand(w) && isVaultSubcommand(words[i + 1])) || /(^|\s)vault\s/.test(w)));
  if (from <= 0) return null;
  const rest = words.slice(from);
  // ssh passes one string to the remote shell: read it as a script.
  return rest.length === 1 && /\s/.test(rest[0] as string) ? parseShell(rest[0] as string).commands.map((x) => x.words) : [rest];
}

function unwrap(words: readonly string[]): { start: number; assignments: Map<string, string> } {
  const assignments = new Map<string, string>();
  let i = 0;
  while (i < words.length) {
    const w = words[i] as string;
    const m = ASSIGNMENT.exec(w);
    if (m) {
      assignments.set(m[1] as string, m[2] as string);
      i++;
    } else if (WRAPPERS.has(w)) {
      i++;
      // Options of the wrapper itself (sudo -E -u vault, env -i); sudo's -u, -g, … take a value.
      while (i < words.length && (words[i] as string).startsWith('-') && words[i] !== '--') {
        i += w === 'sudo' && SUDO_VALUE_OPTIONS.has(words[i] as string) ? 2 : 1;
      }
      if (words[i] === '--') i++;
    } else if (w === 'timeout') {
      i++;
      while (i < words.length && (words[i] as string).startsWith('-')) i++;
      i++; // the duration
    } else break;
  }
  return { start: i, assignments };
}

/**
 * Reads a shell runbook and classifies every `vault …` command and every `curl` call to `…/v1/…`, with its line.
 * Tracks `export VAULT_NAMESPACE=…` and `unset VAULT_NAMESPACE` as the script runs them, in order. A script that
 * cannot be read gives one `invalid` classification naming the line.
 */
export function classifyScript(text: string, options: ClassifyOptions & { file?: string } = {}): Classification[] {
  const parsed = parseShell(text);
  const out: Classification[] = [];
  const env: Record<string, string | undefined> = { ...options.env };
  const where = (line: number): Pick<Classification, 'line' | 'file'> => (options.file ? { line, file: options.file } : { line });
  for (const cmd of parsed.commands) {
    const { start, assignments } = unwrap(cmd.words);
    const head = cmd.words[start];
    const input = cmd.words.join(' ');
    if (head === undefined) {
      // A bare assignment changes the script's own environment.
      if (assignments.has('VAULT_NAMESPACE')) env.VAULT_NAMESPACE = assignments.get('VAULT_NAMESPACE');
      continue;
    }
    if (head === 'export' || head === 'declare' || head === 'readonly' || head === 'local') {
      for (const w of cmd.words.slice(start + 1)) {
        const m = ASSIGNMENT.exec(w);
        if (m?.[1] === 'VAULT_NAMESPACE') env.VAULT_NAMESPACE = m[2];
      }
      continue;
    }
    if (head === 'unset') {
      if (cmd.words.includes('VAULT_NAMESPACE')) delete env.VAULT_NAMESPACE;
      continue;
    }
    const localEnv = { ...env, ...Object.fromEntries(assignments) };
    const visit = (words: readonly string[], depth: number): void => {
      const first = words[0] ?? '';
      const text = words.join(' ');
      if (isVaultCommand(first)) out.push({ ...classifyVaultWords(input === text ? input : text, ['vault', ...words.slice(1)], localEnv), ...where(cmd.line) });
      else if (base(first) === 'curl') {
        const c = classifyCurl(text, words.slice(1));
        if (c) out.push({ ...c, ...where(cmd.line) });
      } else if (depth < 4) {
        for (const inner of innerCommands(words) ?? []) {
          const u = unwrap(inner);
          visit(inner.slice(u.start), depth + 1);
        }
      }
    };
    visit(cmd.words.slice(start), 0);
  }
  if (parsed.error) {
    const { line, message } = parsed.error;
    out.push({
      input: options.file ? `${options.file}:${line}` : `line ${line}`,
      ...invalidRequest(null, null, '', `the script cannot be read at line ${line}: ${message}`),
      ...where(line),
    });
  }
  return out;
}
