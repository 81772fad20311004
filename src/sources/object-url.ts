import type { SourceSpec } from './spec.js';

/** An object named by URL: its kind, bucket (Azure: container), Azure account, and key. */
export interface ObjectLocation {
  readonly kind: SourceSpec['kind'];
  readonly bucket: string;
  readonly account: string | null;
  readonly key: string;
}

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/**
 * Where an object URL points, in the forms an automated snapshot's status or a person may give: s3://, gs://,
 * azure:// as the sources are written, and the services' https forms (S3 virtual-hosted and path style, Cloud
 * Storage's storage.googleapis.com, Azure's ACCOUNT.blob.core.windows.net). Null for anything else. Pure.
 */
export function locateObject(url: string): ObjectLocation | null {
  const scheme = /^(s3|gs):\/\/([^/?#]+)\/([^?#]+)$/.exec(url);
  if (scheme)
    return {
      kind: scheme[1] as 's3' | 'gs',
      bucket: scheme[2] as string,
      account: null,
      key: decode(scheme[3] as string),
    };
  const azure = /^azure:\/\/([^/?#]+)\/([^/?#]+)\/([^?#]+)$/.exec(url);
  if (azure)
    return { kind: 'azure', account: azure[1] as string, bucket: azure[2] as string, key: decode(azure[3] as string) };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  const [first = '', ...rest] = u.pathname.replace(/^\//, '').split('/');
  const path = decode(rest.join('/'));
  const host = u.hostname.toLowerCase();
  const s3Virtual =
    /^(.+)\.s3[.-](?:[a-z0-9-]+\.)?amazonaws\.com$/.exec(host) ?? /^(.+)\.s3\.amazonaws\.com$/.exec(host);
  if (s3Virtual) return { kind: 's3', bucket: s3Virtual[1] as string, account: null, key: decode(u.pathname.slice(1)) };
  if (/^s3[.-](?:[a-z0-9-]+\.)?amazonaws\.com$/.test(host) && path) {
    return { kind: 's3', bucket: first, account: null, key: path };
  }
  const gcsVirtual = /^(.+)\.storage\.googleapis\.com$/.exec(host);
  if (gcsVirtual)
    return { kind: 'gs', bucket: gcsVirtual[1] as string, account: null, key: decode(u.pathname.slice(1)) };
  if (host === 'storage.googleapis.com' && path) return { kind: 'gs', bucket: first, account: null, key: path };
  const blob = /^([a-z0-9]+)\.blob\.core\.windows\.net$/.exec(host);
  if (blob && path) return { kind: 'azure', account: blob[1] as string, bucket: first, key: path };
  return null;
}

/** The configured source an object belongs to: same kind, bucket (and account); null when none is configured. */
export function sourceFor(location: ObjectLocation, sources: readonly SourceSpec[]): SourceSpec | null {
  const matches = sources.filter(
    (s) =>
      s.bucket === location.bucket &&
      (location.kind === 'azure' ? s.kind === 'azure' && s.account === location.account : s.kind === location.kind),
  );
  // The source whose prefix holds the object, else any source of that bucket (its endpoint and credentials).
  return matches.find((s) => location.key.startsWith(s.prefix)) ?? matches[0] ?? null;
}
