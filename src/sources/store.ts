import type { Readable } from 'node:stream';

/** One object a listing found: its name (the whole key) and what the store says of it. */
export interface StoredObject {
  readonly key: string;
  readonly size: number | null;
  /** The store's modification time, ms: an ordering hint only, never evidence of freshness. */
  readonly modified: number | null;
}

/** An object's bytes as they arrive, and how many the store said to expect. */
export interface OpenedObject {
  readonly body: Readable;
  readonly length: number | null;
}

/** The little every store does for the gate: list under a prefix, and stream one object. */
export interface ObjectStore {
  list(prefix: string): AsyncIterable<StoredObject>;
  open(key: string): Promise<OpenedObject>;
}

/** Why a source or one of its objects gave no snapshot: the codes the gate shows (see gate/codes.ts). */
export type SourceFailureCode =
  | 'ACCESS_DENIED'
  | 'NO_SUCH_BUCKET'
  | 'NO_SUCH_OBJECT'
  | 'THROTTLED'
  | 'STREAM_CUT'
  | 'SOURCE_UNREACHABLE'
  | 'SOURCE_SDK_MISSING'
  | 'SOURCE_ERROR';

/**
 * A failure a store reported, put in words that hold no secret: its code, the HTTP status and the service's own
 * error name, never its message (an SDK message can quote a signed URL or a SAS token).
 */
export class SourceFailure extends Error {
  override readonly name = 'SourceFailure';
  readonly code: SourceFailureCode;
  constructor(code: SourceFailureCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** What an SDK error says of itself, however the SDK spells it. */
export interface ErrorTraits {
  readonly status: number | null;
  readonly name: string;
}

export function traitsOf(error: unknown): ErrorTraits {
  const e = (error ?? {}) as Record<string, unknown> & { $metadata?: { httpStatusCode?: number } };
  const response = e.response as { status?: number } | undefined;
  const status = [e.$metadata?.httpStatusCode, e.statusCode, e.status, e.code, response?.status].find(
    (s): s is number => typeof s === 'number' && s >= 100 && s < 600,
  );
  const word = [e.Code, e.code, e.errorCode, e.name].find((s): s is string => typeof s === 'string' && s !== 'Error');
  return { status: status ?? null, name: word ?? 'Error' };
}

const THROTTLE_NAMES = /^(SlowDown|Throttl\w*|TooManyRequests\w*|RequestLimitExceeded|ServerBusy|OperationTimedOut)$/i;
const NETWORK_NAMES =
  /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|TimeoutError)$/;

/** Sorts an SDK's error into our codes, by HTTP status and the service's error name; the finding names the object. */
export function classifyFailure(error: unknown): SourceFailure {
  if (error instanceof SourceFailure) return error;
  const { status, name } = traitsOf(error);
  const said = status !== null ? `${name}, HTTP ${status}` : name;
  const fail = (code: SourceFailureCode, text: string) => new SourceFailure(code, text, { cause: error });
  if (/^(NoSuchBucket|ContainerNotFound|BucketNotFound)$/i.test(name) || (status === 404 && /bucket/i.test(name))) {
    return fail('NO_SUCH_BUCKET', `No such bucket or container (${said}).`);
  }
  if (/^(NoSuchKey|BlobNotFound|NotFound)$/i.test(name) || status === 404) {
    return fail('NO_SUCH_OBJECT', `No such object (${said}): it may have been removed since the listing.`);
  }
  if (
    status === 401 ||
    status === 403 ||
    /AccessDenied|Forbidden|InvalidAccessKeyId|SignatureDoesNotMatch|AuthorizationFailure|AuthenticationFailed|CredentialsProviderError|CredentialUnavailable/i.test(
      name,
    )
  ) {
    return fail('ACCESS_DENIED', `Access denied (${said}): check the credentials and their rights to list and read.`);
  }
  if (status === 429 || status === 503 || THROTTLE_NAMES.test(name)) {
    return fail('THROTTLED', `The store kept throttling the requests (${said}).`);
  }
  if (NETWORK_NAMES.test(name) || /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(String((error as Error)?.message ?? ''))) {
    return fail('SOURCE_UNREACHABLE', `The store cannot be reached (${said}).`);
  }
  return fail('SOURCE_ERROR', `The store answered with an error (${said}).`);
}
