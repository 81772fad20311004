import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspectSnapshot, SnapshotReadError } from '../snapshot/inspect.js';
import type { SnapshotInspection } from '../snapshot/schema.js';
import { verifyStoredObject } from '../sources/collect.js';
import { locateObject, sourceFor } from '../sources/object-url.js';
import { RejectionCodeSchema } from './codes.js';
import { show } from './evidence.js';
import type { ClusterFacts, Rejected } from './schema.js';
import type { Shared, Target } from './targets.js';

/** The automated snapshot's stored object, when it could be read: its own verdict replaces the status's word. */
export interface AutoSnapshotObject {
  /** The object was found through a configured source (or the folder) and read, whatever its verdict. */
  readonly fetched: boolean;
  readonly snapshot: SnapshotInspection | null;
  readonly rejected: Rejected | null;
}

const NOT_FETCHED: AutoSnapshotObject = { fetched: false, snapshot: null, rejected: null };

/**
 * Reads the object an automated snapshot's status names (`last_snapshot_url`) when a configured source holds it (same
 * bucket or container), or, for a file:// URL, when it lies in the snapshot folder; `already` are the snapshots read
 * so far, so an object verified as a candidate is not fetched twice. Otherwise not fetched: the status is then
 * taken at its word, and the decision says so.
 */
export async function readAutoSnapshotObject(
  cluster: ClusterFacts | null,
  target: Target,
  shared: Shared,
  already: readonly SnapshotInspection[],
): Promise<AutoSnapshotObject> {
  const auto = cluster?.autoSnapshot;
  if (!auto?.url || auto.lastError) return NOT_FETCHED;
  const { cwd, options } = shared;
  if (auto.url.startsWith('file://')) {
    let file: string;
    try {
      file = fileURLToPath(auto.url);
    } catch {
      return NOT_FETCHED;
    }
    if (!target.dir || !file.startsWith(target.dir + path.sep)) return NOT_FETCHED;
    const shown = show(file, cwd);
    const seen = already.find((s) => s.file === shown);
    if (seen) return { fetched: true, snapshot: seen, rejected: null };
    try {
      return { fetched: true, snapshot: await inspectSnapshot(file, { file: shown }), rejected: null };
    } catch (error) {
      if (!(error instanceof SnapshotReadError)) throw error;
      return { fetched: true, snapshot: null, rejected: { file: shown, code: 'UNREADABLE', reason: error.message } };
    }
  }
  const location = locateObject(auto.url);
  const spec = location ? sourceFor(location, target.sources) : null;
  if (!location || !spec) return NOT_FETCHED;
  const seen = already.find((s) => s.file.endsWith(`/${location.bucket}/${location.key}`));
  if (seen) return { fetched: true, snapshot: seen, rejected: null };
  const env = options.env ?? process.env;
  const progress = options.onProgress ? { onProgress: options.onProgress } : {};
  const read = await verifyStoredObject(spec, location.key, { env, ...progress });
  if ('code' in read) {
    const rejected = { file: read.file, code: RejectionCodeSchema.parse(read.code), reason: read.reason };
    return { fetched: true, snapshot: null, rejected };
  }
  return { fetched: true, snapshot: read, rejected: null };
}
