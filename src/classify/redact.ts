import { commandDepth } from './vault-cli.js';

/**
 * Operations are echoed as `input` in tables, JSON, hook messages and the decision log. Command lines can carry
 * secrets (a token to `vault login`, an unseal key, `password=…` data, an `X-Vault-Token` header), so those parts
 * are replaced before anything is echoed. Over-redacting is harmless; leaking is not.
 */
export const MASK = '<redacted>';
const SECRET_ENV = /TOKEN|SECRET|PASS|KEY|OTP|CREDENTIAL/i;
const SECRET_FLAGS = new Set([
  'token',
  'otp',
  'mfa',
  'unlock-key',
  'decode',
  'dr-operation-token',
  'password',
  'secret-id',
  'client-token',
  // -header=X-Vault-Token=…, and `vault token create -id=…` (the new token's own ID).
  'header',
  'id',
  'nonce-token',
]);
const SECRET_FLAG_INITIALS = new Set([...SECRET_FLAGS].map((f) => f[0] as string));
/** Commands whose positional arguments are secrets (a token, a key share, an encoded root token). */
const SECRET_POSITIONALS = new Set([
  'login',
  'unwrap',
  'operator unseal',
  'operator rekey',
  'operator generate-root',
  'token lookup',
  'token revoke',
  'token renew',
]);
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;
/** Commands whose arguments after the first are data (`key=value`, or a stray value that may be one). */
const DATA_COMMANDS = new Set([
  'write',
  'patch',
  'kv put',
  'kv patch',
  'kv metadata put',
  'kv metadata patch',
  'secrets enable',
  'auth enable',
  'audit enable',
]);

export const quoteWord = (w: string): string =>
  w === '' || /[\s"'\\$`;&|<>()]/.test(w) ? `'${w.replace(/'/g, `'\\''`)}'` : w;
const redactAssignment = (w: string): string | null => {
  const m = ASSIGNMENT.exec(w);
  if (!m) return null;
  if (SECRET_ENV.test(m[1] as string)) return `${m[1]}=${MASK}`;
  // VAULT_ADDR=https://user:PASS@vault:8200 carries a password in the URL.
  const value = m[2] as string;
  const clean = /[@?#]/.test(value) ? redactUrl(value) : value;
  return clean === value ? null : `${m[1]}=${clean}`;
};

/** The words of a `vault …` command line (with leading assignments), with secrets masked; null when none were. */
export function redactVaultWords(words: readonly string[]): string | null {
  // Copied only when something is masked: most command lines carry nothing secret, and this runs for each one.
  let out: string[] | null = null;
  const mask = (at: number, value: string): void => {
    out ??= words.slice();
    out[at] = value;
  };
  let i = 0;
  for (; i < words.length && (words[i] as string).includes('=') && ASSIGNMENT.test(words[i] as string); i++) {
    const r = redactAssignment(words[i] as string);
    if (r !== null) mask(i, r);
  }
  const args = i === 0 ? words.slice(1) : words.slice(i + 1);
  const depth = commandDepth(args);
  const name = depth === 0 ? '' : depth === 1 ? (args[0] as string) : args.slice(0, depth).join(' ');
  const capabilities = name === 'token capabilities';
  const positionalsSecret =
    SECRET_POSITIONALS.has(name) || (capabilities && args.filter((a, j) => j >= depth && a[0] !== '-').length > 1);
  let positionalIndex = 0;
  for (let j = depth; j < args.length; j++) {
    const w = args[j] as string;
    const at = i + 1 + j;
    const eq = w.indexOf('=');
    if (w.charCodeAt(0) === 45 /* - */ && w.length > 1) {
      const from = w.charCodeAt(1) === 45 ? 2 : 1;
      if (eq !== -1 && w.includes('@', eq)) {
        const r = redactUrl(w);
        if (r !== w) mask(at, r);
      }
      // Only a flag whose name could be secret is cut out and looked up.
      if (!SECRET_FLAG_INITIALS.has(w[from] as string)) continue;
      const flag = w.slice(from, eq === -1 ? undefined : eq);
      if (SECRET_FLAGS.has(flag)) {
        if (eq !== -1) mask(at, `-${flag}=${MASK}`);
        else if (j + 1 < args.length) (mask(at + 1, MASK), j++);
      }
      continue;
    }
    if (eq > 0 && w.lastIndexOf('/', eq) === -1) mask(at, `${w.slice(0, eq)}=${MASK}`);
    else if (/[?@#]/.test(w)) {
      const r = redactUrl(w);
      if (r !== w) mask(at, r);
    } else if (positionalsSecret && (!capabilities || positionalIndex === 0)) mask(at, MASK);
    else if (positionalIndex > 0 && eq === -1 && DATA_COMMANDS.has(name)) mask(at, MASK);
    positionalIndex++;
  }
  const masked = out as string[] | null;
  return masked === null
    ? null
    : masked.map((w) => (w === MASK || w.endsWith(`=${MASK}`) ? w : quoteWord(w))).join(' ');
}

/** Query keys whose values are secrets (`?token=…`, `&X-Amz-Signature=…`). */
const SECRET_QUERY = /(token|secret|pass|key|sig|signature|auth|code|credential|otp|nonce)/i;

const USER_INFO = /(^|[\s'"=(]|\/\/)([^\s/@:'"]+):([^\s/@'"]*)@/g;
// A fragment (`#access_token=…`) is never sent, but it is echoed: masked like a query.
const QUERY_PAIR = /([?&;#])([^=&#\s]+)=([^&#\s]*)/g;

/** A URL or path with its user-info password and secret-looking query values masked (`http://u:PASS@h/…?token=…`). */
export function redactUrl(text: string): string {
  let out = text;
  if (out.includes('@')) out = out.replace(USER_INFO, (_, a: string, user: string) => `${a}${user}:${MASK}@`);
  if (out.includes('?') || out.includes('&') || out.includes('#')) {
    out = out.replace(QUERY_PAIR, (whole, sep: string, key: string) =>
      SECRET_QUERY.test(key) ? `${sep}${key}=${MASK}` : whole,
    );
  }
  return out;
}

const PLAIN_WORD = /^(?:-{1,2}[A-Za-z][A-Za-z0-9-]*|[A-Za-z0-9_./-]*\/[A-Za-z0-9_./-]*|vault)$/;

/**
 * For lines the gate cannot read well enough to redact precisely (an unknown wrapper, unbalanced quotes, a chain
 * of commands): every value-like word after the first is masked. Kept are flags without a value, paths, `vault`
 * and the vault subcommand names, so the line stays recognisable.
 */
export function redactLoose(words: readonly string[], keep: (word: string) => boolean = () => false): string {
  return words
    .map((w, i) => {
      const eq = w.indexOf('=');
      const assign = ASSIGNMENT.exec(w);
      if (assign)
        return i === 0 && !SECRET_ENV.test(assign[1] as string) && assign[2] === '' ? w : `${assign[1]}=${MASK}`;
      if (i === 0 && !/[@?#]/.test(w) && eq === -1) return quoteWord(w);
      if (w.startsWith('-') && eq > 0) return `${w.slice(0, eq)}=${MASK}`;
      // The value after `--token`, `-p`, `--password`: a secret whatever it looks like.
      const previous = words[i - 1] ?? '';
      if (previous.startsWith('-') && (SECRET_FLAG_PLAIN.test(previous) || /^-[pPkK]$/.test(previous))) return MASK;
      if ((PLAIN_WORD.test(w) && !SECRET_FLAG_PLAIN.test(w)) || keep(w)) return w;
      return MASK;
    })
    .join(' ');
}
const SECRET_FLAG_PLAIN = /token|pass|secret|key|otp|auth/i;

/** The same for raw text: split on blanks, shell quoting ignored. */
export const redactLooseText = (text: string, keep?: (word: string) => boolean): string => {
  const words = text.trim().split(/\s+/).filter(Boolean);
  return redactLoose(words, keep);
};

/** Arguments of a command the gate understood (an upgrade): URLs cleaned, secret-named settings masked. */
export const redactArgs = (words: readonly string[]): string =>
  words
    .map((w) => {
      const eq = w.indexOf('=');
      if (eq > 0 && SECRET_ENV.test(w.slice(0, eq))) return `${w.slice(0, eq)}=${MASK}`;
      return quoteWord(redactUrl(w));
    })
    .join(' ');
