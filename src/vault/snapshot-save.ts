import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { createSnapshotVerifier } from '../snapshot/inspect.js';
import type { SnapshotInspection } from '../snapshot/schema.js';
import type { VaultClient, VaultDownload } from './client.js';
import { sidecarPath, type Sidecar } from './sidecar.js';
import { InterruptedError, VaultUnreachableError } from './transport.js';
import { fsErrorWords } from '../shared/fs-errors.js';
import { acquireLock, changeLockAbove, LockError, obstacle, type HeldLock, type Obstacle } from '../lock/index.js';

/** Taking a snapshot failed; FILE is untouched and nothing is left behind. One sentence. */
export class SnapshotSaveError extends Error {
  override readonly name: string = 'SnapshotSaveError';
}

/**
 * The snapshot folder's lock is held by a change (CHANGE_IN_PROGRESS), another snapshot (SNAPSHOT_IN_PROGRESS), or
 * left stale (STALE_LOCK): no snapshot is taken, and nothing is written.
 */
export class SnapshotLockedError extends SnapshotSaveError {
  override readonly name = 'SnapshotLockedError';
  readonly obstacle: Obstacle;
  constructor(obstacle: Obstacle) {
    super(obstacle.reason);
    this.obstacle = obstacle;
  }
}

/** What the sidecar says of the cluster; null fields when the cluster did not say (or was not asked). */
export interface SnapshotIdentity {
  readonly clusterId: string | null;
  readonly clusterName: string | null;
  readonly version: string | null;
  readonly appliedIndex: number | null;
}

export interface SaveOptions {
  readonly onProgress?: (bytes: number) => void;
  /** Ctrl-C: stops the download at any moment and removes everything written. */
  readonly signal?: AbortSignal;
  /** Written into the sidecar. */
  readonly identity?: SnapshotIdentity;
  /** Our clock, for the sidecar's `savedAt` (tests). */
  readonly now?: () => Date;
  /**
   * The folder's lock (`.vault-change-gate.lock`), held for the whole save: by default taken, refusing during a
   * change or another snapshot; `breakStale` removes a stale one first. `false`: the caller holds it.
   */
  readonly lock?: false | { readonly breakStale?: boolean };
}

/** Takes the snapshot lock of the folder of `target`, or throws why not (SnapshotLockedError). */
async function lockFolder(
  client: VaultClient,
  file: string,
  target: string,
  options: SaveOptions,
): Promise<HeldLock | null> {
  if (options.lock === false) return null;
  const id = options.identity;
  const cluster = { id: id?.clusterId ?? null, name: id?.clusterName ?? null, address: client.address };
  const request = {
    purpose: 'snapshot' as const,
    reason: `snapshot save ${path.basename(target)}`,
    cluster,
    ...(options.lock?.breakStale ? { breakStale: true } : {}),
  };
  let result;
  try {
    result = await acquireLock(path.dirname(target), request);
  } catch (error) {
    // The folder cannot be written: said as any write beside FILE would be.
    if (!(error instanceof LockError)) throw error;
    throw new SnapshotSaveError(`cannot write beside ${file}: ${fsErrorWords(error.cause, true)}`);
  }
  if (!result.acquired) throw new SnapshotLockedError(obstacle(result.found, path.dirname(target)));
  const above = await changeLockAbove(path.dirname(target), cluster);
  if (above) {
    await result.lock.release();
    throw new SnapshotLockedError(obstacle(above, path.dirname(above.file)));
  }
  return result.lock;
}

const SNAPSHOT_PATH = 'sys/storage/raft/snapshot';

function refusal(reply: VaultDownload, address: string): string {
  const errors = reply.body.errors;
  const detail = Array.isArray(errors) && typeof errors[0] === 'string' ? `: ${errors[0]}` : '';
  const status = reply.status;
  // Not Vault's JSON: say what came back (status and content type), never the body.
  if (reply.json === undefined) {
    const type = reply.contentType ?? 'no content type';
    return `Vault at ${address} answered HTTP ${status} and ${type} instead of a snapshot`;
  }
  if (status === 403)
    return `Vault at ${address} refused the snapshot (403${detail}); the token needs "read" on sys/storage/raft/snapshot`;
  if (status === 503) return `Vault at ${address} is sealed (503${detail}); unseal it first`;
  if (status === 429)
    return `Vault at ${address} is a standby that did not redirect the snapshot to the active node (429${detail})`;
  if (status === 400 || status === 404 || status === 500)
    return `Vault at ${address} cannot take a raft snapshot (HTTP ${status}${detail}); is Integrated Storage (raft) its storage, and not only its ha_storage?`;
  return `Vault at ${address} answered HTTP ${status}${detail} instead of a snapshot`;
}

const isoOrNull = (date: string | null): string | null => {
  const t = date === null ? NaN : Date.parse(date);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
};

async function writeDurably(file: string, data: Buffer): Promise<void> {
  const handle = await open(file, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Streams `GET sys/storage/raft/snapshot` into a temporary file beside `file` (mode 0600), verifying it while it
 * streams (no second read), fsyncs, writes its sidecar (`FILE.json`), then renames both into place. Any failure
 * (HTTP error, sealed, truncated stream, stall, verification failure, full disk) removes the temporary files and
 * leaves `file` untouched. An abort (`signal`: Ctrl-C, SIGTERM) at any moment throws InterruptedError and leaves
 * neither `file` nor its sidecar nor any `*.partial` behind: a snapshot the user stopped is not a backup.
 */
export async function saveSnapshot(
  client: VaultClient,
  file: string,
  options: SaveOptions = {},
): Promise<SnapshotInspection> {
  const target = path.resolve(file);
  const sidecarTarget = sidecarPath(target);
  const stem = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}`);
  const temp = `${stem}.partial`;
  const sidecarTemp = `${stem}.json.partial`;
  const interrupted = () => {
    if (options.signal?.aborted) throw new InterruptedError('interrupted; no snapshot was saved');
  };
  interrupted();
  const lock = await lockFolder(client, file, target, options);
  let handle;
  try {
    handle = await open(temp, 'wx', 0o600);
  } catch (error) {
    await lock?.release();
    throw new SnapshotSaveError(`cannot write beside ${file}: ${fsErrorWords(error, true)}`);
  }
  let placed = false;
  let done = false;
  try {
    interrupted();
    let reply: VaultDownload;
    try {
      reply = await client.download(SNAPSHOT_PATH);
    } catch (error) {
      if (error instanceof VaultUnreachableError) throw new SnapshotSaveError(error.message);
      throw error;
    }
    if (!reply.stream) throw new SnapshotSaveError(refusal(reply, client.address));
    const stream = reply.stream;
    // A page or a JSON document is not an archive, whatever its status: say what came back, not its body.
    if (reply.contentType && /^text\/|[/+]json$/.test(reply.contentType)) {
      stream.destroy();
      const what = `HTTP 200 and ${reply.contentType}`;
      throw new SnapshotSaveError(`Vault at ${client.address} answered ${what} instead of a snapshot`);
    }
    const onAbort = () => stream.destroy(new InterruptedError('interrupted; no snapshot was saved'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const { writable, result } = createSnapshotVerifier({ file });
    let bytes = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        await handle.write(chunk);
        if (!writable.write(chunk)) await new Promise<void>((resolve) => writable.once('drain', resolve));
        options.onProgress?.(bytes);
      }
    } catch (error) {
      if (error instanceof SnapshotSaveError || error instanceof InterruptedError) throw error;
      const e = error as NodeJS.ErrnoException;
      if (e.code === 'ENOSPC') throw new SnapshotSaveError(`the disk is full at ${path.dirname(target)}`);
      if (e instanceof VaultUnreachableError) throw new SnapshotSaveError(e.message);
      throw new SnapshotSaveError(
        `the download from ${client.address} was cut after ${bytes} bytes (${e.code ?? e.message})`,
      );
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    interrupted();
    writable.end();
    const inspection = await result;
    if (!inspection.valid) {
      throw new SnapshotSaveError(
        `the snapshot from ${client.address} is not valid (${inspection.problems[0]?.code}: ${inspection.problems[0]?.reason.replace(/\.$/, '')})`,
      );
    }
    await handle.sync();
    await handle.close();
    handle = null;
    interrupted();
    const identity = options.identity ?? { clusterId: null, clusterName: null, version: null, appliedIndex: null };
    const sidecar: Sidecar = {
      kind: 'vault-change-gate/snapshot-sidecar',
      version: 1,
      sha256: inspection.sha256 as string,
      bytes: inspection.bytes,
      index: inspection.index,
      clusterId: identity.clusterId,
      clusterName: identity.clusterName,
      vaultVersion: identity.version,
      appliedIndex: identity.appliedIndex,
      address: client.address,
      serverTime: isoOrNull(reply.date),
      savedAt: (options.now?.() ?? new Date()).toISOString(),
    };
    await writeDurably(sidecarTemp, Buffer.from(`${JSON.stringify(sidecar, null, 2)}\n`));
    interrupted();
    await rename(temp, target);
    placed = true;
    await rename(sidecarTemp, sidecarTarget);
    // The renames themselves must reach the disk too.
    const dir = await open(path.dirname(target), 'r').catch(() => null);
    await dir?.sync().catch(() => {});
    await dir?.close();
    interrupted();
    done = true;
    const hops = reply.hops
      .filter((h) => h.from !== h.to)
      .map((h) => `the snapshot was redirected (${h.status}) from ${h.from} to ${h.to}`);
    return { ...inspection, file, notes: [...inspection.notes, ...hops] };
  } finally {
    await handle?.close().catch(() => {});
    if (!done) {
      await rm(temp, { force: true });
      await rm(sidecarTemp, { force: true });
      // Interrupted after the renames: what was put in place goes too.
      if (placed) await Promise.all([rm(target, { force: true }), rm(sidecarTarget, { force: true })]);
    }
    await lock?.release();
  }
}
