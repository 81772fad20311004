import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { SnapshotInspection } from '../snapshot/schema.js';
import type { VaultClient } from '../vault/client.js';
import { saveSnapshot, SnapshotLockedError, SnapshotSaveError } from '../vault/snapshot-save.js';
import { InterruptedError } from '../vault/transport.js';
import type { CheckOptions } from './check-options.js';
import type { SidecarEvidence } from './refusal.js';
import { show, sidecarFor } from './evidence.js';
import { warning } from './findings.js';
import type { ClusterFacts, InProgress, Warning } from './schema.js';

/** What taking a snapshot adds to the evidence: the archive and its sidecar, or only a warning that it failed. */
export interface Taken {
  readonly snapshot: SnapshotInspection | null;
  readonly sidecar: SidecarEvidence | null;
  readonly warning: Warning;
  /** The snapshot folder's lock refused the snapshot (a change or another snapshot holds it, or a stale lock). */
  readonly refused?: InProgress;
}

/**
 * `--take-snapshot`: saves a snapshot of the live cluster into `file` (with its sidecar), for a check that lacks a
 * fresh one. A failure to take it is a warning, not an error: the check then decides without it (a no-go).
 */
export async function takeSnapshot(
  client: VaultClient,
  cluster: ClusterFacts,
  file: string,
  options: Pick<CheckOptions, 'signal' | 'onProgress' | 'breakStaleLock'> & { readonly cwd: string },
): Promise<Taken> {
  try {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const { clusterId, clusterName, version, appliedIndex } = cluster;
    const identity = { clusterId, clusterName, version, appliedIndex };
    const saved = await saveSnapshot(client, file, {
      identity,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: (b: number) => options.onProgress?.(file, b) } : {}),
      ...(options.breakStaleLock ? { lock: { breakStale: true } } : {}),
    });
    const taken = { ...saved, file: show(file, options.cwd) };
    const sidecar = (await sidecarFor(file, taken.file)) ?? null;
    const hops = saved.notes.length ? ` (${saved.notes.join('; ')})` : '';
    const reason = `Took a snapshot for this change: ${taken.file}${hops}.`;
    return { snapshot: taken, sidecar, warning: warning('SNAPSHOT_TAKEN', reason) };
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    const e = error as NodeJS.ErrnoException;
    if (!(error instanceof SnapshotSaveError) && !e.code) throw error;
    const reason = `Could not take a snapshot: ${e.message.replace(/\.$/, '')}.`;
    const failed = { snapshot: null, sidecar: null, warning: warning('SNAPSHOT_FAILED', reason) };
    if (!(error instanceof SnapshotLockedError)) return failed;
    return { ...failed, refused: { code: error.obstacle.code, severity: 'no-go', reason: error.obstacle.reason } };
  }
}
