import { createHash, type Hash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UserError } from '../errors.js';
import { fsErrorWords } from '../shared/fs-errors.js';
import { hashFileInWorker } from '../snapshot/file-hash.js';
import { GzipMemberReader } from '../snapshot/gzip.js';
import type { ProblemCode } from '../snapshot/schema.js';
import { TarReader, type EntrySink, type TarEntry } from '../snapshot/tar.js';
import { decryptStream, parseAgeHeader } from './age.js';
import {
  MANIFEST,
  ManifestSchema,
  type BundleInspection,
  type BundleProblem,
  type BundleProblemCode,
  type Manifest,
} from './schema.js';

/** The bundle file cannot be opened at all: a usage problem, not a verdict on a bundle. */
export class BundleReadError extends UserError {
  override readonly name = 'BundleReadError';
}

export interface InspectBundleOptions {
  /** Name to report as `file`. */
  readonly file?: string;
  /** age identities (`AGE-SECRET-KEY-1…`) to open an encrypted bundle; without them only its header is checked. */
  readonly identities?: readonly string[];
}

const MANIFEST_CAP = 16 * 1024 * 1024;
const AGE_CHUNK = 64 * 1024 + 16;
const NAME_TIME = /vault-config-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/;

/** The snapshot reader's sentences name snapshots; a bundle's problems name bundles. */
const reworded = (message: string): string =>
  message
    .replace(/a Vault or Consul snapshot/g, 'a configuration bundle')
    .replace(/Vault and Consul write none/g, 'this tool writes none')
    .replace(/snapshots hold only regular files/g, 'bundles hold only regular files')
    .replace(/a snapshot (has|is)/g, 'a bundle $1')
    .replace(/\bnot a snapshot\b/g, 'not a bundle');

class HashedEntry implements EntrySink {
  readonly hash: Hash = createHash('sha256');
  length = 0;
  done = false;
  data(chunk: Buffer): void {
    this.hash.update(chunk);
    this.length += chunk.length;
  }
  end(): void {
    this.done = true;
  }
}

class ManifestEntry implements EntrySink {
  private parts: Buffer[] = [];
  done = false;
  data(chunk: Buffer): void {
    this.parts.push(Buffer.from(chunk));
  }
  end(): void {
    this.done = true;
  }
  text(): string {
    return Buffer.concat(this.parts).toString('utf8');
  }
}

/** A problem as snapshot inspect words one: `reason`, and `message`, the same sentence under its older name. */
const problem = (code: BundleProblemCode, reason: string): BundleProblem => ({ code, reason, message: reason });

function emptyInspection(file: string): BundleInspection {
  return {
    file,
    valid: false,
    encrypted: false,
    contentsVerified: false,
    recipients: [],
    sha256: null,
    bytes: 0,
    createdAt: null,
    manifest: null,
    notes: [],
    problems: [],
  };
}

/**
 * Verifies the tar.gz stream of a bundle: one gzip member, a clean USTAR archive, a manifest of the documented
 * shape, every file it lists present with its size and sha256, and nothing that it does not list.
 */
async function verifyArchive(source: Readable, out: BundleInspection): Promise<void> {
  const report = (code: BundleProblemCode | ProblemCode, message: string): void => {
    const reason = reworded(message);
    if (!out.problems.some((p) => p.code === code && p.reason === reason))
      out.problems.push(problem(code as BundleProblemCode, reason));
  };
  const entries = new Map<string, { entry: TarEntry; sink: HashedEntry }>();
  let manifest: ManifestEntry | null = null;
  const tar = new TarReader((entry) => {
    if (entries.has(entry.name) || (entry.name === MANIFEST && manifest)) {
      report('DUPLICATE_ENTRY', `The archive holds ${JSON.stringify(entry.name)} twice.`);
      return null;
    }
    if (entry.name === MANIFEST) {
      if (entry.size > MANIFEST_CAP) {
        report('ENTRY_TOO_LARGE', `manifest.json is ${entry.size} bytes, more than a manifest can be.`);
        return null;
      }
      return (manifest = new ManifestEntry());
    }
    const sink = new HashedEntry();
    entries.set(entry.name, { entry, sink });
    return sink;
  }, report);
  let stopped = false;
  const gzip: GzipMemberReader = new GzipMemberReader(
    (chunk) => {
      tar.write(chunk);
      if (tar.failed) {
        stopped = true;
        gzip.stop();
      }
    },
    report,
    { maxExpansion: 1024, expansionGrace: 64 * 1024 * 1024, maxOutput: 2 ** 46 },
  );
  const sink = new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Buffer, _enc, callback) {
      const wait = gzip.write(chunk);
      if (wait) wait.then(() => callback(), callback);
      else callback();
    },
  });
  try {
    await pipeline(source, sink);
  } catch (error) {
    gzip.stop();
    const why = error instanceof Error ? error.message : String(error);
    report(out.encrypted ? 'AGE_DECRYPT_FAILED' : 'READ_ERROR', `Reading stopped: ${why.split('\n')[0]}.`);
    return;
  }
  await gzip.end();
  out.bytes = out.encrypted ? out.bytes : gzip.bytesIn;
  const broken = out.problems.some((p) => /^(GZIP|NOT_GZIP|EMPTY_FILE)/.test(p.code));
  if (!broken && !stopped) tar.end();
  if (out.problems.some((p) => /^(GZIP|NOT_GZIP|EMPTY_FILE|TAR)/.test(p.code))) return;
  const m = manifest as ManifestEntry | null;
  if (!m?.done) {
    report('MANIFEST_MISSING', 'The archive has no manifest.json, so what it holds cannot be checked.');
    return;
  }
  let parsed: Manifest;
  try {
    const result = ManifestSchema.safeParse(JSON.parse(m.text()));
    if (!result.success) {
      const issue = result.error.issues[0];
      const at = issue ? `${issue.path.join('.') || 'value'}: ${issue.message}` : 'wrong shape';
      report('MANIFEST_INVALID', `manifest.json is not a bundle manifest (${at}).`);
      return;
    }
    parsed = result.data;
  } catch {
    report('MANIFEST_INVALID', 'manifest.json is not valid JSON.');
    return;
  }
  out.manifest = parsed;
  out.createdAt = parsed.createdAt;
  checkAgainstManifest(parsed, entries, report);
}

function checkAgainstManifest(
  manifest: Manifest,
  entries: ReadonlyMap<string, { entry: TarEntry; sink: HashedEntry }>,
  report: (code: BundleProblemCode, message: string) => void,
): void {
  const listed = new Set<string>();
  for (const f of manifest.files) {
    if (listed.has(f.entry)) report('MANIFEST_INVALID', `manifest.json lists ${f.entry} twice.`);
    listed.add(f.entry);
    const got = entries.get(f.entry);
    if (!got?.sink.done) {
      report('MISSING_ENTRY', `The archive has no ${f.entry} (${f.path}), which manifest.json lists.`);
      continue;
    }
    if (got.sink.length !== f.size) {
      report('SIZE_MISMATCH', `${f.entry} (${f.path}) is ${got.sink.length} bytes; manifest.json says ${f.size}.`);
    } else if (got.sink.hash.digest('hex') !== f.sha256) {
      report('HASH_MISMATCH', `The SHA-256 of ${f.entry} (${f.path}) does not match manifest.json: it was altered.`);
    }
  }
  for (const name of entries.keys()) {
    if (!listed.has(name))
      report('NOT_IN_MANIFEST', `The archive holds ${JSON.stringify(name)}, which manifest.json does not list.`);
  }
}

/** The time in a bundle's name (`vault-config-20261204T091500Z…`), for an encrypted bundle not opened. */
export function timeFromName(file: string): string | null {
  const m = NAME_TIME.exec(path.basename(file));
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
  return Number.isNaN(Date.parse(iso)) ? null : new Date(iso).toISOString();
}

/**
 * When an encrypted bundle not opened was made, as far as can be known without its manifest: the time in its name,
 * unless the file was last written before it (an old bundle renamed or copied under a fresh name: counted from its
 * last write, since nothing fresher is written in it). A copy made later keeps the name's time.
 */
function timeUnopened(file: string, mtimeMs: number, notes: string[]): string | null {
  const named = timeFromName(file);
  if (named === null || !Number.isFinite(mtimeMs) || mtimeMs >= Date.parse(named)) return named;
  // The name is to the second, floored: a file written within that second is not older than its name.
  if (Date.parse(named) - mtimeMs < 1000) return named;
  const written = new Date(mtimeMs).toISOString();
  notes.push(`Its name says ${named}, but the file was last written at ${written}: counted from then.`);
  return written;
}

/** An age file's payload is a 16-byte nonce and chunks of 64 KiB + 16; any other length was cut or padded. */
function agePayloadOk(payload: number): boolean {
  const rest = payload - 16;
  if (rest <= 0) return false;
  const last = rest % AGE_CHUNK;
  return last >= 16 || (last === 0 && rest >= AGE_CHUNK);
}

/**
 * Verifies a configuration bundle offline: gzip, tar, every hash against the manifest, nothing outside it. An
 * age-encrypted one is opened with `identities`; without them only its header (and payload length) is checked.
 * Never throws for a damaged file (that is `valid: false` with problems); throws BundleReadError when it cannot
 * be opened at all.
 */
export async function inspectBundle(file: string, options: InspectBundleOptions = {}): Promise<BundleInspection> {
  const out = emptyInspection(options.file ?? file);
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below like any non-file.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new BundleReadError(`cannot read ${out.file}: ${fsErrorWords(error)}`);
  }
  let size: number;
  let head: Buffer;
  let wholeHash: Promise<{ hex: string; bytes: number }> | null = null;
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      out.problems.push(problem('NOT_A_FILE', `${out.file} is not a regular file.`));
      return out;
    }
    size = info.size;
    head = Buffer.alloc(Math.min(size, 64 * 1024));
    await handle.read(head, 0, head.length, 0);
    if (size > 16 * 1024 * 1024) wholeHash = hashFileInWorker(handle.fd);
    wholeHash?.catch(() => {});
    await inspectOpened(file, size, head, out, options, info.mtimeMs);
    if (wholeHash) {
      const h = await wholeHash.catch(() => null);
      out.sha256 = h && h.bytes === size ? h.hex : null;
    }
  } finally {
    await wholeHash?.catch(() => {});
    await handle.close();
  }
  out.valid = out.problems.length === 0;
  return out;
}

async function inspectOpened(
  file: string,
  size: number,
  head: Buffer,
  out: BundleInspection,
  options: InspectBundleOptions,
  mtimeMs: number,
): Promise<void> {
  const hashing = size <= 16 * 1024 * 1024;
  const wholeFile = hashing ? createHash('sha256') : null;
  const stream = (): Readable => {
    const s = createReadStream(file, { highWaterMark: 1 << 20 });
    if (wholeFile) s.on('data', (c) => wholeFile.update(c as Buffer));
    return s;
  };
  const looksAge = head.toString('latin1', 0, 3) === 'age' || head.toString('latin1', 0, 10) === '-----BEGIN';
  if (!looksAge) {
    await verifyArchive(stream(), out);
    out.contentsVerified = out.problems.length === 0;
    if (wholeFile && !out.problems.some((p) => p.code === 'READ_ERROR')) out.sha256 = wholeFile.digest('hex');
    return;
  }
  out.encrypted = true;
  out.bytes = size;
  const header = parseAgeHeader(head);
  if (!header.ok) {
    out.problems.push(problem('AGE_HEADER_INVALID', `The file is not a readable age file: ${header.reason}.`));
    return;
  }
  out.recipients = header.recipients;
  if (!agePayloadOk(size - header.headerLength)) {
    const reason = 'The age payload has a length age never writes: the file is truncated or padded.';
    out.problems.push(problem('AGE_HEADER_INVALID', reason));
    return;
  }
  if (!options.identities?.length) {
    out.createdAt = timeUnopened(file, mtimeMs, out.notes);
    out.notes.push('Encrypted (age): only the header was checked; give --identity FILE to verify the contents.');
    if (wholeFile) {
      for await (const c of stream()) void c;
      out.sha256 = wholeFile.digest('hex');
    }
    return;
  }
  let plain: Readable;
  try {
    plain = await decryptStream(stream(), options.identities);
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    out.problems.push(problem('AGE_DECRYPT_FAILED', `The bundle cannot be decrypted with that identity (${why}).`));
    return;
  }
  await verifyArchive(plain, out);
  out.contentsVerified = out.problems.length === 0;
  if (wholeFile) out.sha256 = wholeFile.digest('hex');
}

export type { BundleProblem };
