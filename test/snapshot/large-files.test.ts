import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inspectSnapshot } from '../../src/index.js';
import { buildSnapshot, gzip, vaultState } from '../helpers/snapshot-writer.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * Files of several MiB: read from a path, the verifier reuses a ring of 1 MiB buffers and overlaps checking with
 * inflation; the result must be what the same bytes give as a stream of odd-sized chunks.
 */
const tempFile = (bytes: Buffer): string => {
  const dir = tempDir('snap-large-');
  const file = path.join(dir, 'big.snap');
  writeFileSync(file, bytes);
  return file;
};

const oddChunks = (buf: Buffer): Buffer[] => {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < buf.length; i++) {
    const size = [1, 4093, 65536, 1 << 20, 777_777][i % 5] as number;
    out.push(buf.subarray(at, at + size));
    at += size;
  }
  return out;
};

/** A Vault state of incompressible values, about `mib` MiB, under a few prefixes. */
const bigState = (mib: number): Buffer => {
  const entries: [string, Buffer][] = [];
  const count = Math.ceil((mib * 1024 * 1024) / 4200);
  for (let i = 0; i < count; i++) {
    const prefix = i < 10 ? 'core' : i < count / 2 ? 'logical' : 'sys';
    entries.push([`${prefix}/x/${i.toString().padStart(8, '0')}`, randomBytes(4096)]);
  }
  return vaultState(entries);
};

const compare = async (bytes: Buffer) => {
  const fromFile = await inspectSnapshot(tempFile(bytes), { file: 'big.snap' });
  const fromStream = await inspectSnapshot(Readable.from(oddChunks(bytes)), { file: 'big.snap' });
  expect(fromFile).toEqual(fromStream);
  return fromFile;
};

describe('large snapshot files (ring of read buffers, overlapped checks)', () => {
  it('a valid 7 MiB snapshot: the same result from the path and from a stream', async () => {
    const r = await compare(buildSnapshot({ state: bigState(7) }));
    expect(r.problems).toEqual([]);
    expect(r.valid).toBe(true);
    expect(Object.keys(r.keys)).toEqual(['core', 'logical', 'sys']);
  });

  it('a byte changed deep inside state.bin: HASH_MISMATCH from either, nothing more', async () => {
    const tarBytes = gunzipSync(buildSnapshot({ state: bigState(6) }));
    tarBytes[5 * 1024 * 1024 + 123] = (tarBytes[5 * 1024 * 1024 + 123] as number) ^ 0xff;
    const r = await compare(gzip(tarBytes));
    expect(r.problems.map((p) => p.code)).toContain('HASH_MISMATCH');
    expect(r.valid).toBe(false);
  });

  it('cut at an odd length past several buffers, or followed by another member: the same problems', async () => {
    const whole = buildSnapshot({ state: bigState(6) });
    const cut = await compare(whole.subarray(0, 4 * 1024 * 1024 + 4321));
    expect(cut.problems.map((p) => p.code)).toEqual(['GZIP_TRUNCATED']);
    const two = await compare(Buffer.concat([whole, gzip(Buffer.from('x'))]));
    expect(two.problems.map((p) => p.code)).toEqual(['GZIP_MULTI_MEMBER']);
  });

  it("a socket's 64 KiB chunks, gathered into reused buffers: the same result, and the trailer read intact", async () => {
    const whole = buildSnapshot({ state: bigState(9) });
    const socketChunks = (buf: Buffer): Buffer[] => {
      const out: Buffer[] = [];
      for (let at = 0; at < buf.length; at += 65536) out.push(Buffer.from(buf.subarray(at, at + 65536)));
      return out;
    };
    const fromFile = await inspectSnapshot(tempFile(whole), { file: 'big.snap' });
    expect(await inspectSnapshot(Readable.from(socketChunks(whole)), { file: 'big.snap' })).toEqual(fromFile);
    expect(fromFile.valid).toBe(true);
    // The CRC in the trailer, the last bytes read: were a gathering buffer reused too early, this would pass.
    const crcFlipped = Buffer.from(whole);
    crcFlipped[crcFlipped.length - 6] = (crcFlipped[crcFlipped.length - 6] as number) ^ 0x01;
    const r = await inspectSnapshot(Readable.from(socketChunks(crcFlipped)), { file: 'big.snap' });
    expect(r.problems.map((p) => p.code)).toEqual(['GZIP_CRC_MISMATCH']);
  });

  it('the prefix counts hold when keys of one prefix are not contiguous (core, core-x, core/y)', async () => {
    const state = vaultState([
      ['core', Buffer.from([1])],
      ['core-x', Buffer.from([1])],
      ['core/y', Buffer.from([1])],
      ['core/z/1', Buffer.from([1])],
      ['corf/a', Buffer.from([1])],
    ]);
    const r = await inspectSnapshot(Readable.from([buildSnapshot({ state })]), { file: 't.snap', keyDepth: 2 });
    expect(r.keys).toEqual({ core: 1, 'core-x': 1, 'core/y': 1, 'core/z': 1, 'corf/a': 1 });
    const r1 = await inspectSnapshot(Readable.from([buildSnapshot({ state })]), { file: 't.snap', keyDepth: 1 });
    expect(r1.keys).toEqual({ core: 3, 'core-x': 1, corf: 1 });
  });
});
