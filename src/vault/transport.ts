import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { displayAddress, type VaultSettings } from './settings.js';

/** Vault could not be reached or did not answer in time: a no-go for changes that need a backup. */
export class VaultUnreachableError extends Error {
  override readonly name = 'VaultUnreachableError';
}

/** The run was interrupted (Ctrl-C, SIGTERM): whatever was in flight is abandoned and nothing is kept. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
  constructor(message = 'interrupted') {
    super(message);
  }
}

export interface TransportOptions {
  readonly uri: string;
  readonly method: string;
  readonly headers?: Record<string, string>;
  readonly json?: unknown;
  /** Ours: return a 200's body as a stream (the snapshot download), not parsed. */
  readonly stream?: boolean;
}

/** A redirect that was followed, origins only (shown masked: a Location may carry credentials too). */
export interface Hop {
  readonly status: number;
  readonly from: string;
  readonly to: string;
}

/**
 * What came back, whatever it was. node-vault's response handling is bypassed (it is always handed a 200 whose
 * body is this): it drops the status of sys/health and of any non-JSON body, which let a load balancer's HTML page
 * pass for an active Vault. The text of a body that is not JSON is not kept: it is never shown.
 */
export class Answer {
  readonly status: number;
  /** The media type without parameters (`application/json`), or null when none was sent. */
  readonly contentType: string | null;
  /** The parsed body when it was JSON (by its content type and by parsing); undefined otherwise. */
  readonly json: unknown;
  readonly stream: Readable | null;
  /** The server's `Date` header (its clock, as it said it). */
  readonly date: string | null;
  readonly hops: readonly Hop[];
  constructor(fields: Pick<Answer, 'status' | 'contentType' | 'json' | 'stream' | 'date' | 'hops'>) {
    this.status = fields.status;
    this.contentType = fields.contentType;
    this.json = fields.json;
    this.stream = fields.stream;
    this.date = fields.date;
    this.hops = fields.hops;
  }
}

export interface TransportResponse {
  readonly statusCode: number;
  readonly body: Answer;
  readonly headers: http.IncomingHttpHeaders;
  readonly request: { readonly path: string };
}

const MAX_BODY = 32 * 1024 * 1024;
/** Redirects followed at most (Vault's standbys send one 307 to the active node). */
export const MAX_REDIRECTS = 3;

/** One sentence for a connection failure, with what to do; it never holds the token (it is only in a header). */
export function explainNetworkError(error: NodeJS.ErrnoException, address: string): string {
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED')
    return `cannot reach Vault at ${address}: connection refused (is it running, and is VAULT_ADDR right?)`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `cannot reach Vault at ${address}: the host name does not resolve`;
  if (code === 'ETIMEDOUT' || code === 'VAULT_TIMEOUT')
    return `Vault at ${address} did not answer in time (${error.message}); raise VAULT_CLIENT_TIMEOUT for large snapshots`;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME|altnames/i.test(`${code} ${error.message}`)) {
    return `cannot verify the TLS certificate of Vault at ${address} (${code || error.message}): set VAULT_CACERT to the CA that signed it (VAULT_TLS_SERVER_NAME if the name differs); verification stays on unless VAULT_SKIP_VERIFY=true`;
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') return `the connection to Vault at ${address} was cut (${code})`;
  const message = error.message.replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, (u) => displayAddress(u));
  return `cannot reach Vault at ${address}: ${message}`;
}

const mediaType = (header: string | undefined): string | null => header?.split(';')[0]?.trim().toLowerCase() || null;
const origin = (url: URL): string =>
  displayAddress(`${url.protocol}//${url.username || url.password ? 'x@' : ''}${url.host}`);

/**
 * The HTTP transport node-vault runs on (its `request-promise` hook): our TLS settings (VAULT_CACERT, client
 * certificates, server name, a VAULT_SKIP_VERIFY read as the CLI reads it), every status and content type kept,
 * 307/308 redirects from standbys followed (at most 3; to https only, or to http when every URL so far was http),
 * a timeout on silence, streamed bodies for the snapshot, and an abort signal for Ctrl-C. node-vault's own axios
 * transport decodes binary bodies as text and reads VAULT_SKIP_VERIFY as true whenever it is set.
 */
export function createTransport(
  settings: VaultSettings,
  signal?: AbortSignal,
): (options: TransportOptions) => Promise<TransportResponse> {
  const agentOptions: https.AgentOptions = {
    keepAlive: true,
    rejectUnauthorized: !settings.skipVerify,
    ...(settings.ca ? { ca: settings.ca } : {}),
    ...(settings.clientCert ? { cert: settings.clientCert } : {}),
    ...(settings.clientKey ? { key: settings.clientKey } : {}),
    ...(settings.tlsServerName ? { servername: settings.tlsServerName } : {}),
  };
  const httpsAgent = new https.Agent(agentOptions);
  const httpAgent = new http.Agent({ keepAlive: true });
  const shown = settings.displayAddress;

  const once = (options: TransportOptions, uri: string, hops: Hop[]): Promise<TransportResponse> =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new InterruptedError());
      const url = new URL(uri);
      const isHttps = url.protocol === 'https:';
      let body: Buffer | undefined;
      const headers: Record<string, string> = { ...options.headers };
      if (options.json !== undefined && options.method !== 'GET') {
        body = Buffer.isBuffer(options.json) ? options.json : Buffer.from(JSON.stringify(options.json));
        headers['Content-Type'] ??= 'application/json';
        headers['Content-Length'] = String(body.length);
      }
      const req = (isHttps ? https : http).request(url, {
        method: options.method,
        headers,
        agent: isHttps ? httpsAgent : httpAgent,
        ...(isHttps && settings.tlsServerName ? { servername: settings.tlsServerName } : {}),
      });
      const onAbort = () => req.destroy(new InterruptedError());
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => signal?.removeEventListener('abort', onAbort);
      const fail = (error: NodeJS.ErrnoException) => {
        settle();
        if (error instanceof InterruptedError) return reject(error);
        reject(new VaultUnreachableError(explainNetworkError(error, shown), { cause: error }));
      };
      req.setTimeout(settings.timeoutMs, () => {
        const e: NodeJS.ErrnoException = new Error(`no answer for ${Math.round(settings.timeoutMs / 1000)}s`);
        e.code = 'VAULT_TIMEOUT';
        req.destroy(e);
      });
      req.on('error', fail);
      req.on('response', (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        const contentType = mediaType(res.headers['content-type']);
        const date = res.headers.date ?? null;
        const location = res.headers.location;
        if ((status === 307 || status === 308) && location) {
          res.resume();
          settle();
          let next: URL;
          try {
            next = new URL(location, url);
          } catch {
            const why = `Vault at ${shown} answered HTTP ${status} with a Location that is not a URL; refused`;
            return reject(new VaultUnreachableError(why));
          }
          if (hops.length >= MAX_REDIRECTS) {
            const why = `Vault at ${shown} redirected more than ${MAX_REDIRECTS} times (to ${origin(next)}); refused`;
            return reject(new VaultUnreachableError(why));
          }
          // Never send the token in clear text: http only while every URL so far was http.
          const allHttp = [uri, ...hops.map((h) => h.from)].every((u) => u.startsWith('http:'));
          if (next.protocol !== 'https:' && !(next.protocol === 'http:' && allHttp)) {
            const why = `Vault at ${shown} redirected to ${origin(next)}, which is not https; refused`;
            return reject(new VaultUnreachableError(why));
          }
          return resolve(once(options, next.toString(), [...hops, { status, from: origin(url), to: origin(next) }]));
        }
        if (options.stream && status === 200) {
          // A stalled stream is a failure too: the same timeout applies to silence mid-download.
          res.setTimeout(settings.timeoutMs, () => {
            const e: NodeJS.ErrnoException = new Error(
              `the download stalled for ${Math.round(settings.timeoutMs / 1000)}s`,
            );
            e.code = 'VAULT_TIMEOUT';
            res.destroy(new VaultUnreachableError(explainNetworkError(e, shown)));
          });
          signal?.removeEventListener('abort', onAbort);
          const abortStream = () => res.destroy(new InterruptedError());
          signal?.addEventListener('abort', abortStream, { once: true });
          res.once('close', () => signal?.removeEventListener('abort', abortStream));
          const answer = new Answer({ status, contentType, json: undefined, stream: res, date, hops });
          return resolve({ statusCode: 200, body: answer, headers: res.headers, request: { path: url.pathname } });
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) res.destroy(new Error('the response is larger than 32 MiB'));
          else chunks.push(c);
        });
        res.on('error', fail);
        res.on('end', () => {
          settle();
          let parsed: unknown;
          if (contentType === 'application/json' || contentType?.endsWith('+json')) {
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              parsed = undefined;
            }
          }
          const answer = new Answer({ status, contentType, json: parsed, stream: null, date, hops });
          resolve({ statusCode: 200, body: answer, headers: res.headers, request: { path: url.pathname } });
        });
      });
      req.end(body);
    });

  return (options) => once(options, options.uri, []);
}
