import { classifyVaultWords, type ClassifyOptions } from './classify.js';
import { classifyCurl } from './curl.js';
import { invalidRequest } from './request.js';
import type { Classification } from './schema.js';
import { parseShell } from './shell.js';

/** Words that run the command after them (with their own options skipped). */
const WRAPPERS = new Set(['sudo', 'env', 'command', 'exec', 'nohup', 'time', 'builtin', 'then', 'do', 'else', 'elif', 'if', 'while', 'until', '!', '{']);
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

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
      // Options of the wrapper itself (sudo -E -u vault, env -i, timeout's duration).
      while (i < words.length && (words[i] as string).startsWith('-') && words[i] !== '--') i++;
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
    if (head === 'vault' || head.endsWith('/vault')) {
      const localEnv = { ...env, ...Object.fromEntries(assignments) };
      out.push({ ...classifyVaultWords(input, cmd.words.slice(start), localEnv), ...where(cmd.line) });
    } else if (head === 'curl' || head.endsWith('/curl')) {
      const c = classifyCurl(input, cmd.words.slice(start + 1));
      if (c) out.push({ ...c, ...where(cmd.line) });
    }
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
