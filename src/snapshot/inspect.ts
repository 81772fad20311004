import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { Writable, type Readable } from 'node:stream';
import { compareVersions, parseVersion } from '../classify/version.js';
import { hashFileInWorker } from './file-hash.js';
import { GzipMemberReader } from './gzip.js';
import {
  SnapshotMetaSchema,
  type Problem,
  type ProblemCode,
  type RaftServer,
  type SnapshotInspection,
  type SnapshotMeta,
} from './schema.js';
import { parseSums } from './sums.js';
import { SmallEntry, StateEntry } from './entries.js';
import { TarReader, type TarEntry } from './tar.js';

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
export class SnapshotReadError extends Error {
  override readonly name = 'SnapshotReadError';
  readonly code: string;
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

const META = 'meta.json';
const STATE = 'state.bin';
const SUMS = 'SHA256SUMS';
const SEALED = 'SHA256SUMS.sealed';
const KNOWN = new Set([META, STATE, SUMS, SEALED]);
const SUFFRAGE: Record<number, RaftServer['suffrage']> = { 0: 'voter', 1: 'nonvoter', 2: 'staging' };
const CONSUL_ID = /^(\d+)-(\d+)-(\d+)$/;

const TOO_LARGE = Symbol('too large');

/**
 * Verifies a snapshot archive as it streams in, with no second read and nothing written to disk. Write the file's
 * bytes to `writable`; `result` resolves once it has ended. The live-Vault download feeds this while it saves.
 */
export function createSnapshotVerifier(options: InspectOptions & VerifierInternals = {}): { writable: Writable; result: Promise<SnapshotInspection> } {
  const problems: Problem[] = [];
  const report = (code: ProblemCode, message: string): void => {
    if (!problems.some((p) => p.code === code && p.message === message)) problems.push({ code, message });
  };
  const cap = options.maxSmallEntry ?? 64 * 1024;
  const fileHash = createHash('sha256');
  const entries = new Map<string, TarEntry>();
  const small = new Map<string, SmallEntry | typeof TOO_LARGE>();
  let state: StateEntry | null = null;

  const tar = new TarReader((entry) => {
    if (!KNOWN.has(entry.name)) {
      report('UNEXPECTED_ENTRY', `The archive holds ${JSON.stringify(entry.name)}, which no snapshot has (only meta.json, state.bin, SHA256SUMS and SHA256SUMS.sealed).`);
      return null;
    }
    if (entries.has(entry.name)) {
      report('DUPLICATE_ENTRY', `The archive holds ${entry.name} twice.`);
      return null;
    }
    entries.set(entry.name, entry);
    if (entry.name === STATE) return (state = new StateEntry(options.keyDepth ?? 1));
    if (entry.size > cap) {
      report('ENTRY_TOO_LARGE', `${entry.name} is ${entry.size} bytes, more than the ${cap} a snapshot's ${entry.name} can be.`);
      small.set(entry.name, TOO_LARGE);
      return null;
    }
    const sink = new SmallEntry();
    small.set(entry.name, sink);
    return sink;
  }, report);

  // Stop inflating as soon as the archive is known to be broken: nothing further can make it valid, and a
  // hostile file (a bomb of zeros, say) is then not read out.
  let stoppedEarly = false;
  const gzip: GzipMemberReader = new GzipMemberReader((chunk) => {
    tar.write(chunk);
    const walker = (state as StateEntry | null)?.walker();
    if (tar.failed || (walker && walker.error !== null)) {
      stoppedEarly = true;
      gzip.stop();
    }
  }, report, {
    maxExpansion: options.maxExpansion ?? 256,
    expansionGrace: 16 * 1024 * 1024,
    maxOutput: Number.MAX_SAFE_INTEGER,
  });

  let resolveResult: (r: SnapshotInspection) => void = () => {};
  const result = new Promise<SnapshotInspection>((resolve) => (resolveResult = resolve));
  let readError: Error | null = null;
  let externalHex: string | null = null;

  const writable = new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Buffer, _enc, callback) {
      if (!options.externalFileHash) fileHash.update(chunk);
      options.onProgress?.(gzip.bytesIn + chunk.length);
      const wait = gzip.write(chunk);
      if (wait) wait.then(() => callback(), callback);
      else callback();
    },
    final(callback) {
      gzip
        .end()
        .then(async () => {
          if (options.externalFileHash) {
            const external = await options.externalFileHash.catch(() => null);
            externalHex = external && external.bytes === gzip.bytesIn ? external.hex : null;
          }
          const broken = problems.some((p) => p.code.startsWith('GZIP') || p.code === 'NOT_GZIP' || p.code === 'EMPTY_FILE');
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
    const notes = out.notes;
    out.sha256 = readError ? null : options.externalFileHash ? externalHex : fileHash.digest('hex');
    out.bytes = gzip.bytesIn;

    // meta.json
    let meta: SnapshotMeta | null = null;
    const metaEntry = small.get(META);
    if (metaEntry instanceof SmallEntry && metaEntry.done) {
      try {
        const parsed = SnapshotMetaSchema.safeParse(JSON.parse(metaEntry.bytes().toString('utf8')));
        if (parsed.success) meta = parsed.data;
        else {
          const issue = parsed.error.issues[0];
          report('META_INVALID', `meta.json does not have the fields of raft's SnapshotMeta (${issue ? `${issue.path.join('.') || 'value'}: ${issue.message}` : 'wrong shape'}).`);
        }
      } catch {
        report('META_INVALID', 'meta.json is not valid JSON.');
      }
    }
    if (meta) {
      out.id = meta.ID;
      out.index = meta.Index;
      out.term = meta.Term;
      out.version = meta.Version;
      out.size = meta.Size;
      out.servers = (meta.Configuration?.Servers ?? []).map((s) => ({ id: s.ID, address: s.Address, suffrage: SUFFRAGE[s.Suffrage] ?? 'unknown' }));
    }

    // state.bin: format, walk, Size
    const st = state as StateEntry | null;
    if (st && (st.done || st.walker()?.error)) {
      out.format = st.format;
      const walkError = st.walkError();
      if (walkError && (st.done || st.walker()?.error)) report('STATE_CORRUPT', `state.bin does not walk cleanly: ${walkError}.`);
      if (meta && st.done && meta.Size !== st.length) {
        report('SIZE_MISMATCH', `meta.json says state.bin is ${meta.Size} bytes but it is ${st.length}.`);
      }
      if (st.vault) {
        const s = st.vault.summary();
        out.keys = s.keys;
        out.vaultVersions = s.versions
          .filter((v) => parseVersion(v) !== null)
          .sort((a, b) => compareVersions(parseVersion(a)!, parseVersion(b)!));
        if (s.sealConfig) {
          try {
            const type = (JSON.parse(s.sealConfig) as { type?: unknown }).type;
            if (typeof type === 'string') out.sealType = type;
          } catch {
            notes.push('core/seal-config is not readable JSON, so the seal type is unknown.');
          }
        }
      } else if (st.consul) out.keys = st.consul.summary().types;
    }

    // entries present (only worth saying when the archive could be read to its end)
    const readToEnd = !stoppedEarly && !problems.some((p) => /^(GZIP|TAR|NOT_GZIP|EMPTY_FILE|READ_ERROR)/.test(p.code));
    const sealedPresent = entries.has(SEALED);
    if (readToEnd) {
      for (const name of [META, STATE, SUMS]) {
        if (!entries.has(name)) report('MISSING_ENTRY', `The archive has no ${name}.`);
      }
    }
    const format = out.format ?? (sealedPresent || meta?.ID === 'bolt-snapshot' ? 'vault' : meta && CONSUL_ID.test(meta.ID) ? 'consul' : null);
    out.format = format;
    if (readToEnd && format === 'vault' && !sealedPresent && entries.has(STATE)) {
      report('MISSING_ENTRY', "The archive has no SHA256SUMS.sealed, which every Vault snapshot has last: the download was probably cut short (Vault's own client calls this an incomplete snapshot).");
    }
    const sealed = small.get(SEALED);
    if (sealed instanceof SmallEntry && sealed.done && sealed.bytes().length === 0) {
      report('SEALED_SUMS_EMPTY', 'SHA256SUMS.sealed is empty: the snapshot is incomplete.');
    }
    if (format === 'consul' && sealedPresent) report('FORMAT_MISMATCH', 'state.bin is a Consul snapshot but the archive holds SHA256SUMS.sealed, which only Vault writes.');
    if (format === 'vault' && meta && CONSUL_ID.test(meta.ID) && st?.format === 'vault') {
      notes.push(`The snapshot ID ${meta.ID} has Consul's form, not Vault's "bolt-snapshot".`);
    }

    // SHA256SUMS
    const sumsEntry = small.get(SUMS);
    if (sumsEntry instanceof SmallEntry && sumsEntry.done) {
      const parsed = parseSums(sumsEntry.bytes().toString('utf8'));
      if (!parsed.ok) report('SUMS_MALFORMED', `SHA256SUMS is malformed: ${parsed.problem}.`);
      else {
        for (const name of parsed.sums.keys()) {
          if (name !== META && name !== STATE) report('SUMS_UNEXPECTED_FILE', `SHA256SUMS lists ${JSON.stringify(name)}, which a snapshot does not have.`);
        }
        for (const name of [META, STATE]) {
          const want = parsed.sums.get(name);
          if (want === undefined) {
            report('SUMS_MISSING_FILE', `SHA256SUMS does not list ${name}.`);
            continue;
          }
          const sink = name === META ? metaEntry : st;
          if (!(sink instanceof SmallEntry || sink instanceof StateEntry) || !sink.done) continue;
          const got = sink.hash.digest('hex');
          if (got !== want) report('HASH_MISMATCH', `The SHA-256 of ${name} does not match SHA256SUMS: the file is corrupt or altered.`);
        }
      }
    }

    // when it was taken: the archive's own times, never the file's
    const times = [...entries.values()].map((e) => e.mtime);
    const first = times[0];
    if (first !== undefined) {
      if (times.some((t) => t !== first)) {
        report('MTIME_MISMATCH', 'The archive entries carry different times; raft-snapshot stamps them all with one.');
      }
      const consulId = meta ? CONSUL_ID.exec(meta.ID) : null;
      if (format === 'consul' && consulId) {
        const ms = Number(consulId[3]);
        out.takenAt = new Date(ms).toISOString();
        if (Math.abs(ms - first * 1000) > 1000) {
          report('TIME_MISMATCH', `The snapshot ID says ${out.takenAt} but the archive says ${new Date(first * 1000).toISOString()}.`);
        }
      } else out.takenAt = new Date(first * 1000).toISOString();
    }

    if (format === 'vault') {
      notes.push("SHA256SUMS.sealed cannot be checked offline: it is sealed with the cluster's unseal or KMS key, and Vault checks it on restore.");
    }
    out.valid = problems.length === 0;
    return out;
  };

  return { writable, result };
}

/**
 * Verifies a snapshot file (or a readable stream) offline, in one streaming pass: gzip, tar, SHA256SUMS, meta.json,
 * and a walk of state.bin. Never throws for a damaged or hostile file (that is `valid: false` with problems); throws
 * SnapshotReadError when the file cannot be opened at all.
 */
export async function inspectSnapshot(source: string | Readable, options: InspectOptions = {}): Promise<SnapshotInspection> {
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
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ELOOP' ? 'too many symbolic links' : code;
    throw new SnapshotReadError(`cannot read ${file}: ${why}`, code, { cause: error });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      const kind = info.isDirectory() ? 'a folder' : info.isFIFO() ? 'a FIFO' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : info.isSocket() ? 'a socket' : 'not a regular file';
      return notAFile(file, `${file} is ${kind}, not a snapshot file.`);
    }
    // Large files: the whole-file SHA-256 runs on a worker thread over the same descriptor, in parallel.
    const externalFileHash = info.size > 16 * 1024 * 1024 ? hashFileInWorker(handle.fd) : undefined;
    externalFileHash?.catch(() => {});
    const { writable, result } = createSnapshotVerifier({ ...options, file, ...(externalFileHash ? { externalFileHash } : {}) });
    await pipeInto(handle.createReadStream({ highWaterMark: 1 << 20, autoClose: false, start: 0 }), writable);
    await externalFileHash?.catch(() => {});
    return await result;
  } finally {
    await handle.close();
  }
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
    keys: {},
    bytes: 0,
    notes: [],
    problems,
  };
}

const notAFile = (file: string, message: string): SnapshotInspection => emptyInspection(file, [{ code: 'NOT_A_FILE', message }]);
