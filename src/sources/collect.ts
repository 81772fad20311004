import { createSnapshotVerifier } from '../snapshot/inspect.js';
import type { SnapshotInspection } from '../snapshot/schema.js';
import { matchesPattern } from '../shared/glob.js';
import { objectName, openStore } from './open-store.js';
import type { RetryPolicy } from './retry.js';
import type { SourceSpec } from './spec.js';
import { classifyFailure, traitsOf, type ObjectStore, type SourceFailureCode, type StoredObject } from './store.js';

export interface SourceRefusal {
  /** The object's URL, or the source's when the source itself failed (no such bucket, access denied). */
  readonly file: string;
  readonly code: SourceFailureCode;
  readonly reason: string;
}

export interface SourceCollected {
  /** The source's URL without its query. */
  readonly source: string;
  /** Objects that matched the pattern (sidecars aside). */
  readonly candidates: number;
  /** Every candidate streamed through the verifier, in the order read (newest first by the store's time). */
  readonly snapshots: SnapshotInspection[];
  /** Candidates, or the source, that gave no snapshot to judge: a failure of the store or a cut stream. */
  readonly refused: SourceRefusal[];
}

export interface SourceCollectOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** snapshots.pattern, for a source that sets none. */
  readonly pattern: string;
  /** Whether a verified snapshot can be the evidence: reading stops at the first that can. */
  readonly accept: (inspection: SnapshotInspection) => boolean;
  readonly onProgress?: (file: string, bytes: number) => void;
  readonly retry?: RetryPolicy;
  /** A ready store (tests, or a caller with its own client); else one is opened for the source's kind. */
  readonly store?: ObjectStore;
}

/** Listed objects past this many are not read: a bound on the memory a listing may take. */
export const MAX_OBJECTS = 100_000;

/**
 * Lists a source's objects that match the pattern under its prefix (as a folder's files are matched), and streams
 * them through the verifier newest first by the store's time (a hint: the archive's own time decides freshness),
 * nothing written to disk, until one is accepted. A failure of the store is a refusal with a code, never a throw.
 */
export async function collectFromSource(spec: SourceSpec, options: SourceCollectOptions): Promise<SourceCollected> {
  const out: SourceCollected = { source: spec.name, candidates: 0, snapshots: [], refused: [] };
  const refuse = (file: string, code: SourceFailureCode, reason: string) => out.refused.push({ file, code, reason });
  let store: ObjectStore;
  const listed: StoredObject[] = [];
  try {
    store = options.store ?? (await openStore(spec, options.env, options.retry));
    for await (const o of store.list(spec.prefix)) {
      listed.push(o);
      if (listed.length >= MAX_OBJECTS) break;
    }
  } catch (error) {
    const failure = classifyFailure(error);
    // A listing names no object: its 404 is the bucket's (Cloud Storage says only "notFound").
    if (failure.code === 'NO_SUCH_OBJECT') {
      refuse(spec.name, 'NO_SUCH_BUCKET', 'No such bucket or container (HTTP 404).');
    } else refuse(spec.name, failure.code, failure.message);
    return out;
  }
  const pattern = spec.pattern ?? options.pattern;
  const keys = new Set(listed.map((o) => o.key));
  const candidates = listed.filter((o) => {
    const relative = o.key.slice(spec.prefix.length);
    if (!o.key.startsWith(spec.prefix) || relative === '' || relative.endsWith('/')) return false;
    // A sidecar (NAME.json beside NAME) is never a candidate itself, whatever the pattern matches.
    if (relative.endsWith('.json') && keys.has(o.key.slice(0, -'.json'.length))) return false;
    return matchesPattern(relative, pattern);
  });
  // Newest first by the store's time; a tie (stores keep whole seconds) goes to the later name, as names often
  // carry the time. Both are hints only: each archive is verified and its own time decides.
  candidates.sort((a, b) => (b.modified ?? -Infinity) - (a.modified ?? -Infinity) || (a.key < b.key ? 1 : -1));
  (out as { candidates: number }).candidates = candidates.length;
  for (const o of candidates) {
    const file = objectName(spec, o.key);
    const read = await verifyObject(store, o.key, file, options.onProgress);
    if ('code' in read) {
      refuse(file, read.code, read.reason);
      continue;
    }
    out.snapshots.push(read);
    if (options.accept(read)) break;
  }
  return out;
}

/**
 * Fetches one named object of a source and streams it through the verifier (an automated snapshot's stored object,
 * say). A failure is a refusal with a code, never a throw.
 */
export async function verifyStoredObject(
  spec: SourceSpec,
  key: string,
  options: Pick<SourceCollectOptions, 'env' | 'onProgress' | 'retry' | 'store'>,
): Promise<SnapshotInspection | SourceRefusal> {
  const file = objectName(spec, key);
  let store: ObjectStore;
  try {
    store = options.store ?? (await openStore(spec, options.env, options.retry));
  } catch (error) {
    const failure = classifyFailure(error);
    return { file, code: failure.code, reason: failure.message };
  }
  const read = await verifyObject(store, key, file, options.onProgress);
  return 'code' in read ? { file, ...read } : read;
}

/**
 * Streams one object through the verifier. A stream that errors, or ends short of the length the store announced,
 * is a cut stream: the archive was not seen whole, so it is refused as such rather than judged as damaged.
 */
async function verifyObject(
  store: ObjectStore,
  key: string,
  file: string,
  onProgress?: (file: string, bytes: number) => void,
): Promise<SnapshotInspection | { code: SourceFailureCode; reason: string }> {
  let opened;
  try {
    opened = await store.open(key);
  } catch (error) {
    const failure = classifyFailure(error);
    // The connection was reset after the listing worked: the read was cut, not the store unreachable.
    const reset = ['ECONNRESET', 'EPIPE'].includes(traitsOf(error).name);
    if (failure.code === 'SOURCE_UNREACHABLE' && reset) return { code: 'STREAM_CUT', reason: failure.message };
    return { code: failure.code, reason: failure.message };
  }
  const { body, length } = opened;
  const progress = onProgress ? { onProgress: (b: number) => onProgress(file, b) } : {};
  const { writable, result } = createSnapshotVerifier({ file, ...progress });
  let cut: Error | null = null;
  // The verifier records a read error itself (READ_ERROR); its 'error' event would only be an uncaught duplicate.
  writable.on('error', () => {});
  body.on('error', (error: Error) => {
    cut = error;
    writable.destroy(error);
  });
  body.pipe(writable);
  const inspected = await result;
  if (!body.destroyed) body.destroy();
  if (cut !== null || (length !== null && inspected.bytes < length)) {
    // The error's code, not its message: a message can quote a signed URL.
    const why = cut ? ` (${(cut as NodeJS.ErrnoException).code ?? 'the connection closed'})` : '';
    const unread = ': the archive was not verified.';
    const reason =
      inspected.bytes === length
        ? `The download of all ${length} bytes failed the store's transfer check${why}${unread}`
        : `The download stopped after ${inspected.bytes} of ${length ?? 'an unknown number of'} bytes${why}${unread}`;
    return { code: 'STREAM_CUT', reason };
  }
  return inspected;
}
