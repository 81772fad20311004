import { loadHcl, parseHcl, type HclBlock, type HclValue } from '../terraform/hcl.js';

/**
 * Vault's server configuration (HCL or JSON, as `vault server -config` reads them) reduced to what a backup of it
 * needs: top-level attributes (plugin_directory, license_path, …) and the stanzas that name files or secrets
 * (listener, storage, ha_storage, seal, and their nested blocks such as raft's retry_join). Values are kept as
 * text with their line; anything that is not a literal is kept as `null` text so a reference to it fails closed.
 */

export interface ConfigValue {
  /** The literal as text (strings, numbers, booleans); null for an expression or a collection. */
  readonly text: string | null;
  readonly line: number;
}

export interface Stanza {
  /** `listener`, `storage`, `seal`, … (`backend` and `ha_backend` are read as storage and ha_storage). */
  readonly kind: string;
  /** The label: `tcp`, `raft`, `transit`; empty for a block without one (`retry_join`). */
  readonly type: string;
  readonly line: number;
  readonly attrs: ReadonlyMap<string, ConfigValue>;
  readonly children: readonly Stanza[];
}

export interface ServerConfig {
  readonly file: string;
  readonly attrs: ReadonlyMap<string, ConfigValue>;
  readonly stanzas: readonly Stanza[];
}

export type ServerConfigRead = { ok: true; config: ServerConfig } | { ok: false; reason: string };

/** Stanzas that carry a type label in Vault's configuration (the others are read but not followed). */
const LABELLED = new Set([
  'listener',
  'storage',
  'backend',
  'ha_storage',
  'ha_backend',
  'seal',
  'service_registration',
]);
const ALIASES: Record<string, string> = { backend: 'storage', ha_backend: 'ha_storage' };
/** Blocks nested in a labelled stanza, without a label of their own. */
const NESTED = new Set(['retry_join']);

const hclText = (v: HclValue): string | null =>
  v.kind === 'string' ? v.value : v.kind === 'number' || v.kind === 'bool' ? String(v.value) : null;

function fromHclBlock(b: HclBlock): Stanza {
  const attrs = new Map<string, ConfigValue>();
  for (const [name, a] of b.attributes) attrs.set(name, { text: hclText(a.value), line: a.line });
  return {
    kind: ALIASES[b.type] ?? b.type,
    type: b.labels[0] ?? '',
    line: b.line,
    attrs,
    children: b.blocks.map(fromHclBlock),
  };
}

/** Parses HCL text; the parser is loaded on first use. */
export async function parseServerConfigHcl(file: string, text: string): Promise<ServerConfigRead> {
  await loadHcl();
  const parsed = parseHcl(text);
  if (!parsed.ok) return { ok: false, reason: `${file} ${parsed.message}` };
  const attrs = new Map<string, ConfigValue>();
  for (const [name, a] of parsed.attributes ?? []) attrs.set(name, { text: hclText(a.value), line: a.line });
  return { ok: true, config: { file, attrs, stanzas: parsed.blocks.map(fromHclBlock) } };
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const objects = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v : [v]).filter(isObject);

const jsonText = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;

/** Finds the line of `key` from `from` on, so that a value's line can be named in messages. */
function lineFinder(text: string): (key: string) => number {
  let cursor = 0;
  let line = 1;
  return (key) => {
    const at = text.indexOf(JSON.stringify(key), cursor);
    if (at === -1) return line;
    for (let i = cursor; i < at; i++) if (text.charCodeAt(i) === 10) line++;
    cursor = at;
    return line;
  };
}

/** Parses JSON text in Vault's JSON configuration form (the HCL JSON spec: objects keyed by label, or arrays). */
export function parseServerConfigJson(file: string, text: string): ServerConfigRead {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    // Only where, never the parser's words: some engines quote the text around the error, and it may be a secret.
    const at = /position (\d+)/.exec((error as Error).message)?.[1];
    const line = at === undefined ? null : text.slice(0, Number(at)).split('\n').length;
    return { ok: false, reason: `${file} is not valid JSON${line === null ? '' : ` (at line ${line})`}` };
  }
  if (!isObject(doc)) return { ok: false, reason: `${file} does not hold a JSON object` };
  const lineOf = lineFinder(text);
  const body = (kind: string, type: string, value: Record<string, unknown>): Stanza => {
    const line = lineOf(type || kind);
    const attrs = new Map<string, ConfigValue>();
    const children: Stanza[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (NESTED.has(k)) for (const o of objects(v)) children.push(body(k, '', o));
      else attrs.set(k, { text: jsonText(v), line: lineOf(k) });
    }
    return { kind: ALIASES[kind] ?? kind, type, line, attrs, children };
  };
  const attrs = new Map<string, ConfigValue>();
  const stanzas: Stanza[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (LABELLED.has(key)) {
      for (const byType of objects(value))
        for (const [type, inner] of Object.entries(byType))
          for (const o of objects(inner)) stanzas.push(body(key, type, o));
    } else if (isObject(value) || (Array.isArray(value) && value.every(isObject))) {
      for (const o of objects(value)) stanzas.push(body(key, '', o));
    } else attrs.set(key, { text: jsonText(value), line: lineOf(key) });
  }
  return { ok: true, config: { file, attrs, stanzas } };
}

/** Reads one configuration file by its extension, as Vault does (`.json` is JSON, anything else HCL). */
export function parseServerConfig(file: string, text: string): Promise<ServerConfigRead> | ServerConfigRead {
  return file.toLowerCase().endsWith('.json') ? parseServerConfigJson(file, text) : parseServerConfigHcl(file, text);
}

/** Vault reads "true", "1", true as true for string-typed booleans such as a seal's `disabled`. */
export const truthy = (v: ConfigValue | undefined): boolean => v?.text === 'true' || v?.text === '1';

/**
 * The seal that unseals the server: the seal stanza not disabled (several seals are a migration or seal HA);
 * no seal stanza is Shamir. `VAULT_SEAL_TYPE` in the environment can also choose one: not seen here.
 */
export function sealTypes(configs: readonly ServerConfig[]): { active: string[]; disabled: string[] } {
  const active: string[] = [];
  const disabled: string[] = [];
  for (const c of configs)
    for (const s of c.stanzas)
      if (s.kind === 'seal') (truthy(s.attrs.get('disabled')) ? disabled : active).push(s.type);
  return { active: active.length ? [...new Set(active)] : ['shamir'], disabled: [...new Set(disabled)] };
}
