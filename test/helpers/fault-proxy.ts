import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does to one request: pass it on, or answer as a store under strain or refusing would. */
export type Fault = 'throttle' | 'deny' | 'cut' | null;

export interface FaultProxy {
  readonly endpoint: string;
  /** Every request seen, as "METHOD PATH" (query included). */
  readonly seen: string[];
  /** Chooses a fault per request; `null` passes it on untouched. */
  fault: (req: IncomingMessage) => Fault;
  close(): Promise<void>;
}

/**
 * A pass-through HTTP proxy on 127.0.0.1 in front of a real local store (s3rver, azurite) that can answer as the
 * services document they do under strain: S3's 503 SlowDown ("Please reduce your request rate", the S3 error
 * responses page), Azure's 503 ServerBusy (the Blob service error codes page), a 403 AccessDenied, or the object's
 * headers and half its bytes and then a dropped connection. Headers are passed as they are, so signatures hold.
 */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const seen: string[] = [];
  const proxy: FaultProxy = { endpoint: '', seen, fault: () => null, close: async () => {} };
  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(`${req.method} ${req.url}`);
    req.on('error', () => {});
    const fault = proxy.fault(req);
    const azure = /^\/devstoreaccount1/.test(req.url ?? '');
    if (fault === 'throttle' || fault === 'deny') {
      const status = fault === 'throttle' ? 503 : 403;
      const code =
        fault === 'throttle' ? (azure ? 'ServerBusy' : 'SlowDown') : azure ? 'AuthorizationFailure' : 'AccessDenied';
      req.resume();
      const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`;
      res.writeHead(status, { 'content-type': 'application/xml', 'x-ms-error-code': code });
      res.end(body);
      return;
    }
    const forward = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        // A cut ends both sides on purpose: their errors are the point, not failures of the proxy.
        up.on('error', () => {});
        res.on('error', () => {});
        res.writeHead(up.statusCode ?? 502, up.headers);
        if (fault !== 'cut') {
          up.pipe(res);
          return;
        }
        const half = Math.floor(Number(up.headers['content-length'] ?? 0) / 2);
        let sent = 0;
        up.on('data', (chunk: Buffer) => {
          if (sent >= half) return;
          const part = chunk.subarray(0, half - sent);
          sent += part.length;
          // Dropped once the half has left, so that the client holds the headers and some bytes: a cut mid-object.
          const drop = sent >= half;
          res.write(part, () => {
            if (!drop) return;
            up.destroy();
            setImmediate(() => res.socket?.destroy());
          });
        });
      },
    );
    forward.on('error', () => res.socket?.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  (proxy as { endpoint: string }).endpoint = `http://127.0.0.1:${port}`;
  proxy.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
