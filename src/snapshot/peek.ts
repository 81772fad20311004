import { constants as fs } from 'node:fs';
import { open } from 'node:fs/promises';
import { constants, inflateRawSync } from 'node:zlib';

const PEEK = 64 * 1024;

/**
 * When a snapshot file says it was taken, read from its first 64 KiB without verifying anything: the first tar
 * header's time (Vault) or the meta.json ID's milliseconds (Consul). Only an ordering hint: check() verifies the
 * newest first and stops at the first acceptable one, so a file that lies here is still verified before it counts.
 */
export async function peekTakenAt(file: string): Promise<number | null> {
  let head: Buffer;
  try {
    // O_NONBLOCK: the folder was listed a moment ago; a file swapped for a FIFO since must not be waited on.
    const handle = await open(file, fs.O_RDONLY | fs.O_NONBLOCK);
    try {
      if (!(await handle.stat()).isFile()) return null;
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(PEEK), 0, PEEK, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
  if (head.length < 18 || head[0] !== 0x1f || head[1] !== 0x8b || head[3] !== 0) return null;
  let tar: Buffer;
  try {
    tar = inflateRawSync(head.subarray(10), { finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    return null;
  }
  if (tar.length < 512) return null;
  const mtime = parseInt(tar.toString('latin1', 136, 148).replace(/\0.*$/s, '').trim(), 8);
  const name = tar.toString('latin1', 0, 100).replace(/\0.*$/s, '');
  if (name === 'meta.json') {
    const size = parseInt(tar.toString('latin1', 124, 136).replace(/\0.*$/s, '').trim(), 8);
    const id = /"ID"\s*:\s*"(\d+)-(\d+)-(\d+)"/.exec(tar.toString('utf8', 512, 512 + Math.min(size || 0, 8192)));
    if (id) return Number(id[3]);
  }
  return Number.isFinite(mtime) ? mtime * 1000 : null;
}
