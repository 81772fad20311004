import { createHash, randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { fsErrorWords } from '../shared/fs-errors.js';
import { InterruptedError } from '../vault/transport.js';
import { encryptStream } from './age.js';
import { BundleInputError, type BundlePlan } from './collect.js';
import { END_MARKER, padding, tarHeader } from './tar-writer.js';
import { MANIFEST, MANIFEST_FORMAT, type BundleFile, type CataloguePlugin, type Manifest } from './schema.js';

export interface WriteBundleOptions {
  /** The moment of the bundle (its name and createdAt). */
  readonly now?: Date;
  /** age recipients (`age1…`): the bundle is written encrypted, as `….tar.gz.age`. */
  readonly recipients?: readonly string[];
  /** gzip level, 1–9 (default 6, gzip's own default). */
  readonly level?: number;
  /** Stops the write; the temporary file is removed and nothing is left behind. */
  readonly signal?: AbortSignal;
  /** The live catalogue (with --vault), without `binary`: filled in from the hashes of the files written. */
  readonly catalogue?: { address: string; readAt: string; plugins: Omit<CataloguePlugin, 'binary'>[] };
  readonly onProgress?: (bytes: number) => void;
}

export interface WrittenBundle {
  readonly file: string;
  readonly manifest: Manifest;
}

/** `vault-config-20261204T091500Z.tar.gz`: sortable and safe in any file system. */
export const bundleFileName = (now: Date, encrypted = false): string =>
  `vault-config-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}.tar.gz${encrypted ? '.age' : ''}`;

const CHUNK = 1 << 20;

/** User names by uid from /etc/passwd, best effort: the manifest keeps the number in any case. */
async function userNames(): Promise<Map<number, string>> {
  const text = await readFile('/etc/passwd', 'utf8').catch(() => '');
  const names = new Map<number, string>();
  for (const line of text.split('\n')) {
    const [name, , uid] = line.split(':');
    if (name && uid && /^\d+$/.test(uid)) names.set(Number(uid), name);
  }
  return names;
}

const entryName = (i: number, file: string): string =>
  `files/${i + 1}-${path
    .basename(file)
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 80)}`;

/**
 * The archive as it streams: each file's header and bytes (hashed as they are read, so the manifest holds the hash
 * of exactly what was written), then manifest.json last, then the end marker. A file that changes size while it
 * is read stops the write.
 */
async function* archive(plan: BundlePlan, opts: WriteBundleOptions, now: Date, done: (m: Manifest) => void) {
  const mtime = Math.floor(now.getTime() / 1000);
  const users = await userNames();
  const files: BundleFile[] = [];
  let written = 0;
  for (const [i, planned] of plan.files.entries()) {
    let handle: FileHandle;
    try {
      handle = await open(planned.path, 'r');
    } catch (error) {
      throw new BundleInputError(`cannot read ${planned.path}: ${fsErrorWords(error)}`);
    }
    try {
      const info = await handle.stat();
      const entry = entryName(i, planned.path);
      const user = users.get(info.uid) ?? null;
      yield tarHeader({ name: entry, size: info.size, mode: info.mode, uid: info.uid, gid: info.gid, mtime });
      const hash = createHash('sha256');
      let left = info.size;
      while (left > 0) {
        const buffer = Buffer.allocUnsafe(Math.min(CHUNK, left));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, info.size - left);
        if (bytesRead === 0) break;
        const chunk = bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
        hash.update(chunk);
        left -= bytesRead;
        written += bytesRead;
        opts.onProgress?.(written);
        yield chunk;
      }
      if (left !== 0 || (await handle.stat()).size !== info.size) {
        throw new BundleInputError(`${planned.path} changed size while it was read; run config-bundle save again`);
      }
      // Never an empty chunk: Readable.from stalls on one.
      if (info.size % 512) yield padding(info.size);
      files.push({
        path: planned.path,
        entry,
        size: info.size,
        mode: `0${(info.mode & 0o7777).toString(8).padStart(3, '0')}`,
        owner: { uid: info.uid, gid: info.gid, user },
        sha256: hash.digest('hex'),
        roles: planned.roles,
        sensitive: planned.why.length > 0,
        why: planned.why.length ? planned.why.join('; ') : null,
      });
    } finally {
      await handle.close();
    }
  }
  const byHash = new Map(files.map((f) => [f.sha256, f.path]));
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    version: 1,
    createdAt: now.toISOString(),
    host: hostname(),
    serverConfigs: plan.serverConfigs,
    seal: plan.seal,
    storageType: plan.storageType,
    pluginDirectory: plan.pluginDirectory,
    files,
    plugins: opts.catalogue
      ? {
          address: opts.catalogue.address,
          readAt: opts.catalogue.readAt,
          catalogue: opts.catalogue.plugins.map((p) => ({
            ...p,
            binary: p.builtin || !p.sha256 ? null : (byHash.get(p.sha256) ?? null),
          })),
        }
      : null,
  };
  const json = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  yield tarHeader({ name: MANIFEST, size: json.length, mode: 0o600, uid: 0, gid: 0, mtime });
  yield json;
  if (json.length % 512) yield padding(json.length);
  yield END_MARKER;
  done(manifest);
}

/**
 * Writes the bundle into `dir` atomically: a temporary file beside the target (created 0600, never readable by
 * others even for a moment), fsync, rename, fsync of the folder. Any failure or an abort removes the temporary
 * file, so the folder holds either the whole bundle or nothing of it.
 */
export async function writeBundle(
  dir: string,
  plan: BundlePlan,
  opts: WriteBundleOptions = {},
): Promise<WrittenBundle> {
  const now = opts.now ?? new Date();
  const encrypted = (opts.recipients?.length ?? 0) > 0;
  const file = path.join(dir, bundleFileName(now, encrypted));
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let handle: FileHandle;
  try {
    handle = await open(temp, 'wx', 0o600);
  } catch (error) {
    throw new BundleInputError(`cannot write in ${dir}: ${fsErrorWords(error, true)}`);
  }
  let manifest: Manifest | null = null;
  try {
    await handle.chmod(0o600);
    const source = Readable.from(
      archive(plan, opts, now, (m) => (manifest = m)),
      { objectMode: false },
    );
    const gzip = createGzip({ level: opts.level ?? 6, chunkSize: 1 << 20 });
    const sink = fileSink(handle);
    const signal = opts.signal ? { signal: opts.signal } : {};
    if (encrypted) await pipeline(source, gzip, encryptStream(opts.recipients as string[]), sink, signal);
    else await pipeline(source, gzip, sink, signal);
    await handle.close();
    if (
      await open(file, 'r').then(
        (h) => h.close().then(() => true),
        () => false,
      )
    ) {
      throw new BundleInputError(`${file} already exists; not overwritten`);
    }
    await rename(temp, file);
    await syncFolder(dir);
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(temp).catch(() => {});
    if (opts.signal?.aborted) throw new InterruptedError('interrupted; no bundle was written');
    throw error;
  }
  return { file, manifest: manifest as unknown as Manifest };
}

/** Writes into the open temporary file and fsyncs it at the end; the handle stays open for the caller to close. */
function fileSink(handle: FileHandle): Writable {
  const writeAll = async (chunk: Buffer): Promise<void> => {
    for (let at = 0; at < chunk.length;) at += (await handle.write(chunk, at, chunk.length - at)).bytesWritten;
  };
  return new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Buffer, _encoding, callback) {
      writeAll(chunk).then(() => callback(), callback);
    },
    final(callback) {
      handle.sync().then(() => callback(), callback);
    },
  });
}

/** The rename is durable only once the folder itself is synced. */
async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => null);
  if (!handle) return;
  await handle.sync().catch(() => {});
  await handle.close();
}
