import { commandDepth } from './vault-cli.js';

/**
 * Operations are echoed as `input` in tables, JSON, hook messages and the decision log. Command lines can carry
 * secrets (a token to `vault login`, an unseal key, `password=…` data, an `X-Vault-Token` header), so those parts
 * are replaced before anything is echoed. Over-redacting is harmless; leaking is not.
 */
const MASK = '<redacted>';
const SECRET_ENV = /TOKEN|SECRET|PASS|KEY|OTP|CREDENTIAL/i;
const SECRET_FLAGS = new Set(['token', 'otp', 'mfa', 'unlock-key', 'decode', 'dr-operation-token', 'password', 'secret-id', 'client-token']);
const SECRET_FLAG_INITIALS = new Set([...SECRET_FLAGS].map((f) => f[0] as string));
/** Commands whose positional arguments are secrets (a token, a key share, an encoded root token). */
const SECRET_POSITIONALS = new Set(['login', 'unwrap', 'operator unseal', 'operator rekey', 'operator generate-root', 'token lookup', 'token revoke', 'token renew']);
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

const quote = (w: string): string => (w === '' || /[\s"'\\$`;&|<>()]/.test(w) ? `'${w.replace(/'/g, `'\\''`)}'` : w);
const redactAssignment = (w: string): string | null => {
  const m = ASSIGNMENT.exec(w);
  return m && SECRET_ENV.test(m[1] as string) ? `${m[1]}=${MASK}` : null;
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
  const positionalsSecret = SECRET_POSITIONALS.has(name) || (capabilities && args.filter((a, j) => j >= depth && a[0] !== '-').length > 1);
  let positionalIndex = 0;
  for (let j = depth; j < args.length; j++) {
    const w = args[j] as string;
    const at = i + 1 + j;
    const eq = w.indexOf('=');
    if (w.charCodeAt(0) === 45 /* - */ && w.length > 1) {
      const from = w.charCodeAt(1) === 45 ? 2 : 1;
      // Only a flag whose name could be secret is cut out and looked up.
      if (!SECRET_FLAG_INITIALS.has(w[from] as string)) continue;
      const flag = w.slice(from, eq === -1 ? undefined : eq);
      if (SECRET_FLAGS.has(flag)) {
        if (eq !== -1) mask(at, `-${flag}=${MASK}`);
        else if (j + 1 < args.length) mask(at + 1, MASK), j++;
      }
      continue;
    }
    if (eq > 0 && w.lastIndexOf('/', eq) === -1) mask(at, `${w.slice(0, eq)}=${MASK}`);
    else if (positionalsSecret && (!capabilities || positionalIndex === 0)) mask(at, MASK);
    positionalIndex++;
  }
  const masked = out as string[] | null;
  return masked === null ? null : masked.map((w) => (w === MASK || w.endsWith(`=${MASK}`) ? w : quote(w))).join(' ');
}

const SECRET_HEADER = /^\s*(x-vault-token|authorization|proxy-authorization|cookie|x-vault-wrap-token)\s*:/i;
const VALUE_SECRETS = new Set(['-u', '--user', '-d', '--data', '--data-raw', '--data-binary', '--data-urlencode', '--json', '-F', '--form', '-b', '--cookie', '--oauth2-bearer']);

/** A `curl …` call (argv after `curl`) with tokens, credentials and request bodies masked; null when none were. */
export function redactCurlArgs(args: readonly string[]): string | null {
  const out = [...args];
  for (let j = 0; j < out.length; j++) {
    const w = out[j] as string;
    const eq = w.startsWith('--') ? w.indexOf('=') : -1;
    const opt = eq !== -1 ? w.slice(0, eq) : /^-[HudFb]./.test(w) ? w.slice(0, 2) : w;
    const inline = eq !== -1 ? w.slice(eq + 1) : opt !== w ? w.slice(2) : undefined;
    const value = inline ?? out[j + 1];
    if (value === undefined) continue;
    let masked: string | null = null;
    if (opt === '-H' || opt === '--header') masked = SECRET_HEADER.test(value) ? `${value.split(':')[0]}: ${MASK}` : null;
    else if (VALUE_SECRETS.has(opt)) masked = MASK;
    if (masked === null) continue;
    if (inline !== undefined) out[j] = eq !== -1 ? `${opt}=${masked}` : `${opt}${masked}`;
    else out[++j] = masked;
  }
  return out.some((w, k) => w !== args[k]) ? ['curl', ...out.map((w) => (w.includes(MASK) ? `'${w}'` : quote(w)))].join(' ') : null;
}
