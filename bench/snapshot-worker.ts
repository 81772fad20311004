import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * The floor, run as its own process: the least any verifier must do, a streamed gunzip (zlib checks the CRC-32)
 * and a SHA-256 of the decompressed bytes, as fast as Node does it. Settings are arguments, so that the bench can
 * tune them: `snapshot-worker.js FILE READ_KIB INFLATE_KIB MODE`, where MODE is `pipe` (a stream pipeline: hashing
 * a chunk holds up zlib's next one) or `overlap` (each chunk is hashed in a microtask, while zlib inflates the next).
 * Prints the hash's first 12 hex digits.
 */
const [file, readKiB, inflateKiB, mode] = process.argv.slice(2) as [string, string, string, string];
const hash = createHash('sha256');
const source = createReadStream(file, { highWaterMark: Number(readKiB) * 1024 });
const gunzip = createGunzip({ chunkSize: Number(inflateKiB) * 1024 });
if (mode === 'pipe') {
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      hash.update(chunk);
      cb();
    },
  });
  await pipeline(source, gunzip, sink);
} else {
  let pending: Buffer[] = [];
  const drain = () => {
    for (const chunk of pending) hash.update(chunk);
    pending = [];
  };
  gunzip.on('data', (chunk: Buffer) => {
    if (pending.push(chunk) === 1) queueMicrotask(drain);
  });
  await new Promise<void>((resolve, reject) => {
    source.on('error', reject);
    gunzip.on('error', reject);
    gunzip.on('end', resolve);
    source.pipe(gunzip);
  });
  drain();
}
process.stdout.write(hash.digest('hex').slice(0, 12));
