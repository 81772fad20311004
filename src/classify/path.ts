/**
 * Turns a request path as a user, a script or a plan writes it into the segments Vault's router would see, or says
 * why it cannot be trusted. The principle: normalise only what Vault itself would resolve the same way, and call
 * everything ambiguous `invalid`, so that no trick (`sys//x`, `..`, `%2e`, `%2f`, control bytes) can turn a write
 * that needs a backup into one that does not.
 */

export type NormalisedPath =
  | {
      readonly ok: true;
      /** The path's segments (namespace prefix included). */
      readonly segments: string[];
      /** Index of the segment after `sys` (the /sys family) when the path is a /sys path; otherwise 0. */
      readonly start: number;
      readonly isSys: boolean;
      /** The normalised path: from `sys` on for a /sys path (no namespace, no `v1/`, no query, no trailing slash). */
      readonly text: string;
      readonly namespace: string;
      /** `?list=true` (any value Go's ParseBool reads as true) turns a GET into a LIST. */
      readonly list: boolean;
      readonly query: ReadonlyMap<string, string>;
      /** Index (relative to `start`) of the first segment holding an unexpanded shell variable, or -1. */
      readonly variableAt: number;
    }
  | { readonly ok: false; readonly problem: string };

const RESERVED_MOUNT_ROOTS = new Set(['auth', 'identity', 'cubbyhole']);
const TRUE_VALUES = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

export const isGoTrue = (value: string | undefined): boolean => value !== undefined && TRUE_VALUES.has(value);

const fail = (problem: string): NormalisedPath => ({ ok: false, problem });

/**
 * Characters that may not appear raw in a path: control bytes, DEL, whitespace, backslash (a slash to some proxies),
 * `#` (a fragment is never sent), and quotes (left over from a shell line that was not read as one).
 */
const FORBIDDEN_RAW = /[\u0000-\u0020\u007f-\u009f\u2028\u2029\\#"']/;

/**
 * Percent-decodes a path, refusing encodings that would change its shape: `.`, `/`, `\`, `%` and control bytes.
 * Returns null when the encoding is malformed or refused.
 */
function percentDecode(raw: string): string | null {
  for (let i = raw.indexOf('%'); i !== -1; i = raw.indexOf('%', i + 1)) {
    const hex = raw.slice(i + 1, i + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) return null;
    const byte = parseInt(hex, 16);
    if (byte < 0x20 || byte === 0x7f || byte === 0x2e || byte === 0x2f || byte === 0x5c || byte === 0x25) return null;
  }
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** A segment that is not `sys` but would be read as `sys` by a person, or by a case-insensitive proxy. */
function looksLikeSys(seg: string): boolean {
  if (seg.length > 12) return false;
  if (seg.length === 3 && seg.toLowerCase() === 'sys') return true;
  return (
    /[^\u0000-\u007f]/.test(seg) &&
    seg
      .normalize('NFKC')
      .replace(/[\u200b-\u200f\u202a-\u202e\u2060\ufeff]/g, '')
      .toLowerCase() === 'sys'
  );
}

function splitQuery(raw: string): { path: string; query: Map<string, string> } | null {
  const q = raw.indexOf('?');
  const query = new Map<string, string>();
  if (q === -1) return { path: raw, query };
  for (const pair of raw.slice(q + 1).split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = percentDecode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : percentDecode(pair.slice(eq + 1).replace(/\+/g, ' '));
    if (key === null || value === null) return null;
    query.set(key, value);
  }
  return { path: raw.slice(0, q), query };
}

/** Validates a namespace as given by an option, a flag or `VAULT_NAMESPACE`; returns it without outer slashes. */
export function normaliseNamespace(
  raw: string | undefined,
): { ok: true; namespace: string } | { ok: false; problem: string } {
  if (raw === undefined) return { ok: true, namespace: '' };
  const trimmed = raw.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return { ok: true, namespace: '' };
  if (FORBIDDEN_RAW.test(trimmed) || trimmed.includes('%')) {
    return { ok: false, problem: `the namespace ${JSON.stringify(raw)} holds characters a namespace cannot have` };
  }
  for (const seg of trimmed.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') {
      return { ok: false, problem: `the namespace ${JSON.stringify(raw)} has an empty, "." or ".." segment` };
    }
  }
  return { ok: true, namespace: trimmed };
}

const EMPTY_QUERY: ReadonlyMap<string, string> = new Map();

/** Code points that may not appear raw in a path (see FORBIDDEN_RAW), as a lookup table for the hot loop. */
const FORBIDDEN_CODE = new Uint8Array(128);
for (let c = 0; c <= 0x20; c++) FORBIDDEN_CODE[c] = 1;
for (const ch of '\x7f\\#"\'') FORBIDDEN_CODE[ch.charCodeAt(0)] = 1;

/** `text.split('/')`, twice as fast on the short paths classified by the million (measured in bench/classify.ts). */
function splitSlashes(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let slash = text.indexOf('/'); slash !== -1; slash = text.indexOf('/', start)) {
    out.push(text.slice(start, slash));
    start = slash + 1;
  }
  out.push(text.slice(start));
  return out;
}

export function normalisePath(raw: string, namespaceOption?: string): NormalisedPath {
  let nsBase = '';
  if (namespaceOption !== undefined && namespaceOption !== '') {
    const ns = normaliseNamespace(namespaceOption);
    if (!ns.ok) return fail(ns.problem);
    nsBase = ns.namespace;
  }

  let text = raw;
  if (text.includes('://')) {
    const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.exec(text);
    if (scheme) {
      const slash = text.indexOf('/', scheme[0].length);
      text = slash === -1 ? '/' : text.slice(slash);
      if (!/^\/v1(\/|$)/.test(text)) return fail(`the URL ${JSON.stringify(raw)} does not address Vault's /v1 API`);
    }
  }
  // One pass over the characters: refuse what may not appear raw, and note what needs more work.
  let hasPercent = false;
  let queryAt = -1;
  let nonAscii = false;
  let hasVariable = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      if (FORBIDDEN_CODE[c] === 1) {
        return fail(
          `the path ${JSON.stringify(raw)} holds a control character, whitespace, a backslash, a quote or a "#"`,
        );
      }
      if (c === 37 /* % */) hasPercent = true;
      else if (c === 63 /* ? */ && queryAt === -1) queryAt = i;
      else if (c === 36 /* $ */ || c === 96 /* ` */) hasVariable = true;
    } else if (c === 0x85 || (c >= 0x80 && c <= 0x9f) || c === 0x2028 || c === 0x2029) {
      return fail(
        `the path ${JSON.stringify(raw)} holds a control character, whitespace, a backslash, a quote or a "#"`,
      );
    } else nonAscii = true;
  }
  let query = EMPTY_QUERY;
  let path = text;
  if (queryAt !== -1) {
    const split = splitQuery(text);
    if (!split) return fail(`the query string of ${JSON.stringify(raw)} is not valid percent-encoding`);
    query = split.query;
    path = split.path;
    hasPercent = path.includes('%');
  }
  if (hasPercent) {
    const decoded = percentDecode(path);
    if (decoded === null) {
      return fail(
        `the path ${JSON.stringify(raw)} percent-encodes a ".", "/", "\\", "%" or control byte, or is malformed`,
      );
    }
    if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(decoded)) {
      return fail(`the path ${JSON.stringify(raw)} percent-encodes a control character`);
    }
    path = decoded;
    nonAscii = true; // decoded text may hold anything: take the careful route below
  }
  let from = path.charCodeAt(0) === 47 ? 1 : 0;
  if (path.startsWith('v1/', from)) from += 3;
  else if (path.length - from === 2 && path.startsWith('v1', from)) from += 2;
  // A trailing slash is how Vault marks a list or a prefix; it does not change the endpoint.
  const to = path.length > from && path.charCodeAt(path.length - 1) === 47 ? path.length - 1 : path.length;
  if (to <= from) return fail(`the path ${JSON.stringify(raw)} names no endpoint`);
  const body = from === 0 && to === path.length ? path : path.slice(from, to);
  const segments = splitSlashes(body);

  let sysAt = -1;
  let variableAt = -1;
  let reservedAt = -1;
  let sysOffset = 0;
  for (let i = 0, offset = 0; i < segments.length; offset += (segments[i] as string).length + 1, i++) {
    const seg = segments[i] as string;
    const len = seg.length;
    if (len === 0)
      return fail(`the path ${JSON.stringify(raw)} has an empty segment ("//"), which Vault does not clean`);
    if (len <= 2 && (seg === '.' || seg === '..'))
      return fail(`the path ${JSON.stringify(raw)} has a "${seg}" segment`);
    if (hasVariable && variableAt === -1 && (seg.includes('$') || seg.includes('`'))) variableAt = i;
    if (sysAt !== -1) continue;
    if (seg === 'sys') {
      sysAt = i;
      sysOffset = offset;
    } else if ((len === 3 || nonAscii) && looksLikeSys(seg)) {
      return fail(
        `the segment ${JSON.stringify(seg)} in ${JSON.stringify(raw)} looks like "sys" but is not; Vault paths are case-sensitive`,
      );
    } else if (reservedAt === -1 && RESERVED_MOUNT_ROOTS.has(seg)) reservedAt = i;
  }

  const list = queryAt !== -1 && isGoTrue(query.get('list'));
  // Reserved mount roots can never be namespaces, so nothing after them is a namespace's sys/.
  if (sysAt === -1 || (reservedAt !== -1 && reservedAt < sysAt)) {
    return { ok: true, segments, start: 0, isSys: false, text: body, namespace: nsBase, list, query, variableAt };
  }
  let namespace = nsBase;
  if (sysAt > 0) {
    const prefix = segments.slice(0, sysAt).join('/');
    namespace = nsBase ? `${nsBase}/${prefix}` : prefix;
  }
  return {
    ok: true,
    segments,
    start: sysAt + 1,
    isSys: true,
    text: sysOffset === 0 ? body : body.slice(sysOffset),
    namespace,
    list,
    query,
    variableAt: variableAt === -1 ? -1 : variableAt - sysAt - 1,
  };
}
