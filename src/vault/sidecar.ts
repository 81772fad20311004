import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { z } from 'zod';

/**
 * The small file `snapshot save` and `check --take-snapshot` write beside each archive (`FILE.json`): which cluster
 * the archive came from and what the archive was, so a later `check --vault` can tie the archive to its cluster.
 * It proves only what it says: an archive whose hash and index it matches was saved from the cluster it names.
 * Anyone who can write the folder can write a sidecar too; it adds identity, it does not authenticate.
 */
export const SidecarSchema = z.strictObject({
  kind: z.literal('vault-change-gate/snapshot-sidecar'),
  version: z.literal(1),
  /** SHA-256 of the whole archive, hex. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  /** The archive's raft index (meta.json). */
  index: z.number().int().nonnegative().nullable(),
  /** sys/health's cluster_id and cluster_name of the cluster it was saved from. */
  clusterId: z.string().nullable(),
  clusterName: z.string().nullable(),
  /** The Vault version that answered. */
  vaultVersion: z.string().nullable(),
  /** The cluster's applied raft index just before the download (sys/leader). */
  appliedIndex: z.number().int().nonnegative().nullable(),
  /** VAULT_ADDR as shown (credentials masked). */
  address: z.string(),
  /** The server's clock: the snapshot response's `Date` header (ISO 8601), null when it sent none. */
  serverTime: z.string().nullable(),
  /** Our clock when the archive was saved (ISO 8601). */
  savedAt: z.string(),
});
export type Sidecar = z.infer<typeof SidecarSchema>;

/** `backup.snap` → `backup.snap.json`. */
export const sidecarPath = (archive: string): string => `${archive}.json`;

/** A sidecar found beside an archive: none (not a failure), readable, or present and unusable (refuses the archive). */
export type SidecarRead =
  | { readonly status: 'none' }
  | { readonly status: 'ok'; readonly sidecar: Sidecar }
  | { readonly status: 'invalid'; readonly reason: string };

const MAX_SIDECAR = 64 * 1024;

export async function readSidecar(archive: string): Promise<SidecarRead> {
  let handle;
  try {
    // O_NONBLOCK: a FIFO named like a sidecar must not hold the check waiting for a writer; refused below.
    handle = await open(sidecarPath(archive), constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { status: 'none' };
    return { status: 'invalid', reason: `its sidecar cannot be read (${code ?? 'error'})` };
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { status: 'invalid', reason: 'its sidecar is not a regular file' };
    if (info.size > MAX_SIDECAR) return { status: 'invalid', reason: 'its sidecar is larger than 64 KiB' };
    let json: unknown;
    try {
      json = JSON.parse(await handle.readFile('utf8'));
    } catch {
      return { status: 'invalid', reason: 'its sidecar is not JSON' };
    }
    const parsed = SidecarSchema.safeParse(json);
    if (!parsed.success) {
      const where = parsed.error.issues[0]?.path.join('.') || 'shape';
      return { status: 'invalid', reason: `its sidecar is not a vault-change-gate sidecar (${where})` };
    }
    return { status: 'ok', sidecar: parsed.data };
  } finally {
    await handle.close();
  }
}
