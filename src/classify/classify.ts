import { classifyCurl, redactCurlArgs } from './curl.js';
import { redactLoose, redactLooseText, redactUrl } from './redact.js';
import { classifyRequestAs } from './request.js';
import { classifyScript } from './runbook.js';
import {
  HttpMethodSchema,
  OperationObjectSchema,
  type Classification,
  type CliOperation,
  type HttpOperation,
  type Operation,
} from './schema.js';
import { shellWords } from './shell.js';
import { classifyUpgrade, parseUpgradeText } from './upgrade.js';
import {
  ASSIGNMENT,
  classifyVaultWords,
  combineCalls,
  invalid,
  isVaultBinary,
  type ClassifyOptions,
} from './vault-words.js';

export { classifyVaultWords, combineCalls, combineRequests, type ClassifyOptions } from './vault-words.js';

/** `METHOD PATH` echoed: only a URL-ish part (`?token=`, `u:p@`) can hold a secret; most texts have neither. */
const safeText = (text: string): string => (/[?@#]/.test(text) ? redactUrl(text) : text);

const HTTP_METHODS: readonly string[] = HttpMethodSchema.options;

/** The HTTP method that `text` starts with, ending at `end`, in any case; null if none. Allocates nothing when upper-case. */
function methodAt(text: string, end: number): string | null {
  for (const m of HTTP_METHODS) if (m.length === end && text.startsWith(m)) return m;
  const word = text.slice(0, end);
  const upper = word.toUpperCase();
  return HTTP_METHODS.includes(upper) ? word : null;
}

function classifyText(text: string, options: ClassifyOptions): Classification {
  const input = text;
  // "METHOD PATH" is read as written, without shell rules: a query string's "&" is not an operator, and a
  // backslash is not an escape but a character that makes the path invalid. This is the hot path.
  const space = text.indexOf(' ');
  if (space > 2 && space < 7) {
    const method = methodAt(text, space);
    if (method !== null) {
      let rest = text.slice(space + 1);
      if (/\s$/.test(rest) || rest.charCodeAt(0) <= 32) rest = rest.trim();
      if (rest !== '') return classifyRequestAs(safeText(input), method, redactUrl(rest));
    }
  }
  if (text.startsWith('vault ')) {
    const split = shellWords(text);
    if ('error' in split) return invalid(redactLooseText(input), `the text cannot be read: ${split.error}`);
    return classifyVaultWords(input, split.words, options.env);
  }
  const trimmed = text.trim();
  if (trimmed === '') return invalid(input, 'the operation is empty');
  const upgrade = parseUpgradeText(trimmed);
  if (upgrade) {
    if ('problem' in upgrade) return invalid(input, upgrade.problem);
    return classifyUpgrade(input, upgrade.from, upgrade.to);
  }
  const tokens = trimmed.split(/\s+/);
  const first = tokens[0] as string;
  if (/^[A-Za-z]+$/.test(first) && first !== 'vault' && first !== 'curl' && tokens.length === 2) {
    return classifyRequestAs(safeText(input), first, tokens[1] as string);
  }
  const split = shellWords(trimmed);
  if ('error' in split) return invalid(redactLooseText(input), `the text cannot be read: ${split.error}`);
  const words = split.words;
  let at = 0;
  while (at < words.length && ASSIGNMENT.test(words[at] as string)) at++;
  const head = words[at] ?? '';
  if (isVaultBinary(head)) return classifyVaultWords(input, words, options.env);
  if (head === 'curl') {
    const calls = classifyCurl(words.slice(at + 1));
    if (calls.length === 0)
      return invalid(redactCurlArgs(words.slice(at + 1)), 'the curl command addresses no Vault /v1/ URL');
    return calls.length === 1 ? (calls[0] as Classification) : combineCalls(calls);
  }
  // A shell line that runs vault through something (`sudo -u vault vault …`, `kubectl exec … -- vault …`) is read
  // as a one-line runbook; one that runs nothing the gate can see stays invalid.
  const found = classifyScript(trimmed, options);
  if (found.length > 0) {
    const single = found.length === 1 ? (found[0] as Classification) : combineCalls(found);
    const { line: _line, ...rest } = single;
    return rest;
  }
  return invalid(
    redactLoose(words),
    'write an operation as "METHOD PATH", "vault …", "curl …" or "upgrade FROM -> TO"',
  );
}

/**
 * A fast structural check for the commonest object, `{ method, path, namespace? }`, equivalent to
 * HttpOperationSchema for these keys (a test holds the two together); anything else goes through zod.
 */
export function isPlainHttpOperation(op: unknown): op is HttpOperation {
  if (typeof op !== 'object' || op === null || Array.isArray(op)) return false;
  const o = op as Record<string, unknown>;
  let keys = 0;
  for (const k in o) {
    if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
    keys++;
    if (k !== 'method' && k !== 'path' && k !== 'namespace') return false;
  }
  return (
    typeof o.method === 'string' &&
    o.method.length > 0 &&
    typeof o.path === 'string' &&
    (keys === 2 || (keys === 3 && typeof o.namespace === 'string'))
  );
}

const renderHttp = (op: HttpOperation): string =>
  `${op.method} ${op.path}${op.namespace ? ` (namespace ${op.namespace})` : ''}`;
const renderCli = (op: CliOperation): string => (typeof op.command === 'string' ? op.command : op.command.join(' '));

/**
 * Classifies one planned operation by Vault's backup rule: an HTTP request (`"POST sys/mounts/kv"` or
 * `{ method, path, namespace? }`), a `vault` command line, an upgrade (`"upgrade 1.16.2 -> 1.17.0"` or
 * `{ kind: "upgrade", from?, to }`). Never throws: what it cannot read is `invalid`.
 */
export function classify(op: Operation | unknown, options: ClassifyOptions = {}): Classification {
  if (typeof op === 'string') return classifyText(op, options);
  if (isPlainHttpOperation(op)) return classifyRequestAs(renderHttp(op), op.method, op.path, op.namespace);
  const parsed = OperationObjectSchema.safeParse(op);
  if (!parsed.success) {
    let shown: string;
    try {
      shown = JSON.stringify(op) ?? String(op);
    } catch {
      shown = String(op);
    }
    const issue = parsed.error.issues[0];
    return invalid(
      shown,
      `the operation object does not fit any operation shape${issue ? ` (${issue.path.join('.') || 'value'}: ${issue.message})` : ''}`,
    );
  }
  const value = parsed.data;
  if ('kind' in value && value.kind === 'upgrade') {
    return classifyUpgrade(`upgrade ${value.from ? `${value.from} -> ` : ''}${value.to}`, value.from, value.to);
  }
  if ('kind' in value && value.kind === 'vault-cli') {
    const input = renderCli(value);
    const env = { ...options.env, ...value.env };
    if (typeof value.command !== 'string') return classifyVaultWords(input, value.command, env);
    const split = shellWords(value.command);
    if ('error' in split) return invalid(redactLooseText(input), `the command line cannot be read: ${split.error}`);
    return classifyVaultWords(input, split.words, env);
  }
  const http = value as HttpOperation;
  return classifyRequestAs(renderHttp(http), http.method, http.path, http.namespace);
}

export function classifyMany(ops: readonly (Operation | unknown)[], options: ClassifyOptions = {}): Classification[] {
  return ops.map((op) => classify(op, options));
}
