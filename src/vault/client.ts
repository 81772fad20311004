import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import type NodeVault from 'node-vault';
import type { VaultSettings } from './settings.js';
import { Answer, createTransport, type Hop, type TransportOptions } from './transport.js';

/**
 * The only importer of node-vault. node-vault builds the requests (address, /v1, token and namespace headers);
 * the transport it runs on is ours (see transport.ts), which closes its gaps: binary bodies, status codes, content
 * types, TLS, redirects, interrupts.
 */
export interface VaultReply {
  readonly status: number;
  /** The media type of the answer (`application/json` from Vault), or null. */
  readonly contentType: string | null;
  /** The parsed body when the answer was JSON; undefined otherwise (the text of anything else is never kept). */
  readonly json: unknown;
  /** `json` when it is an object, else `{}`: convenient reads of Vault's `errors`. */
  readonly body: Record<string, unknown>;
  /** Redirects followed on the way. */
  readonly hops: readonly Hop[];
}

export interface VaultDownload extends VaultReply {
  /** The body of a 200, streamed; null for any other answer. */
  readonly stream: Readable | null;
  /** The server's `Date` header. */
  readonly date: string | null;
}

export interface VaultClient {
  /** The address as it may be shown (credentials masked). */
  readonly address: string;
  readonly namespace: string;
  /** A request; any HTTP status comes back as a reply. Throws VaultUnreachableError when Vault cannot be reached. */
  request(
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    path: string,
    options?: { root?: boolean; body?: unknown },
  ): Promise<VaultReply>;
  /** GET `?list=true`, as the vault CLI lists ("for broader compatibility" than the LIST verb). */
  list(path: string, options?: { root?: boolean }): Promise<VaultReply>;
  /** sys/health with its status code (200 active, 429 standby, 472, 473, 501, 503, …). Root namespace. */
  health(): Promise<VaultReply>;
  /** Streams a binary response (the raft snapshot). Root namespace; follows a standby's 307. */
  download(path: string): Promise<VaultDownload>;
}

const asObject = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** node-vault (and axios under it) load only when Vault is asked: a pre-push hook that does not ask pays nothing. */
let factory: typeof NodeVault | null = null;
const loadNodeVault = (): typeof NodeVault =>
  (factory ??= createRequire(import.meta.url)('node-vault') as typeof NodeVault);

/** A client for the cluster `settings` name; `signal` abandons every request in flight (Ctrl-C). */
export function createVaultClient(settings: VaultSettings, options: { signal?: AbortSignal } = {}): VaultClient {
  const nodeVault = loadNodeVault();
  const transport = createTransport(settings, options.signal);
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

  type CallOptions = { root?: boolean; body?: unknown; stream?: boolean };
  const call = async (method: string, path: string, o: CallOptions = {}): Promise<Answer> => {
    const client = o.root ? root : namespaced;
    const request = {
      path: `/${path.replace(/^\/+/, '')}`,
      method,
      ...(o.body !== undefined ? { json: o.body } : {}),
      ...(o.stream ? { stream: true } : {}),
    };
    const answer: unknown = await client.request(request as TransportOptions & { path: string });
    // The transport always hands node-vault a 200 carrying an Answer; anything else is a bug, not a reply.
    if (!(answer instanceof Answer)) throw new TypeError('the Vault transport returned something other than an answer');
    return answer;
  };
  const reply = (a: Answer): VaultReply => ({
    status: a.status,
    contentType: a.contentType,
    json: a.json,
    body: asObject(a.json),
    hops: a.hops,
  });

  return {
    address: settings.displayAddress,
    namespace: settings.namespace,
    request: async (method, path, o = {}) => reply(await call(method, path, o)),
    list: async (path, o = {}) => reply(await call('GET', `${path.replace(/\/+$/, '')}?list=true`, o)),
    health: async () => reply(await call('GET', 'sys/health?standbyok=false&perfstandbyok=false', { root: true })),
    download: async (path) => {
      const a = await call('GET', path, { root: true, stream: true });
      return { ...reply(a), stream: a.stream, date: a.date };
    },
  };
}
