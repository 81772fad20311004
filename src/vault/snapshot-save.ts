import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { createSnapshotVerifier } from '../snapshot/inspect.js';
import type { SnapshotInspection } from '../snapshot/schema.js';
import type { VaultClient } from './client.js';
import { VaultUnreachableError } from './transport.js';

/** Taking a snapshot failed; FILE is untouched and nothing is left behind. One sentence. */
export class SnapshotSaveError extends Error {
  override readonly name = 'SnapshotSaveError';
}

const SNAPSHOT_PATH = 'sys/storage/raft/snapshot';

function refusal(status: number, body: Record<string, unknown>, address: string): string {
  const detail = Array.isArray(body.errors) && body.errors.length ? `: ${String(body.errors[0])}` : '';
  if (status === 403) return `Vault at ${address} refused the snapshot (403${detail}); the token needs "read" on sys/storage/raft/snapshot`;
  if (status === 503) return `Vault at ${address} is sealed (503${detail}); unseal it first`;
  if (status === 429) return `Vault at ${address} is a standby that did not redirect the snapshot to the active node (429${detail})`;
  if (status === 400 || status === 404 || status === 500) return `Vault at ${address} cannot take a raft snapshot (HTTP ${status}${detail}); is Integrated Storage (raft) its storage, and not only its ha_storage?`;
  return `Vault at ${address} answered HTTP ${status}${detail} instead of a snapshot`;
}

/**
 * Streams `GET sys/storage/raft/snapshot` into a temporary file beside `file` (mode 0600), verifying it while it
 * streams (no second read), fsyncs, then renames it to `file`. Any failure (HTTP error, sealed, truncated stream,
 * stall, verification failure, full disk, abort) removes the temporary file and leaves `file` untouched.
 */
export async function saveSnapshot(client: VaultClient, file: string, options: { onProgress?: (bytes: number) => void; signal?: AbortSignal } = {}): Promise<SnapshotInspection> {
  const target = path.resolve(file);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.partial`);
  let handle;
  try {
    handle = await open(temp, 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SnapshotSaveError(`cannot write beside ${file}: ${code === 'ENOENT' ? 'the folder does not exist' : code === 'EACCES' ? 'permission denied' : (code ?? 'error')}`);
  }
  let done = false;
  try {
    if (options.signal?.aborted) throw new SnapshotSaveError('interrupted before the download started');
    let reply;
    try {
      reply = await client.download(SNAPSHOT_PATH);
    } catch (error) {
      if (error instanceof VaultUnreachableError) throw new SnapshotSaveError(error.message);
      throw error;
    }
    if (!reply.stream) throw new SnapshotSaveError(refusal(reply.status, reply.body, client.address));
    const stream = reply.stream;
    const onAbort = () => stream.destroy(new SnapshotSaveError('interrupted; the partial snapshot was removed'));
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
      if (error instanceof SnapshotSaveError) throw error;
      const e = error as NodeJS.ErrnoException;
      if (e.code === 'ENOSPC') throw new SnapshotSaveError(`the disk is full at ${path.dirname(target)}`);
      if (e instanceof VaultUnreachableError) throw new SnapshotSaveError(e.message);
      throw new SnapshotSaveError(`the download from ${client.address} was cut after ${bytes} bytes (${e.code ?? e.message})`);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    writable.end();
    const inspection = await result;
    if (!inspection.valid) {
      throw new SnapshotSaveError(`the snapshot from ${client.address} is not valid (${inspection.problems[0]?.code}: ${inspection.problems[0]?.message.replace(/\.$/, '')})`);
    }
    await handle.sync();
    await handle.close();
    handle = null;
    await rename(temp, target);
    // The rename itself must reach the disk too.
    const dir = await open(path.dirname(target), 'r').catch(() => null);
    await dir?.sync().catch(() => {});
    await dir?.close();
    done = true;
    return { ...inspection, file };
  } finally {
    await handle?.close().catch(() => {});
    if (!done) await rm(temp, { force: true });
  }
}
