import { MASK, quoteWord, redactUrl } from './redact.js';
import { classifyRequest, invalidRequest } from './request.js';
import type { Classification } from './schema.js';

/** curl's short options that take a value (the rest of a `-sXPOST` cluster, or the next word). */
const SHORT_VALUE = new Set('XHdFTouAeEmwxbcKrCyYUDQtzPhN'.split('').filter((c) => !'hN'.includes(c)));
/** curl's long options that take a value, so their value is never mistaken for the URL. */
const LONG_VALUE = new Set([
  'request',
  'header',
  'data',
  'data-raw',
  'data-binary',
  'data-urlencode',
  'data-ascii',
  'json',
  'form',
  'form-string',
  'upload-file',
  'output',
  'user',
  'user-agent',
  'referer',
  'cacert',
  'capath',
  'cert',
  'key',
  'key-type',
  'cert-type',
  'pass',
  'max-time',
  'connect-timeout',
  'write-out',
  'resolve',
  'connect-to',
  'proxy',
  'proxy-user',
  'cookie',
  'cookie-jar',
  'config',
  'retry',
  'retry-delay',
  'retry-max-time',
  'range',
  'continue-at',
  'url',
  'interface',
  'limit-rate',
  'speed-limit',
  'speed-time',
  'oauth2-bearer',
  'dump-header',
  'quote',
  'time-cond',
  'url-query',
  'variable',
  'expand-url',
  'proxy-header',
  'unix-socket',
  'cert-status',
  'ciphers',
  'tls-max',
  'aws-sigv4',
  'max-redirs',
  'trace',
  'trace-ascii',
  'stderr',
  'proxy-cert',
  'proxy-key',
  'proxy-pass',
  'login-options',
  'dns-servers',
]);
/** Options whose value is a request body: curl then sends POST. */
const BODY = new Set([
  'd',
  'data',
  'data-raw',
  'data-binary',
  'data-urlencode',
  'data-ascii',
  'json',
  'F',
  'form',
  'form-string',
]);
/** Options whose value is secret as a whole (bodies, credentials, bearer tokens, cookies). */
const SECRET_VALUE = new Set([
  ...BODY,
  'u',
  'user',
  'U',
  'proxy-user',
  'b',
  'cookie',
  'oauth2-bearer',
  'pass',
  'proxy-pass',
  'aws-sigv4',
  'url-query',
  'variable',
]);
const SECRET_HEADER =
  /^\s*(x-vault-token|authorization|proxy-authorization|cookie|x-vault-wrap-token|x-vault-mfa)\s*:/i;

export interface CurlOption {
  /** The option's name without dashes (`X`, `request`), or null for a plain argument (a URL). */
  readonly name: string | null;
  readonly value: string | undefined;
  /** Index of the word holding the value, and whether the value sits inside the option's own word. */
  readonly at: number;
  readonly inline: boolean;
}

/** Reads curl's argv (after `curl`) as curl does: short clusters (`-sXPOST`, `-sLX POST`), `--opt=v`, `--opt v`. */
export function readCurlArgs(args: readonly string[]): CurlOption[] {
  const out: CurlOption[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq === -1 ? undefined : eq);
      if (eq !== -1) out.push({ name, value: a.slice(eq + 1), at: i, inline: true });
      else if (LONG_VALUE.has(name)) out.push({ name, value: args[i + 1], at: ++i, inline: false });
      else out.push({ name, value: undefined, at: i, inline: false });
    } else if (a.startsWith('-') && a.length > 1) {
      for (let k = 1; k < a.length; k++) {
        const name = a[k] as string;
        if (!SHORT_VALUE.has(name)) {
          out.push({ name, value: undefined, at: i, inline: false });
          continue;
        }
        if (k + 1 < a.length) out.push({ name, value: a.slice(k + 1), at: i, inline: true });
        else out.push({ name, value: args[i + 1], at: ++i, inline: false });
        break;
      }
    } else out.push({ name: null, value: a, at: i, inline: false });
  }
  return out;
}

/** Where the Vault API path starts in a URL: `…/v1/…`, also `${VAULT_ADDR}v1/…` (an address ending in a slash). */
const API_AT = /(?:\/|\}|^)v1(?:\/|$|\?)/;
/**
 * An address without a scheme, as wget, HTTPie (`http PUT :8200/v1/…`) and curl accept it: a host with a port or a
 * dot, or localhost, right before `/v1`.
 */
const BARE_ADDRESS =
  /^(?:(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|localhost|\[[0-9A-Fa-f:.]+\])(?::\d+)?|[A-Za-z0-9-]*:\d+)\/v1(?:\/|$|\?)/;
export const isVaultApiUrl = (word: string): boolean =>
  API_AT.test(word) && (/:\/\/|^\$|^\/v1|\}v1/.test(word) || BARE_ADDRESS.test(word));

/** A `curl …` call (argv after `curl`) with tokens, credentials, bodies and secret URL parts masked. */
export function redactCurlArgs(args: readonly string[]): string {
  const out = args.slice();
  for (const o of readCurlArgs(args)) {
    if (o.value === undefined) continue;
    let masked: string | null = null;
    if (o.name === null || o.name === 'url') masked = redactUrl(o.value);
    else if (o.name === 'H' || o.name === 'header' || o.name === 'proxy-header') {
      masked = SECRET_HEADER.test(o.value) ? `${o.value.split(':')[0]}: ${MASK}` : null;
    } else if (SECRET_VALUE.has(o.name)) masked = MASK;
    else if (o.name === 'E' || o.name === 'cert' || o.name === 'proxy-cert') {
      // --cert FILE:PASSWORD (a Windows drive letter is part of FILE).
      masked = o.value.replace(/^((?:[A-Za-z]:)?[^:]*):.*$/s, `$1:${MASK}`);
    }
    if (masked === null || masked === o.value) continue;
    const word = out[o.at] as string;
    out[o.at] = o.inline ? word.slice(0, word.length - o.value.length) + masked : masked;
  }
  return ['curl', ...out.map(quoteWord)].join(' ');
}

/**
 * Classifies a `curl` call to Vault's HTTP API (`…/v1/…`): each URL is a request, with the method from
 * `-X`/`--request` (else what curl would send: POST with a body, HEAD with `-I`, PUT with `-T`) and the namespace
 * from an `X-Vault-Namespace` header. Returns [] when no argument addresses `/v1/`; an address that is an unset
 * variable ending in a path the gate cannot see (`$VAULT_ADDR/$ENDPOINT`) is `invalid`.
 */
export function classifyCurl(args: readonly string[]): Classification[] {
  const input = redactCurlArgs(args);
  // `--next` (`-:`) starts another request with its own method, body and headers (`curl -X GET …/sys/health --next
  // -d '{}' …/sys/seal` POSTs the second): each part is read alone.
  const options = readCurlArgs(args);
  // A config file (-K) may hold options for any part: the call is read whole, and is invalid when it reaches /v1/.
  if (options.some((o) => o.name === 'K' || o.name === 'config')) return classifyCurlPart(input, args);
  const out: Classification[] = [];
  let from = 0;
  for (const o of [...options, null]) {
    if (o !== null && o.name !== 'next' && o.name !== ':') continue;
    const to = o === null ? args.length : o.at;
    for (const c of classifyCurlPart(input, args.slice(from, to))) out.push(c);
    from = to + 1;
  }
  return out;
}

function classifyCurlPart(input: string, args: readonly string[]): Classification[] {
  let method: string | null = null;
  let implied = 'GET';
  let namespace: string | undefined;
  let forceGet = false;
  const urls: string[] = [];
  let hidden: string | null = null;
  let config: string | null = null;
  for (const o of readCurlArgs(args)) {
    const v = o.value;
    if (o.name === 'X' || o.name === 'request') method = v ?? null;
    else if (o.name === 'H' || o.name === 'header') {
      const m = /^\s*x-vault-namespace\s*:\s*(.*)$/i.exec(v ?? '');
      if (m) namespace = (m[1] as string).trim();
    } else if (o.name !== null && BODY.has(o.name)) implied = 'POST';
    else if (o.name === 'T' || o.name === 'upload-file') implied = 'PUT';
    else if (o.name === 'I' || o.name === 'head') implied = 'HEAD';
    else if (o.name === 'G' || o.name === 'get') forceGet = true;
    else if (o.name === 'K' || o.name === 'config') config = v ?? '';
    else if ((o.name === null || o.name === 'url') && v !== undefined) {
      if (API_AT.test(v)) urls.push(v);
      else if (/^\$\{?VAULT_ADDR\b/.test(v) && v.length > '$VAULT_ADDR'.length + 2) hidden = v;
    }
  }
  if (urls.length === 0) {
    if (hidden === null) return [];
    const problem = `the curl URL ${redactUrl(hidden)} hides the API path in a variable the script does not set`;
    return [{ input, ...invalidRequest(null, null, '', problem) }];
  }
  // A config file may set `request = PUT`, a body or more URLs: what it sends cannot be known from the line.
  if (config !== null) {
    const problem = `curl reads more options from ${quoteWord(redactUrl(config))} (-K), which the gate cannot see`;
    return [{ input, ...invalidRequest(null, null, '', problem) }];
  }
  const verb = method ?? (forceGet ? 'GET' : implied);
  return urls.map((url) => {
    const m = API_AT.exec(url) as RegExpExecArray;
    const at = m.index + (m[0].startsWith('v') ? 0 : 1);
    const path = redactUrl(url.slice(at));
    return { input, ...classifyRequest(verb, `/${path}`, namespace) };
  });
}
