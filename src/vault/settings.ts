import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fsErrorWords } from '../shared/fs-errors.js';
import { UserError } from '../errors.js';

/**
 * How to reach Vault, read from the environment the way the `vault` CLI reads it (api/client.go ReadEnvironment):
 * VAULT_ADDR (default https://127.0.0.1:8200), VAULT_TOKEN or ~/.vault-token, VAULT_NAMESPACE, VAULT_CACERT,
 * VAULT_CAPATH, VAULT_CLIENT_CERT, VAULT_CLIENT_KEY, VAULT_TLS_SERVER_NAME, VAULT_SKIP_VERIFY (Go's ParseBool:
 * anything else is an error, never "true"), VAULT_CLIENT_TIMEOUT (seconds or a Go duration; default 60s).
 */
export interface VaultSettings {
  /** The address requests go to, as given (credentials in it included): never shown; see `displayAddress`. */
  readonly address: string;
  /** The address as every message shows it: user, password and query values masked. */
  readonly displayAddress: string;
  /** Kept out of every output: only the transport reads it. */
  readonly token: string | null;
  readonly tokenSource: 'VAULT_TOKEN' | '~/.vault-token' | 'none';
  readonly namespace: string;
  readonly ca: Buffer[] | null;
  readonly clientCert: Buffer | null;
  readonly clientKey: Buffer | null;
  readonly tlsServerName: string | null;
  readonly skipVerify: boolean;
  readonly timeoutMs: number;
}

/** A Vault setting that cannot be used (exit 2, one line; never names the token). */
export class VaultConfigError extends UserError {
  override readonly name = 'VaultConfigError';
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

function goBool(name: string, value: string): boolean {
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new VaultConfigError(
    `could not parse ${name}: ${JSON.stringify(value)} is not true or false (1, t, true, 0, f, false)`,
  );
}

function goDuration(name: string, value: string): number {
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(value))) {
    total += Number(m[1]) * (units[m[2] as string] as number);
    at = re.lastIndex;
  }
  if (at !== value.length || total <= 0)
    throw new VaultConfigError(`could not parse ${name}: ${JSON.stringify(value)} is not a duration (60, 60s, 2m)`);
  return total;
}

const readFileFor = (name: string, file: string): Buffer => {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new VaultConfigError(`${name} names ${file}, which cannot be read (${fsErrorWords(error)})`);
  }
};

/**
 * An address fit to show: `user:password@`, the query and the fragment become `***`, so that credentials a VAULT_ADDR (or a
 * redirect's Location) carries never reach a message, `--json` or the decision log. Text that is not a URL keeps
 * neither what precedes its last `@` nor what follows a `?` or `#`.
 */
export function displayAddress(address: string): string {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    // Not a URL: everything up to the last `@` may be credentials, and everything after `?` or `#` may be too.
    return address.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/is, '$1***@').replace(/[?#].*$/s, '?***');
  }
  const auth = url.username || url.password ? '***@' : '';
  // A path is shown when it is plain; one with `@`, `:` or escapes may be a mistyped credential.
  const pathname = url.pathname === '/' ? '' : /^[\w./-]*$/.test(url.pathname) ? url.pathname : '/***';
  return `${url.protocol}//${auth}${url.host}${pathname}${url.search ? '?***' : ''}${url.hash ? '#***' : ''}`;
}

export function readVaultSettings(env: Readonly<Record<string, string | undefined>>, home = homedir()): VaultSettings {
  const address = (env.VAULT_ADDR || 'https://127.0.0.1:8200').replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    const shown = JSON.stringify(displayAddress(address));
    throw new VaultConfigError(`VAULT_ADDR ${shown} is not a URL (like https://vault.example.com:8200)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new VaultConfigError(`VAULT_ADDR must use http or https, not ${url.protocol}`);
  let token: string | null = env.VAULT_TOKEN?.trim() || null;
  let tokenSource: VaultSettings['tokenSource'] = token ? 'VAULT_TOKEN' : 'none';
  if (!token) {
    const file = path.join(home, '.vault-token');
    if (existsSync(file)) {
      token = readFileSync(file, 'utf8').trim() || null;
      if (token) tokenSource = '~/.vault-token';
    }
  }
  let ca: Buffer[] | null = null;
  if (env.VAULT_CACERT) ca = [readFileFor('VAULT_CACERT', env.VAULT_CACERT)];
  else if (env.VAULT_CAPATH) {
    const dir = env.VAULT_CAPATH;
    let names: string[];
    try {
      names = statSync(dir).isDirectory() ? readdirSync(dir).map((n) => path.join(dir, n)) : [dir];
    } catch {
      throw new VaultConfigError(`VAULT_CAPATH names ${dir}, which cannot be read`);
    }
    ca = names.filter((f) => /\.(pem|crt|cer)$/i.test(f) || f === dir).map((f) => readFileFor('VAULT_CAPATH', f));
  }
  const clientCert = env.VAULT_CLIENT_CERT ? readFileFor('VAULT_CLIENT_CERT', env.VAULT_CLIENT_CERT) : null;
  const clientKey = env.VAULT_CLIENT_KEY ? readFileFor('VAULT_CLIENT_KEY', env.VAULT_CLIENT_KEY) : null;
  if ((clientCert === null) !== (clientKey === null))
    throw new VaultConfigError('VAULT_CLIENT_CERT and VAULT_CLIENT_KEY go together: set both or neither');
  return {
    address,
    displayAddress: displayAddress(address),
    token,
    tokenSource,
    namespace: (env.VAULT_NAMESPACE ?? '').replace(/^\/+|\/+$/g, ''),
    ca,
    clientCert,
    clientKey,
    tlsServerName: env.VAULT_TLS_SERVER_NAME || null,
    skipVerify: env.VAULT_SKIP_VERIFY ? goBool('VAULT_SKIP_VERIFY', env.VAULT_SKIP_VERIFY) : false,
    timeoutMs: env.VAULT_CLIENT_TIMEOUT ? goDuration('VAULT_CLIENT_TIMEOUT', env.VAULT_CLIENT_TIMEOUT) : 60_000,
  };
}
