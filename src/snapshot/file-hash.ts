/**
 * The whole-file SHA-256, computed on another thread from the same open file (by descriptor, with positional
 * reads), so that on two cores it overlaps with inflating and checking the archive instead of adding to it.
 * Worth it only for large files: a worker costs a few tens of milliseconds to start.
 */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { readSync } = require('node:fs');
const hash = createHash('sha256');
const buf = Buffer.allocUnsafe(1024 * 1024);
let position = 0;
try {
  for (;;) {
    const n = readSync(workerData.fd, buf, 0, buf.length, position);
    if (n === 0) break;
    hash.update(buf.subarray(0, n));
    position += n;
  }
  parentPort.postMessage({ hex: hash.digest('hex'), bytes: position });
} catch (error) {
  parentPort.postMessage({ error: String(error && error.message || error) });
}
`;

export async function hashFileInWorker(fd: number): Promise<{ hex: string; bytes: number }> {
  // Loaded here, for large files only: every CLI run (the hook's included) loaded it for nothing.
  const { Worker } = await import('node:worker_threads');
  return new Promise((resolve, reject) => {
    const worker = new Worker(SOURCE, { eval: true, workerData: { fd } });
    worker.once('message', (m: { hex?: string; bytes?: number; error?: string }) => {
      void worker.terminate();
      if (m.error !== undefined || m.hex === undefined) reject(new Error(m.error ?? 'hash worker failed'));
      else resolve({ hex: m.hex, bytes: m.bytes ?? 0 });
    });
    worker.once('error', reject);
  });
}
