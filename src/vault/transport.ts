import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { VaultSettings } from './settings.js';

/** The status code of a response whose body node-vault hands back without it (sys/health). */
export const STATUS = Symbol('vault-change-gate.status');

/** Vault could not be reached or did not answer in time: a no-go for changes that need a backup. */
export class VaultUnreachableError extends Error {
  override readonly name = 'VaultUnreachableError';
}

export interface TransportOptions {
  readonly uri: string;
  readonly method: string;
  readonly headers?: Record<string, string>;
  readonly json?: unknown;
  /** Ours: return the response as a stream (the snapshot download), not parsed. */
  readonly stream?: boolean;
}

export interface TransportResponse {
  readonly statusCode: number;
  readonly body: unknown;
  readonly headers: http.IncomingHttpHeaders;
  readonly request: { readonly path: string };
}

const MAX_BODY = 32 * 1024 * 1024;
const MAX_REDIRECTS = 3;

/** One sentence for a connection failure, with what to do; it never holds the token (it is only in a header). */
export function explainNetworkError(error: NodeJS.ErrnoException, address: string): string {
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED') return `cannot reach Vault at ${address}: connection refused (is it running, and is VAULT_ADDR right?)`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot reach Vault at ${address}: the host name does not resolve`;
  if (code === 'ETIMEDOUT' || code === 'VAULT_TIMEOUT') return `Vault at ${address} did not answer in time (${error.message}); raise VAULT_CLIENT_TIMEOUT for large snapshots`;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME|altnames/i.test(`${code} ${error.message}`)) {
    return `cannot verify the TLS certificate of Vault at ${address} (${code || error.message}): set VAULT_CACERT to the CA that signed it (VAULT_TLS_SERVER_NAME if the name differs); verification stays on unless VAULT_SKIP_VERIFY=true`;
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') return `the connection to Vault at ${address} was cut (${code})`;
  return `cannot reach Vault at ${address}: ${error.message}`;
}

/**
 * The HTTP transport node-vault runs on (its `request-promise` hook): our TLS settings (VAULT_CACERT, client
 * certificates, server name, a VAULT_SKIP_VERIFY read as the CLI reads it), status codes kept, 307 redirects from
 * standbys followed, a timeout on silence, and streamed bodies for the snapshot. node-vault's own axios transport
 * decodes binary bodies as text and reads VAULT_SKIP_VERIFY as true whenever it is set.
 */
export function createTransport(settings: VaultSettings): (options: TransportOptions) => Promise<TransportResponse> {
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

  const once = (options: TransportOptions, uri: string, redirects: number): Promise<TransportResponse> =>
    new Promise((resolve, reject) => {
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
      const fail = (error: NodeJS.ErrnoException) => reject(new VaultUnreachableError(explainNetworkError(error, settings.address), { cause: error }));
      req.setTimeout(settings.timeoutMs, () => {
        const e: NodeJS.ErrnoException = new Error(`no answer for ${Math.round(settings.timeoutMs / 1000)}s`);
        e.code = 'VAULT_TIMEOUT';
        req.destroy(e);
      });
      req.on('error', fail);
      req.on('response', (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if ((status === 307 || status === 308) && location && redirects < MAX_REDIRECTS) {
          res.resume();
          const next = new URL(location, url);
          // Never follow a redirect that would send the token in clear text.
          if (isHttps && next.protocol !== 'https:') {
            reject(new VaultUnreachableError(`Vault at ${settings.address} redirected to ${next.origin}, which is not https; refused`));
            return;
          }
          resolve(once(options, next.toString(), redirects + 1));
          return;
        }
        if (options.stream && status === 200) {
          // A stalled stream is a failure too: the same timeout applies to silence mid-download.
          res.setTimeout(settings.timeoutMs, () => {
            const e: NodeJS.ErrnoException = new Error(`the download stalled for ${Math.round(settings.timeoutMs / 1000)}s`);
            e.code = 'VAULT_TIMEOUT';
            res.destroy(new VaultUnreachableError(explainNetworkError(e, settings.address)));
          });
          resolve({ statusCode: status, body: res, headers: res.headers, request: { path: url.pathname } });
          return;
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
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          if (text && /json/.test(String(res.headers['content-type'])) ) {
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = text;
            }
          }
          if (parsed && typeof parsed === 'object') Object.defineProperty(parsed, STATUS, { value: status, enumerable: false });
          resolve({ statusCode: status, body: parsed, headers: res.headers, request: { path: url.pathname } });
        });
      });
      req.end(body);
    });

  return (options) => once(options, options.uri, 0);
}
