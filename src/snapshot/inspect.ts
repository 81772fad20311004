/**
 * A Vault or Consul snapshot file, as hashicorp/raft-snapshot writes it (see ../../README.md, "What valid means"):
 *
 *   gzip, exactly one member (Go's writer: deflate, no header flags), CRC-32 and length in its trailer
 *   └─ USTAR tar of regular files, every header stamped with one time, then two zero blocks and nothing else
 *      ├─ meta.json          raft's SnapshotMeta: ID, Index, Term, Version, Configuration, Size of state.bin
 *      ├─ state.bin          Vault: uvarint-delimited StorageEntry protobufs in key order; Consul: msgpack records
 *      ├─ SHA256SUMS         "<sha256>  <name>" lines for meta.json and state.bin
 *      └─ SHA256SUMS.sealed  Vault only: SHA256SUMS sealed with the cluster's key (Vault checks it on restore)
 *
 * This module streams the file through that stack once (gzip.ts, tar.ts, entries.ts) and routes each entry by name;
 * checks.ts then judges what was read, one check per entry.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Writable, type Readable } from 'node:stream';
import { drained } from './drained.js';
import { checkArchive, META, SEALED, STATE, SUMS, TOO_LARGE } from './checks.js';
import { SmallEntry, StateEntry } from './entries.js';
import { hashFileInWorker } from './file-hash.js';
import { GzipMemberReader, type Report } from './gzip.js';
import type { Problem, ProblemCode, SnapshotInspection } from './schema.js';
import { TarReader, type EntrySink, type TarEntry } from './tar.js';
import { fsErrorWords } from '../shared/fs-errors.js';
import { UserError } from '../errors.js';

export interface InspectOptions {
  /** Name to report as `file` (defaults to the path, or `-` for a stream). */
  readonly file?: string;
  /** Called as bytes are read (for progress bars). */
  readonly onProgress?: (bytesRead: number) => void;
  /** Prefix depth for Vault key counts (1: `core`, `sys`, `logical`; 2: `core/versions`, …). Default 1. */
  readonly keyDepth?: number;
  /** Largest meta.json, SHA256SUMS or SHA256SUMS.sealed accepted. Default 64 KiB. */
  readonly maxSmallEntry?: number;
  /** Decompressed bytes allowed per compressed byte, beyond a 16 MiB grace. Default 256. */
  readonly maxExpansion?: number;
}

interface VerifierInternals {
  /** The whole-file hash comes from elsewhere (a worker reading the same file): do not hash on this thread. */
  readonly externalFileHash?: Promise<{ hex: string; bytes: number }>;
}

/** The file could not be read at all (missing, permission): a usage problem, not a verdict on a snapshot. */
export class SnapshotReadError extends UserError {
  override readonly name = 'SnapshotReadError';
  readonly code: string;
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

const KNOWN = new Set([META, STATE, SUMS, SEALED]);

/** Where the entries' data went as the archive was read. */
interface ArchiveSinks {
  entries: Map<string, TarEntry>;
  small: Map<string, SmallEntry | typeof TOO_LARGE>;
  state: StateEntry | null;
}

/** The least input the verifier hands the inflater at once, and the buffers it gathers it in (createSnapshotVerifier). */
const COALESCE = 1 << 20;
const RING = 4;

/**
 * Verifies a snapshot archive as it streams in, with no second read and nothing written to disk. Write the file's
 * bytes to `writable`; `result` resolves once it has ended. The live-Vault download feeds this while it saves.
 */
export function createSnapshotVerifier(options: InspectOptions & VerifierInternals = {}): {
  writable: Writable;
  result: Promise<SnapshotInspection>;
} {
  const problems: Problem[] = [];
  const report = (code: ProblemCode, message: string): void => {
    if (!problems.some((p) => p.code === code && p.message === message))
      problems.push({ code, reason: message, message });
  };
  const fileHash = createHash('sha256');
  const archive: ArchiveSinks = { entries: new Map(), small: new Map(), state: null };
  const tar = new TarReader((entry) => routeEntry(entry, archive, options, report), report);

  // Stop inflating as soon as the archive is known to be broken: nothing further can make it valid, and a
  // hostile file (a bomb of zeros, say) is then not read out.
  let stoppedEarly = false;
  const gzip: GzipMemberReader = new GzipMemberReader(
    (chunk) => {
      tar.write(chunk);
      const walker = archive.state?.walker();
      if (tar.failed || (walker && walker.error !== null)) {
        stoppedEarly = true;
        gzip.stop();
      }
    },
    report,
    {
      maxExpansion: options.maxExpansion ?? 256,
      expansionGrace: 16 * 1024 * 1024,
      maxOutput: Number.MAX_SAFE_INTEGER,
    },
  );

  let resolveResult: (r: SnapshotInspection) => void = () => {};
  const result = new Promise<SnapshotInspection>((resolve) => (resolveResult = resolve));
  let readError: Error | null = null;
  let externalHex: string | null = null;

  // Small chunks (a socket's 64 KiB) are gathered into COALESCE-sized ones before they reach the inflater: each
  // write to it is one trip to the thread pool and back, and with 64 KiB ones the trips, not the inflating, set
  // the pace (a 512 MiB object from S3 took 1.45x reading the file, 1.29x gathered; bench/object-storage.ts).
  // Gathered by copying into a ring of RING buffers used round after round (no fresh 1 MiB buffer per chunk,
  // which raised peak RSS): as in pumpFile, the inflater holds at most two of them and its trailer window the
  // newest, so the slot being filled is never one still in use.
  const ring: Buffer[] = [];
  let slot = 0;
  let filled = 0;
  // The whole-file hash is taken here too, on the gathered chunks: one update per MiB rather than per 64 KiB.
  const feed = async (chunk: Buffer): Promise<void> => {
    if (!options.externalFileHash) fileHash.update(chunk);
    await gzip.write(chunk);
  };
  const gather = async (chunk: Buffer): Promise<void> => {
    if (filled === 0 && chunk.length >= COALESCE) return feed(chunk);
    for (let offset = 0; offset < chunk.length;) {
      const buffer = (ring[slot] ??= Buffer.allocUnsafeSlow(COALESCE));
      const copied = chunk.copy(buffer, filled, offset);
      filled += copied;
      offset += copied;
      if (filled === COALESCE) {
        filled = 0;
        slot = (slot + 1) % RING;
        await feed(buffer);
      }
    }
  };
  const writable = new Writable({
    highWaterMark: COALESCE,
    write(chunk: Buffer, _enc, callback) {
      options.onProgress?.(gzip.bytesIn + filled + chunk.length);
      gather(chunk).then(() => callback(), callback);
    },
    final(callback) {
      // The rest of the last slot: no write comes after it, so the slot is not reused while it is read.
      (filled > 0 ? feed((ring[slot] as Buffer).subarray(0, filled)) : Promise.resolve())
        .then(() => {
          filled = 0;
          return gzip.end();
        })
        .then(async () => {
          if (options.externalFileHash) {
            const external = await options.externalFileHash.catch(() => null);
            externalHex = external && external.bytes === gzip.bytesIn ? external.hex : null;
          }
          const broken = problems.some(
            (p) => p.code.startsWith('GZIP') || p.code === 'NOT_GZIP' || p.code === 'EMPTY_FILE',
          );
          if (!broken && !stoppedEarly) tar.end();
          resolveResult(conclude());
          callback();
        })
        .catch(callback);
    },
    destroy(error, callback) {
      if (error) {
        readError = error;
        gzip.stop();
        report('READ_ERROR', `Reading stopped with an error: ${error.message}.`);
        resolveResult(conclude());
      }
      callback(error);
    },
  });

  const conclude = (): SnapshotInspection => {
    const out = emptyInspection(options.file ?? '-', problems);
    out.sha256 = readError ? null : options.externalFileHash ? externalHex : fileHash.digest('hex');
    out.bytes = gzip.bytesIn + filled;
    const readToEnd = !stoppedEarly && !problems.some((p) => /^(GZIP|TAR|NOT_GZIP|EMPTY_FILE|READ_ERROR)/.test(p.code));
    checkArchive({ ...archive, readToEnd }, out, report);
    out.valid = problems.length === 0;
    return out;
  };

  return { writable, result };
}

/**
 * Where a tar entry's data goes, by its name: state.bin to the hashing walker, the small entries to a capped
 * buffer; any other name, a second entry of one name, or a small entry over the cap is reported and skipped.
 */
function routeEntry(entry: TarEntry, archive: ArchiveSinks, options: InspectOptions, report: Report): EntrySink | null {
  if (!KNOWN.has(entry.name)) {
    const only = 'only meta.json, state.bin, SHA256SUMS and SHA256SUMS.sealed';
    report('UNEXPECTED_ENTRY', `The archive holds ${JSON.stringify(entry.name)}, which no snapshot has (${only}).`);
    return null;
  }
  if (archive.entries.has(entry.name)) {
    report('DUPLICATE_ENTRY', `The archive holds ${entry.name} twice.`);
    return null;
  }
  archive.entries.set(entry.name, entry);
  if (entry.name === STATE) return (archive.state = new StateEntry(options.keyDepth ?? 1));
  const cap = options.maxSmallEntry ?? 64 * 1024;
  if (entry.size > cap) {
    const { name, size } = entry;
    report('ENTRY_TOO_LARGE', `${name} is ${size} bytes, more than the ${cap} a snapshot's ${name} can be.`);
    archive.small.set(entry.name, TOO_LARGE);
    return null;
  }
  const sink = new SmallEntry();
  archive.small.set(entry.name, sink);
  return sink;
}

/**
 * Verifies a snapshot file (or a readable stream) offline, in one streaming pass: gzip, tar, SHA256SUMS, meta.json,
 * and a walk of state.bin. Never throws for a damaged or hostile file (that is `valid: false` with problems); throws
 * SnapshotReadError when the file cannot be opened at all.
 */
export async function inspectSnapshot(
  source: string | Readable,
  options: InspectOptions = {},
): Promise<SnapshotInspection> {
  if (typeof source !== 'string') {
    const { writable, result } = createSnapshotVerifier(options);
    await pipeInto(source, writable);
    return result;
  }
  const file = options.file ?? source;
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below like any non-file.
    handle = await open(source, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    throw new SnapshotReadError(`cannot read ${file}: ${fsErrorWords(error)}`, code, { cause: error });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      const kind = info.isDirectory()
        ? 'a folder'
        : info.isFIFO()
          ? 'a FIFO'
          : info.isCharacterDevice() || info.isBlockDevice()
            ? 'a device'
            : info.isSocket()
              ? 'a socket'
              : 'not a regular file';
      return notAFile(file, `${file} is ${kind}, not a snapshot file.`);
    }
    // Large files: the whole-file SHA-256 runs on a worker thread over the same descriptor, in parallel.
    const externalFileHash = info.size > 16 * 1024 * 1024 ? hashFileInWorker(handle.fd) : undefined;
    externalFileHash?.catch(() => {});
    const { writable, result } = createSnapshotVerifier({
      ...options,
      file,
      ...(externalFileHash ? { externalFileHash } : {}),
    });
    await pumpFile(handle, writable);
    await externalFileHash?.catch(() => {});
    return await result;
  } finally {
    await handle.close();
  }
}

const READ = 1 << 20;

/**
 * Feeds a file to a verifier in 1 MiB reads, one read ahead, into a ring of four buffers used round after round:
 * the chunks a read stream would give, without a fresh 1 MiB buffer per read (for a 512 MiB file, 512 buffers
 * whose pages fault in one by one, and whose sum drives V8 into a full GC every few dozen MiB). Four suffice:
 * a whole chunk fills the writable's buffer, so the next is written only once the gzip reader has taken it, and
 * that reader holds at most two (INFLATE_QUEUE: the one being inflated and the next; its trailer window is the
 * last of them). A read into a slot starts only once the chunk three reads before it is consumed: being read,
 * being written, held by the inflater, and one to spare.
 */
async function pumpFile(handle: FileHandle, writable: Writable): Promise<void> {
  const ended = new Promise<void>((resolve) => {
    writable.on('finish', resolve);
    writable.on('close', resolve);
  });
  const ring = Array.from({ length: RING }, () => Buffer.allocUnsafeSlow(READ));
  let position = 0;
  const read = (i: number) => handle.read(ring[i % RING] as Buffer, 0, READ, position);
  try {
    let next = read(0);
    for (let i = 1; ; i++) {
      const { bytesRead, buffer } = await next;
      if (bytesRead === 0 || writable.destroyed) break;
      position += bytesRead;
      next = read(i);
      // A short read (the end, or a file changing under us) is copied out, so that the ring only ever holds
      // whole chunks and the count above stays true whatever the writable buffers.
      const chunk = bytesRead === READ ? buffer : Buffer.from(buffer.subarray(0, bytesRead));
      if (!writable.write(chunk)) await drained(writable);
    }
    writable.end();
  } catch (error) {
    writable.destroy(error as Error);
  }
  await ended;
}

function pipeInto(source: Readable, writable: Writable): Promise<void> {
  return new Promise((resolve) => {
    source.on('error', (error) => writable.destroy(error));
    writable.on('finish', resolve);
    writable.on('close', resolve);
    source.pipe(writable);
  });
}

/** An inspection with nothing known yet: the start of every result. */
function emptyInspection(file: string, problems: Problem[]): SnapshotInspection {
  return {
    file,
    valid: false,
    format: null,
    id: null,
    index: null,
    term: null,
    version: null,
    size: null,
    takenAt: null,
    servers: [],
    sha256: null,
    vaultVersions: [],
    sealType: null,
    seal: null,
    keys: {},
    bytes: 0,
    notes: [],
    problems,
  };
}

const notAFile = (file: string, message: string): SnapshotInspection =>
  emptyInspection(file, [{ code: 'NOT_A_FILE', reason: message, message }]);
