import { UserError } from '../errors.js';
import type { ConfigValue, ServerConfig, Stanza } from './server-config.js';

/**
 * What a server configuration names besides itself, and which of its values are secrets. Pure: the paths are as
 * written; collect.ts resolves and reads them. The attribute names follow Vault's configuration docs: listener
 * "tcp" (tls_cert_file, tls_key_file, tls_client_ca_file), storage "raft" retry_join (leader_ca_cert_file,
 * leader_client_cert_file, leader_client_key_file), storage backends' TLS files (tls_ca_file, …), seal "transit"
 * (tls_ca_cert, tls_client_cert, tls_client_key), seal "gcpckms" (credentials), seal "pkcs11" (lib), and the
 * top-level plugin_directory and license_path.
 */

export type ReferenceKind = 'file' | 'directory';

export interface Reference {
  /** The path as written in the configuration. */
  readonly path: string;
  readonly kind: ReferenceKind;
  /** What names it: `listener "tcp" tls_key_file (vault.hcl:12)`. */
  readonly role: string;
  /** Why the file is sensitive, or null. */
  readonly sensitive: string | null;
}

export interface ConfigSecret {
  /** Why the configuration file itself is sensitive: `seal "transit" sets token (line 14)`. */
  readonly why: string;
}

/** Seal attributes that name a file (besides any `*_file`). */
const SEAL_FILES = new Set(['tls_ca_cert', 'tls_client_cert', 'tls_client_key', 'credentials', 'lib']);
/** File references whose file is a private key or a credential. */
const SENSITIVE_FILE: Record<string, string> = {
  tls_key_file: 'a private key',
  leader_client_key_file: 'a private key',
  tls_client_key: 'a private key',
  credentials: 'cloud credentials',
};
/** Attribute names whose value is a secret in a seal or storage stanza (token, secret_key, client_secret, …). */
const SECRET_NAME = /(^|_)(token|secret|password|passphrase|pin)$|secret_key|client_secret|secret_id|private_key/;
/** Stanzas whose attributes can hold credentials (Transit's token, AWS KMS's secret_key, Azure's client_secret). */
const CREDENTIAL_STANZAS = new Set(['seal', 'storage', 'ha_storage', 'service_registration']);
const PEM_PRIVATE = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

const where = (config: ServerConfig, line: number): string => `${config.file}:${line}`;
const stanzaName = (s: Stanza): string => (s.type ? `${s.kind} "${s.type}"` : s.kind);

/** A value that must be a literal path to be followed: an expression cannot be read, so it is refused. */
export class UnreadableReference extends UserError {
  override readonly name = 'UnreadableReference';
}

function refer(config: ServerConfig, s: string, name: string, v: ConfigValue, kind: ReferenceKind): Reference | null {
  const role = `${s} ${name} (${where(config, v.line)})`;
  if (v.text === null) throw new UnreadableReference(`${role} is not a literal path, so the file it names is unknown`);
  if (v.text.trim() === '') return null;
  return { path: v.text, kind, role, sensitive: SENSITIVE_FILE[name] ?? null };
}

function stanzaReferences(config: ServerConfig, stanza: Stanza, parent: string | null, out: Reference[]): void {
  const name = parent ? `${parent} ${stanza.kind}` : stanzaName(stanza);
  for (const [attr, v] of stanza.attrs) {
    const isFile = attr.endsWith('_file') || (stanza.kind === 'seal' && SEAL_FILES.has(attr));
    if (!isFile) continue;
    const r = refer(config, name, attr, v, 'file');
    if (r) out.push(r);
  }
  for (const child of stanza.children) stanzaReferences(config, child, name, out);
}

/** Every file and folder one configuration names, in the order written. */
export function referencesOf(config: ServerConfig): Reference[] {
  const out: Reference[] = [];
  const plugins = config.attrs.get('plugin_directory');
  if (plugins) {
    const r = refer(config, 'plugin_directory', '', plugins, 'directory');
    if (r) out.push({ ...r, role: `plugin_directory (${where(config, plugins.line)})` });
  }
  const license = config.attrs.get('license_path');
  if (license) {
    const r = refer(config, 'license_path', '', license, 'file');
    if (r) out.push({ ...r, role: `license_path (${where(config, license.line)})`, sensitive: 'a license' });
  }
  for (const s of config.stanzas) {
    if (s.kind === 'listener' || CREDENTIAL_STANZAS.has(s.kind)) stanzaReferences(config, s, null, out);
  }
  return out;
}

function stanzaSecrets(stanza: Stanza, parent: string | null, out: ConfigSecret[]): void {
  const name = parent ? `${parent} ${stanza.kind}` : stanzaName(stanza);
  for (const [attr, v] of stanza.attrs) {
    if (attr.endsWith('_file')) continue;
    if (SECRET_NAME.test(attr) && v.text !== '') out.push({ why: `${name} sets ${attr} (line ${v.line})` });
    else if (v.text && PEM_PRIVATE.test(v.text))
      out.push({ why: `${name} holds a private key in ${attr} (line ${v.line})` });
  }
  for (const child of stanza.children) stanzaSecrets(child, name, out);
}

/** Why the configuration file itself is sensitive: a credential written in a seal or storage stanza. */
export function secretsOf(config: ServerConfig): ConfigSecret[] {
  const out: ConfigSecret[] = [];
  for (const s of config.stanzas)
    if (CREDENTIAL_STANZAS.has(s.kind) || s.kind === 'listener') stanzaSecrets(s, null, out);
  return out;
}

const SECRET_ASSIGNMENT =
  /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*(?:TOKEN|SECRET|PASSWORD|PASSPHRASE)[A-Za-z0-9_]*)\s*=/im;

/**
 * Why a file's text looks sensitive, or null: a PEM private key, or an environment line that sets a token or
 * secret (`VAULT_TOKEN=`, `AWS_SECRET_ACCESS_KEY=`). Only the name is kept, never the value.
 */
export function sensitiveText(text: string): string | null {
  if (PEM_PRIVATE.test(text)) return 'a private key';
  const m = SECRET_ASSIGNMENT.exec(text);
  return m ? `sets ${m[1]}` : null;
}
