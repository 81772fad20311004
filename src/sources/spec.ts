import { UserError } from '../errors.js';

/** A `--snapshot-url` or `snapshots.sources` entry that cannot be used: a usage or configuration problem (exit 2). */
export class SourceUrlError extends UserError {
  override readonly name = 'SourceUrlError';
}

/** A source's settings beside its URL, as a `snapshots.sources` entry may give them (the URL's query wins). */
export interface SourceSettings {
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
  readonly forcePathStyle?: boolean | undefined;
  /** AWS: the shared-config profile (else AWS_PROFILE). */
  readonly profile?: string | undefined;
  /** gs:// only: "s3" reads the bucket through Cloud Storage's S3-compatible XML API with HMAC keys. */
  readonly api?: 'json' | 's3' | undefined;
  /** minimatch pattern of object names under the prefix (else snapshots.pattern). */
  readonly pattern?: string | undefined;
}

export type SourceKind = 's3' | 'azure' | 'gs';

/** Where snapshots are kept in object storage, parsed. `name` is the URL without its query: safe to show. */
export interface SourceSpec extends SourceSettings {
  readonly kind: SourceKind;
  readonly name: string;
  /** S3 and GCS: the bucket. Azure: the container. */
  readonly bucket: string;
  /** Azure only: the storage account. */
  readonly account: string | null;
  /** Object-name prefix, "" or ending in "/": the source's folder. */
  readonly prefix: string;
}

const FORMS = 's3://BUCKET/PREFIX, azure://ACCOUNT/CONTAINER/PREFIX or gs://BUCKET/PREFIX';
/** `scheme://user[:secret]@host`: the authority (before the first / ? #) holds an @. */
const USERINFO = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i;
const CREDENTIALS = 'give them in the environment (docs/object-storage.md), never in the URL';
const SETTINGS = new Set(['endpoint', 'region', 'forcePathStyle', 'profile', 'api', 'pattern']);

/**
 * Parses a source URL with its config entry's settings (the URL's query parameters override them). Pure. The query
 * is never part of `name`, so whatever it holds is never printed.
 */
export function parseSource(url: string, settings: SourceSettings = {}): SourceSpec {
  // Credentials never go in the URL (they would be shown wherever the source is named): the environment has them.
  if (USERINFO.test(url.trim())) {
    throw new SourceUrlError(`"${safeName(url)}" holds credentials (user:secret@): ${CREDENTIALS}`);
  }
  const m = /^(s3|azure|gs):\/\/([^/?#]*)(\/[^?#]*)?(\?[^#]*)?$/.exec(url.trim());
  if (!m) throw new SourceUrlError(`"${safeName(url)}" is not a snapshot source URL: use ${FORMS}`);
  const kind = m[1] as SourceKind;
  const host = m[2] as string;
  const segments = (m[3] ?? '').split('/').filter((s) => s !== '');
  const query = new URLSearchParams(m[4] ?? '');
  const given: Record<string, string> = {};
  for (const [k, v] of query) {
    if (!SETTINGS.has(k)) {
      const known = [...SETTINGS].join(', ');
      throw new SourceUrlError(`${kind}://${host}: unknown setting "${k}" in the URL's query (known: ${known})`);
    }
    given[k] = v;
  }
  if (!host) throw new SourceUrlError(`"${safeName(url)}" names no ${kind === 'azure' ? 'account' : 'bucket'}`);
  let bucket = host;
  let account: string | null = null;
  if (kind === 'azure') {
    account = host;
    const container = segments.shift();
    if (!container)
      throw new SourceUrlError(`"${safeName(url)}" names no container: use azure://ACCOUNT/CONTAINER/PREFIX`);
    bucket = container;
  }
  if (segments.some((s) => s === '.' || s === '..')) {
    throw new SourceUrlError(`"${safeName(url)}": "." and ".." are not object-name prefixes`);
  }
  const prefix = segments.length ? `${segments.join('/')}/` : '';
  const name = `${kind}://${host}/${kind === 'azure' ? `${bucket}/` : ''}${prefix}`;
  const flag = given.forcePathStyle;
  if (flag !== undefined && flag !== 'true' && flag !== 'false') {
    throw new SourceUrlError(`${name}: forcePathStyle is true or false, not "${flag}"`);
  }
  const api = given.api ?? settings.api;
  if (api !== undefined && api !== 'json' && api !== 's3') {
    throw new SourceUrlError(`${name}: api is "json" or "s3", not "${api}"`);
  }
  if (api === 's3' && kind !== 'gs') throw new SourceUrlError(`${name}: api=s3 is for gs:// sources only`);
  const endpoint = given.endpoint ?? settings.endpoint;
  if (endpoint !== undefined && USERINFO.test(endpoint)) {
    throw new SourceUrlError(`${name}: the endpoint holds credentials (user:secret@): ${CREDENTIALS}`);
  }
  if (endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(endpoint)) {
    throw new SourceUrlError(`${name}: the endpoint must be an http:// or https:// URL`);
  }
  return {
    kind,
    name,
    bucket,
    account,
    prefix,
    endpoint,
    region: given.region ?? settings.region,
    forcePathStyle: flag !== undefined ? flag === 'true' : settings.forcePathStyle,
    profile: given.profile ?? settings.profile,
    api,
    pattern: given.pattern ?? settings.pattern,
  };
}

/** A URL as it may be shown: without its query (an Azure SAS token, say), fragment, or user:secret@. */
export const safeName = (url: string): string =>
  url
    .trim()
    .replace(/[?#].*$/s, '')
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/]*@/i, '$1');
