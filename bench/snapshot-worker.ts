import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { inspectSnapshot } from '../src/index.js';

/**
 * Runs one measurement in its own process, so that its peak RSS is its own: `ours` (inspectSnapshot) or `floor`
 * (a bare streamed gunzip + SHA-256 of the decompressed bytes, which any verifier must at least do).
 */
const [mode, file] = process.argv.slice(2) as [string, string];
const start = process.hrtime.bigint();
let detail = '';
if (mode === 'ours') {
  const r = await inspectSnapshot(file);
  if (!r.valid) throw new Error(`benchmark snapshot is invalid: ${JSON.stringify(r.problems)}`);
  detail = `${Object.values(r.keys).reduce((a, b) => a + b, 0)} keys`;
} else {
  const hash = createHash('sha256');
  await pipeline(
    createReadStream(file, { highWaterMark: 1 << 20 }),
    createGunzip({ chunkSize: 256 * 1024 }),
    new Writable({
      write(chunk: Buffer, _e, cb) {
        hash.update(chunk);
        cb();
      },
    }),
  );
  detail = hash.digest('hex').slice(0, 12);
}
const ms = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(JSON.stringify({ ms, maxRssKiB: process.resourceUsage().maxRSS, detail }));
