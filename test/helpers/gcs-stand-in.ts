import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CRC32C } from '@google-cloud/storage';

/** The object's CRC32C as x-goog-hash gives it (base64 of the big-endian value), computed by the SDK's own class. */
const crc32c = (body: Buffer): string => {
  const c = new CRC32C();
  c.update(body);
  return c.toString();
};

export interface GcsStandIn {
  readonly endpoint: string;
  put(bucket: string, name: string, body: Buffer): void;
  close(): Promise<void>;
}

/**
 * A small stand-in for the Cloud Storage JSON API, as no GCS emulator is to be had from our registries: the three
 * calls the source makes, in the shapes the JSON API reference gives them (cloud.google.com/storage/docs/json_api):
 * `objects.list` (GET /storage/v1/b/BUCKET/o: `items` of {name, bucket, size (a string), updated},
 * `nextPageToken`), `objects.get` (GET …/o/OBJECT: the metadata) and its media download (`?alt=media`, with
 * `x-goog-hash: crc32c=…,md5=…` and `x-goog-stored-content-encoding`). Errors as the API's error object; a bucket named
 * "forbidden" answers 403, as a bucket the credentials may not read does.
 */
export async function startGcsStandIn(): Promise<GcsStandIn> {
  const buckets = new Map<string, Map<string, { body: Buffer; updated: string }>>();
  const fail = (res: http.ServerResponse, code: number, reason: string, message: string) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code, message, errors: [{ reason, message }] } }));
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/storage\/v1\/b\/([^/]+)\/o(?:\/(.+))?$/.exec(url.pathname);
    if (!m || req.method !== 'GET') return fail(res, 404, 'notFound', 'Not Found');
    const bucketName = decodeURIComponent(m[1] as string);
    if (bucketName === 'forbidden')
      return fail(res, 403, 'forbidden', 'caller does not have storage.objects.list access');
    const bucket = buckets.get(bucketName);
    if (!bucket) return fail(res, 404, 'notFound', 'The specified bucket does not exist.');
    const resource = (name: string, o: { body: Buffer; updated: string }) => ({
      kind: 'storage#object',
      name,
      bucket: bucketName,
      size: String(o.body.length),
      updated: o.updated,
      md5Hash: createHash('md5').update(o.body).digest('base64'),
    });
    if (m[2] === undefined) {
      const prefix = url.searchParams.get('prefix') ?? '';
      const names = [...bucket.keys()].filter((n) => n.startsWith(prefix)).sort();
      const start = Number(url.searchParams.get('pageToken') ?? 0);
      const max = Number(url.searchParams.get('maxResults') ?? 1000);
      const page = names.slice(start, start + max);
      const next = start + max < names.length ? { nextPageToken: String(start + max) } : {};
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ kind: 'storage#objects', items: page.map((n) => resource(n, bucket.get(n)!)), ...next }),
      );
      return;
    }
    const name = decodeURIComponent(m[2]);
    const o = bucket.get(name);
    if (!o) return fail(res, 404, 'notFound', 'No such object.');
    if (url.searchParams.get('alt') !== 'media') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(resource(name, o)));
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': o.body.length,
      'x-goog-hash': `crc32c=${crc32c(o.body)},md5=${createHash('md5').update(o.body).digest('base64')}`,
      'x-goog-stored-content-encoding': 'identity',
    });
    res.end(o.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    put: (bucket, name, body) => {
      const b = buckets.get(bucket) ?? new Map();
      buckets.set(bucket, b);
      b.set(name, { body, updated: new Date().toISOString() });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
