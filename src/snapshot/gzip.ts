import { crc32, createInflateRaw, type InflateRaw } from 'node:zlib';
import type { ProblemCode } from './schema.js';

export type Report = (code: ProblemCode, message: string) => void;

export interface GzipLimits {
  /** Decompressed bytes allowed per compressed byte read (plus `expansionGrace`) before it is called a bomb. */
  readonly maxExpansion: number;
  readonly expansionGrace: number;
  /** An absolute cap on decompressed bytes. */
  readonly maxOutput: number;
}

const TAIL_WINDOW = 1 << 20;
/** Output chunk of the inflater: 1 MiB measured fastest (fewer round trips to the pool; see bench/snapshot.ts). */
const INFLATE_CHUNK = 1 << 20;
/**
 * Input the inflater may hold, the chunk it works on included. Holding only that one, every consumed input chunk
 * idled the thread pool until the main thread, busy checking the last output, came round to write the next one;
 * inflation is the serial path of the whole verification, so each such gap added to the total. With the next
 * chunk already queued, zlib goes on with it at once. The file reader's buffer ring (inspect.ts) is sized for this.
 */
export const INFLATE_QUEUE = 2 << 20;

/**
 * Reads exactly one gzip member (RFC 1952) as it streams in, and says whether anything is wrong with it: the
 * header as Go's gzip writer makes it (no flags), a deflate stream that inflates cleanly, the CRC-32 and length
 * in the trailer, and nothing at all after the trailer. Decompressed bytes go to `onData` as they come.
 *
 * Inflation runs on libuv's thread pool (node:zlib), so it overlaps with the hashing done on the main thread.
 */
export class GzipMemberReader {
  private header: Buffer[] = [];
  private headerBytes = 0;
  private headerLength = -1;
  private inflater: InflateRaw | null = null;
  private inflateError: Error | null = null;
  private crc = 0;
  private output = 0;
  private input = 0;
  private stopped = false;
  /** The last chunks of input, with their offsets, to read the trailer from once the deflate stream's end is known. */
  private tail: { offset: number; chunk: Buffer }[] = [];
  private tailBytes = 0;
  /** Inflated chunks not yet checked (see startInflater). */
  private pending: Buffer[] = [];
  /** Input chunks given to the inflater and not yet consumed, oldest first (see INFLATE_QUEUE). */
  private queued: Promise<void>[] = [];
  /** Resolves when the inflater has closed (it consumes nothing more then). */
  private closed: Promise<void> = Promise.resolve();

  private readonly onData: (chunk: Buffer) => void;
  private readonly report: Report;
  private readonly limits: GzipLimits;

  constructor(onData: (chunk: Buffer) => void, report: Report, limits: GzipLimits) {
    this.onData = onData;
    this.report = report;
    this.limits = limits;
  }

  /** Bytes of input seen so far. */
  get bytesIn(): number {
    return this.input;
  }

  /** Feeds input; resolves when the inflater can take more (backpressure). */
  write(chunk: Buffer): Promise<void> | undefined {
    const offset = this.input;
    this.input += chunk.length;
    this.tail.push({ offset, chunk });
    this.tailBytes += chunk.length;
    while (this.tail.length > 1 && this.tailBytes - (this.tail[0] as { chunk: Buffer }).chunk.length >= TAIL_WINDOW) {
      this.tailBytes -= (this.tail.shift() as { chunk: Buffer }).chunk.length;
    }
    if (this.stopped) return undefined;
    let body = chunk;
    if (this.headerLength === -1) {
      this.header.push(chunk);
      this.headerBytes += chunk.length;
      const parsed = this.parseHeader(Buffer.concat(this.header));
      if (parsed === 'more') return undefined;
      this.header = [];
      if (parsed === 'bad') {
        this.stopped = true;
        return undefined;
      }
      this.headerLength = parsed;
      body = chunk.subarray(chunk.length - (this.headerBytes - parsed));
      this.inflater = this.startInflater();
      if (body.length === 0) return undefined;
    }
    const inflater = this.inflater as InflateRaw;
    if (inflater.destroyed) return undefined;
    // Not the inflater's own backpressure: it says 'drain' only once its queue is empty, i.e. once it is idle.
    const consumed = new Promise<void>((resolve) => inflater.write(body, () => resolve()));
    this.queued.push(consumed);
    void consumed.then(() => this.queued.shift());
    if (inflater.writableLength < INFLATE_QUEUE) return undefined;
    return Promise.race([this.queued[0] as Promise<void>, this.closed]);
  }

  /** Ends the input; resolves once every problem of the member is known. */
  async end(): Promise<void> {
    if (this.headerLength === -1) {
      if (this.stopped) return;
      if (this.input === 0) this.report('EMPTY_FILE', 'The file is empty.');
      else if (this.looksLikeGzipStart())
        this.report('GZIP_TRUNCATED', `The file ends inside the gzip header, after ${this.input} bytes.`);
      else this.report('NOT_GZIP', 'The file is not gzip-compressed, so it is not a Vault or Consul snapshot.');
      return;
    }
    const inflater = this.inflater as InflateRaw;
    await new Promise<void>((resolve) => {
      if (inflater.destroyed) return resolve();
      inflater.once('close', resolve);
      inflater.end();
      inflater.resume();
    });
    this.drain();
    if (this.stopped && this.inflateError === null) return; // stopped on purpose (bomb), already reported
    if (this.inflateError) {
      const message = this.inflateError.message;
      if (/unexpected end of file/i.test(message)) {
        this.report(
          'GZIP_TRUNCATED',
          `The compressed data ends before the gzip stream does (${this.input} bytes read): the file is truncated.`,
        );
      } else this.report('GZIP_CORRUPT', `The compressed data is corrupt (${message}).`);
      return;
    }
    const trailerStart = this.headerLength + inflater.bytesWritten;
    const after = this.input - trailerStart;
    if (after < 8) {
      this.report('GZIP_TRUNCATED', `The gzip trailer is missing ${8 - after} of its 8 bytes: the file is truncated.`);
      return;
    }
    const trailer = this.readTail(trailerStart, Math.min(after, 10));
    if (trailer) {
      if (trailer.readUInt32LE(0) !== this.crc >>> 0) {
        this.report(
          'GZIP_CRC_MISMATCH',
          'The CRC-32 in the gzip trailer does not match the decompressed data: the file is corrupt.',
        );
      }
      if (trailer.readUInt32LE(4) !== this.output % 2 ** 32) {
        this.report(
          'GZIP_SIZE_MISMATCH',
          'The length in the gzip trailer does not match the decompressed data: the file is corrupt.',
        );
      }
    }
    if (after > 8) {
      const extra = after - 8;
      if (trailer && trailer.length >= 10 && trailer[8] === 0x1f && trailer[9] === 0x8b) {
        this.report(
          'GZIP_MULTI_MEMBER',
          `A second gzip member follows the first (${extra} more bytes): a snapshot is exactly one member.`,
        );
      } else
        this.report(
          'GZIP_TRAILING_DATA',
          `${extra} bytes follow the end of the gzip stream: a snapshot has nothing after it.`,
        );
    }
  }

  /** Stops reading: used when what has come out already shows the file is hostile. */
  stop(): void {
    this.stopped = true;
    this.inflater?.destroy();
  }

  private startInflater(): InflateRaw {
    const inflater = createInflateRaw({ chunkSize: INFLATE_CHUNK });
    this.closed = new Promise((resolve) => inflater.once('close', resolve));
    // node:zlib emits a chunk before it hands the thread pool the next piece of work, so checking the chunk right
    // here would leave the pool idle meanwhile. Deferred to a microtask (run as soon as zlib's callback returns,
    // before any other event), the checks of one chunk overlap the inflation of the next, in the same order.
    inflater.on('data', (chunk: Buffer) => {
      this.pending.push(chunk);
      if (this.pending.length === 1) queueMicrotask(this.drain);
    });
    inflater.on('error', (error: Error) => {
      this.inflateError ??= error;
    });
    return inflater;
  }

  /** Checks the chunks inflated so far, in order; more than one waits only if a microtask was overtaken. */
  private readonly drain = (): void => {
    const chunks = this.pending;
    if (chunks.length === 0) return;
    this.pending = [];
    for (const chunk of chunks) this.check(chunk);
  };

  private check(chunk: Buffer): void {
    if (this.stopped) return;
    this.output += chunk.length;
    const budget = Math.min(this.limits.maxOutput, this.limits.expansionGrace + this.limits.maxExpansion * this.input);
    if (this.output > budget) {
      this.report(
        'GZIP_BOMB',
        `The data expands past ${budget} bytes from ${this.input} compressed bytes; reading stopped (a gzip bomb or not a snapshot).`,
      );
      this.stop();
      return;
    }
    this.crc = crc32(chunk, this.crc);
    this.onData(chunk);
  }

  private looksLikeGzipStart(): boolean {
    const head = Buffer.concat(this.header).subarray(0, 2);
    return head.length >= 1 && head[0] === 0x1f && (head.length === 1 || head[1] === 0x8b);
  }

  /** Parses the 10-byte header: returns its length, 'more' when more bytes are needed, or 'bad' (reported). */
  private parseHeader(buf: Buffer): number | 'more' | 'bad' {
    if (buf.length >= 1 && buf[0] !== 0x1f)
      return this.bad('NOT_GZIP', 'The file is not gzip-compressed, so it is not a Vault or Consul snapshot.');
    if (buf.length >= 2 && buf[1] !== 0x8b)
      return this.bad('NOT_GZIP', 'The file is not gzip-compressed, so it is not a Vault or Consul snapshot.');
    if (buf.length < 10) return 'more';
    if (buf[2] !== 8)
      return this.bad('GZIP_HEADER', `The gzip header names compression method ${buf[2]}, not deflate.`);
    // Go's gzip writer (Vault, Consul) sets no flags: no name, comment, extra field or header CRC.
    if (buf[3] !== 0)
      return this.bad(
        'GZIP_HEADER',
        `The gzip header has flags 0x${(buf[3] as number).toString(16)}; Vault and Consul write none, so the file was not written by them or was altered.`,
      );
    return 10;
  }

  private bad(code: ProblemCode, message: string): 'bad' {
    this.report(code, message);
    return 'bad';
  }

  private readTail(start: number, length: number): Buffer | null {
    const parts: Buffer[] = [];
    for (const { offset, chunk } of this.tail) {
      const from = Math.max(start, offset);
      const to = Math.min(start + length, offset + chunk.length);
      if (from < to) parts.push(chunk.subarray(from - offset, to - offset));
    }
    const out = Buffer.concat(parts);
    return out.length === length ? out : null;
  }
}
