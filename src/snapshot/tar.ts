import type { Report } from './gzip.js';

export interface TarEntry {
  readonly name: string;
  readonly size: number;
  /** Unix seconds. */
  readonly mtime: number;
  readonly mode: number;
}

/** Receives one entry's data; `end` is called once all of it has come (not when the archive is cut short). */
export interface EntrySink {
  data(chunk: Buffer): void;
  end(): void;
}

const BLOCK = 512;
const decoder = new TextDecoder('utf-8', { fatal: false });

function cString(buf: Buffer, start: number, length: number): string {
  const end = buf.indexOf(0, start);
  return decoder.decode(buf.subarray(start, end === -1 || end > start + length ? start + length : end));
}

/** A numeric field: octal ASCII (space or NUL terminated), or GNU base-256 when the high bit is set. */
function numeric(buf: Buffer, start: number, length: number): number | null {
  if (((buf[start] as number) & 0x80) !== 0) {
    let value = (buf[start] as number) & 0x7f;
    for (let i = 1; i < length; i++) {
      value = value * 256 + (buf[start + i] as number);
      if (value > Number.MAX_SAFE_INTEGER) return null;
    }
    return value;
  }
  const text = cString(buf, start, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) return null;
  const value = parseInt(text, 8);
  return Number.isSafeInteger(value) ? value : null;
}

function checksumOk(block: Buffer): boolean {
  const stored = numeric(block, 148, 8);
  if (stored === null) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : (block[i] as number);
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

const isZero = (buf: Buffer): boolean => {
  for (let i = 0; i < buf.length; i++) if (buf[i] !== 0) return false;
  return true;
};

type State = 'header' | 'data' | 'padding' | 'second-zero' | 'end' | 'dead';

/**
 * A streaming USTAR reader for the archives raft-snapshot writes: regular files only, headers with valid
 * checksums, zero padding, a 1024-byte end marker, and nothing after it. Entries are handed to `onEntry`, which
 * returns where their data should go (or null to skip it).
 */
export class TarReader {
  private state: State = 'header';
  private block = Buffer.alloc(BLOCK);
  private blockFill = 0;
  private remaining = 0;
  private sink: EntrySink | null = null;
  private bytes = 0;

  private readonly onEntry: (entry: TarEntry) => EntrySink | null;
  private readonly report: Report;

  constructor(onEntry: (entry: TarEntry) => EntrySink | null, report: Report) {
    this.onEntry = onEntry;
    this.report = report;
  }

  /** Whether the archive is already known to be broken (reading further cannot make it valid). */
  get failed(): boolean {
    return this.state === 'dead';
  }

  write(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && this.state !== 'dead') {
      switch (this.state) {
        case 'data': {
          const n = Math.min(this.remaining, chunk.length - at);
          this.sink?.data(chunk.subarray(at, at + n));
          at += n;
          this.bytes += n;
          this.remaining -= n;
          if (this.remaining === 0) this.finishEntry();
          break;
        }
        case 'padding': {
          const n = Math.min(this.remaining, chunk.length - at);
          if (!isZero(chunk.subarray(at, at + n))) {
            this.fail('TAR_PADDING', 'The padding after a tar entry is not zeros: the archive is corrupt or altered.');
            return;
          }
          at += n;
          this.bytes += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = 'header';
          break;
        }
        case 'end': {
          const extra = chunk.length - at;
          this.fail(
            'TAR_TRAILING_DATA',
            `Data follows the tar end marker (at least ${extra} bytes): a snapshot has nothing after it.`,
          );
          return;
        }
        default: {
          const n = Math.min(BLOCK - this.blockFill, chunk.length - at);
          chunk.copy(this.block, this.blockFill, at, at + n);
          this.blockFill += n;
          at += n;
          this.bytes += n;
          if (this.blockFill === BLOCK) {
            this.blockFill = 0;
            this.onBlock();
          }
        }
      }
    }
  }

  /** Call at the end of the decompressed stream. */
  end(): void {
    if (this.state === 'end' || this.state === 'dead') return;
    if (this.state === 'data' || this.state === 'padding' || this.blockFill > 0) {
      this.fail(
        'TAR_TRUNCATED',
        `The tar archive ends in the middle of ${this.state === 'data' ? 'an entry' : 'a block'}, after ${this.bytes} bytes: it is truncated.`,
      );
    } else {
      this.fail('TAR_NO_END_MARKER', 'The tar archive has no end marker (two zero blocks): it is truncated.');
    }
  }

  private onBlock(): void {
    const block = this.block;
    if (this.state === 'second-zero') {
      if (isZero(block)) this.state = 'end';
      else this.fail('TAR_BAD_HEADER', 'A lone zero block stands between tar entries: the archive is corrupt.');
      return;
    }
    if (isZero(block)) {
      this.state = 'second-zero';
      return;
    }
    if (!checksumOk(block))
      return this.fail('TAR_HEADER_CHECKSUM', 'A tar header fails its checksum: the archive is corrupt.');
    if (block.toString('latin1', 257, 262) !== 'ustar')
      return this.fail('TAR_BAD_HEADER', 'A tar header is not in USTAR format.');
    const type = String.fromCharCode(block[156] as number);
    const prefix = cString(block, 345, 155);
    const base = cString(block, 0, 100);
    const name = prefix ? `${prefix}/${base}` : base;
    const size = numeric(block, 124, 12);
    const mtime = numeric(block, 136, 12);
    const mode = numeric(block, 100, 8);
    if (size === null || mtime === null || mode === null)
      return this.fail(
        'TAR_BAD_HEADER',
        `The tar header of ${JSON.stringify(name)} has an unreadable size, time or mode.`,
      );
    if (type !== '0' && type !== '\0') {
      this.report(
        'TAR_ENTRY_TYPE',
        `The tar entry ${JSON.stringify(name)} is not a regular file (type ${JSON.stringify(type)}); snapshots hold only regular files.`,
      );
      this.startData(null, size);
      return;
    }
    this.startData(this.onEntry({ name, size, mtime, mode }), size);
  }

  private startData(sink: EntrySink | null, size: number): void {
    this.sink = sink;
    this.remaining = size;
    if (size === 0) this.finishEntry();
    else this.state = 'data';
  }

  private finishEntry(): void {
    this.sink?.end();
    this.sink = null;
    const pad = (BLOCK - (this.bytes % BLOCK)) % BLOCK;
    this.remaining = pad;
    this.state = pad === 0 ? 'header' : 'padding';
  }

  private fail(code: Parameters<Report>[0], message: string): void {
    this.report(code, message);
    this.state = 'dead';
  }
}
