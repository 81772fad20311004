import type { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import type NodeVault from 'node-vault';
import type { VaultSettings } from './settings.js';
import { createTransport, STATUS, VaultUnreachableError, type TransportOptions } from './transport.js';

/**
 * The only importer of node-vault. node-vault builds the requests (address, /v1, token and namespace headers);
 * the transport it runs on is ours (see transport.ts), which closes its gaps: binary bodies, status codes, TLS.
 */
export interface VaultReply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export interface VaultClient {
  readonly address: string;
  readonly namespace: string;
  /** A request; any HTTP status comes back as a reply. Throws VaultUnreachableError when Vault cannot be reached. */
  request(method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, options?: { root?: boolean; body?: unknown }): Promise<VaultReply>;
  /** GET `?list=true`, as the vault CLI lists ("for broader compatibility" than the LIST verb). */
  list(path: string, options?: { root?: boolean }): Promise<VaultReply>;
  /** sys/health with its status code (200 active, 429 standby, 472, 473, 501, 503, …). Root namespace. */
  health(): Promise<VaultReply>;
  /** Streams a binary response (the raft snapshot). Root namespace; follows a standby's 307. */
  download(path: string): Promise<{ status: number; stream: Readable | null; body: Record<string, unknown> }>;
}

interface NodeVaultError extends Error {
  response?: { statusCode?: number; body?: unknown };
}

const asObject = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : { text: v });

/** node-vault (and axios under it) load only when Vault is asked: a pre-push hook that does not ask pays nothing. */
let factory: typeof NodeVault | null = null;
const loadNodeVault = (): typeof NodeVault => (factory ??= createRequire(import.meta.url)('node-vault') as typeof NodeVault);

export function createVaultClient(settings: VaultSettings): VaultClient {
  const nodeVault = loadNodeVault();
  const transport = createTransport(settings);
  const requestPromise = { defaults: () => transport };
  const make = (namespace: string) => {
    const client = nodeVault({
      endpoint: settings.address,
      ...(settings.token ? { token: settings.token } : {}),
      'request-promise': requestPromise,
      // node-vault logs requests with the `debug` module; nothing of ours should ever be logged.
      debug: () => {},
    });
    // node-vault falls back on VAULT_TOKEN / VAULT_NAMESPACE by itself; ours are already resolved.
    client.token = settings.token ?? '';
    (client as unknown as { namespace: string }).namespace = namespace;
    return client;
  };
  const namespaced = make(settings.namespace);
  const root = make('');

  const call = async (method: string, path: string, options: { root?: boolean; body?: unknown; stream?: boolean } = {}): Promise<{ status: number; body: unknown }> => {
    const client = options.root ? root : namespaced;
    try {
      const body = await client.request({ path: `/${path.replace(/^\/+/, '')}`, method, ...(options.body !== undefined ? { json: options.body } : {}), ...(options.stream ? { stream: true } : {}) } as TransportOptions & { path: string });
      const status = body && typeof body === 'object' && STATUS in body ? (body as Record<symbol, number>)[STATUS] : 200;
      return { status: status ?? 200, body };
    } catch (error) {
      if (error instanceof VaultUnreachableError) throw error;
      const e = error as NodeVaultError;
      if (e.response?.statusCode !== undefined) return { status: e.response.statusCode, body: e.response.body };
      throw error;
    }
  };

  return {
    address: settings.address,
    namespace: settings.namespace,
    request: async (method, path, options = {}) => {
      const r = await call(method, path, options);
      return { status: r.status, body: asObject(r.body) };
    },
    list: async (path, options = {}) => {
      const r = await call('GET', `${path.replace(/\/+$/, '')}?list=true`, options);
      return { status: r.status, body: asObject(r.body) };
    },
    health: async () => {
      const r = await call('GET', 'sys/health?standbyok=false&perfstandbyok=false', { root: true });
      return { status: r.status, body: asObject(r.body) };
    },
    download: async (path) => {
      const r = await call('GET', path, { root: true, stream: true });
      const isStream = r.body !== null && typeof r.body === 'object' && typeof (r.body as Readable).pipe === 'function';
      return isStream ? { status: r.status, stream: r.body as Readable, body: {} } : { status: r.status, stream: null, body: asObject(r.body) };
    },
  };
}
