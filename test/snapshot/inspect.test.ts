import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createGzip, deflateRawSync, gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inspectSnapshot, SnapshotInspectionSchema, SnapshotReadError } from '../../src/index.js';
import { hasShared, sharedPath } from '../helpers/shared.js';
import {
  buildSnapshot,
  consulState,
  gzip,
  snapshotFiles,
  tar,
  tarHeader,
  uvarint,
  vaultState,
} from '../helpers/snapshot-writer.js';
import { tempDir } from '../helpers/tmp.js';

const inspectBuffer = (buf: Buffer) => inspectSnapshot(Readable.from([buf]), { file: 'test.snap' });
const codes = async (buf: Buffer) => (await inspectBuffer(buf)).problems.map((p) => p.code);
const tmp = () => tempDir('snap-');

describe.skipIf(!hasShared)('real snapshots (../shared/fixtures/snapshots)', () => {
  it('Vault 1.14.3 test.snap: valid, with the values of the reference', async () => {
    const r = await inspectSnapshot(sharedPath('fixtures/snapshots/vault/test.snap'));
    expect(SnapshotInspectionSchema.parse(r)).toBeTruthy();
    expect(r).toMatchObject({
      valid: true,
      format: 'vault',
      id: 'bolt-snapshot',
      index: 38,
      term: 3,
      version: 1,
      size: 16274,
      takenAt: '2023-09-22T18:26:18.000Z',
      vaultVersions: ['1.14.3'],
      sealType: 'shamir',
      keys: { core: 19, logical: 5, sys: 6 },
      bytes: 16546,
      problems: [],
    });
    expect(r.servers.map((s) => s.id)).toEqual(['vault-0', 'vault-1', 'vault-2']);
    expect(r.notes.join(' ')).toMatch(/SHA256SUMS.sealed cannot be checked offline/);
  });

  it.each([
    [
      'consul/inspect/backup.snap',
      '2-13-1602222343947',
      13,
      '2020-10-09T05:45:43.947Z',
      22,
      { Register: 3, Index: 12 },
    ],
    ['consul/inspect/backupWithKV.snap', '2-12426-1604593650375', 12426, '2020-11-05T16:27:30.375Z', 50, { KVS: 27 }],
    [
      'consul/decode/all.snap',
      '2-62-1710350056693',
      62,
      '2024-03-13T17:14:16.693Z',
      109,
      { 'Unknown(65)': 1, 'Unknown(69)': 1 },
    ],
  ])('Consul %s: valid, taken at the ID milliseconds', async (file, id, index, takenAt, records, some) => {
    const r = await inspectSnapshot(sharedPath('fixtures/snapshots', file));
    expect(r).toMatchObject({ valid: true, format: 'consul', id, index, takenAt, problems: [] });
    expect(Object.values(r.keys).reduce((a, b) => a + b, 0)).toBe(records);
    expect(r.keys).toMatchObject(some);
  });

  it.each([
    ['extra.tar', 'UNEXPECTED_ENTRY'],
    ['corrupt-meta.tar', 'HASH_MISMATCH'],
    ['corrupt-state.tar', 'HASH_MISMATCH'],
    ['corrupt-sha.tar', 'SUMS_UNEXPECTED_FILE'],
    ['missing-meta.tar', 'MISSING_ENTRY'],
    ['missing-state.tar', 'MISSING_ENTRY'],
    ['missing-sha.tar', 'MISSING_ENTRY'],
    ['empty.tar', 'MISSING_ENTRY'],
    ['spaces-meta.tar', 'TAR_TRAILING_DATA'],
  ])("HashiCorp's archive-reader test tar %s (gzipped) is refused with %s", async (file, code) => {
    const r = await inspectBuffer(gzipSync(readFileSync(sharedPath('fixtures/snapshots/raft-snapshot', file))));
    expect(r.valid).toBe(false);
    expect(r.problems.map((p) => p.code)).toContain(code);
  });

  it('spaces-meta.tar: meta.json padded with spaces hashes correctly (consul#5193)', async () => {
    const r = await inspectBuffer(
      gzipSync(readFileSync(sharedPath('fixtures/snapshots/raft-snapshot/spaces-meta.tar'))),
    );
    expect(r.problems.map((p) => p.code)).not.toContain('HASH_MISMATCH');
    expect(r.id).toBe('2-10-1546615723344');
  });
});

describe('archives from the test writer', () => {
  it('a fresh Vault snapshot is valid and dated by its tar time, whatever the file mtime', async () => {
    const taken = new Date('2026-11-26T10:00:00Z');
    const dir = tmp();
    const file = path.join(dir, 'copied.snap');
    writeFileSync(file, buildSnapshot({ takenAt: taken }));
    execFileSync('touch', ['-d', '2030-01-01', file]);
    const r = await inspectSnapshot(file);
    expect(r).toMatchObject({
      valid: true,
      format: 'vault',
      takenAt: '2026-11-26T10:00:00.000Z',
      vaultVersions: ['1.16.2', '1.17.0'],
      sealType: 'shamir',
    });
    expect(r.keys).toEqual({ core: 4, logical: 1, sys: 1 });
  });

  it('reports key counts at a greater depth', async () => {
    const r = await inspectSnapshot(Readable.from([buildSnapshot()]), { keyDepth: 2 });
    expect(r.keys).toMatchObject({ 'core/versions': 2, 'core/seal-config': 1 });
  });

  it('accepts SHA256SUMS lines in any order', async () => {
    const files = snapshotFiles();
    const [a, b] = files[2]!.data.toString().trim().split('\n');
    expect(await codes(buildSnapshot({ sums: `${b}\n${a}\n` }))).toEqual([]);
  });

  it('a fresh Consul snapshot is valid and dated by its ID', async () => {
    const taken = new Date('2026-11-26T10:00:00.250Z');
    const r = await inspectBuffer(buildSnapshot({ format: 'consul', takenAt: taken }));
    expect(r).toMatchObject({
      valid: true,
      format: 'consul',
      takenAt: '2026-11-26T10:00:00.250Z',
      keys: { Register: 1, KVS: 1 },
    });
  });

  const cases: [string, () => Buffer, string][] = [
    [
      'wrong hash in SHA256SUMS',
      () => buildSnapshot({ sums: `${'0'.repeat(64)}  meta.json\n${'1'.repeat(64)}  state.bin\n` }),
      'HASH_MISMATCH',
    ],
    ['SHA256SUMS missing a file', () => buildSnapshot({ sums: `${'0'.repeat(64)}  meta.json\n` }), 'SUMS_MISSING_FILE'],
    ['SHA256SUMS malformed', () => buildSnapshot({ sums: 'not a sums file\n' }), 'SUMS_MALFORMED'],
    [
      'SHA256SUMS listing a file twice',
      () => buildSnapshot({ sums: `${'0'.repeat(64)}  meta.json\n${'0'.repeat(64)}  meta.json\n` }),
      'SUMS_MALFORMED',
    ],
    ['meta Size not the length of state.bin', () => buildSnapshot({ meta: { Size: 5 } }), 'SIZE_MISMATCH'],
    [
      'meta.json not JSON',
      () =>
        buildSnapshot({
          entries: (f) => f.map((e) => (e.name === 'meta.json' ? { ...e, data: Buffer.from('{nope') } : e)),
        }),
      'META_INVALID',
    ],
    ['meta.json of the wrong shape', () => buildSnapshot({ meta: { Index: 'x' } }), 'META_INVALID'],
    [
      'an extra entry',
      () => buildSnapshot({ entries: (f) => [...f, { name: 'nope', data: Buffer.from('x'), mtime: f[0]!.mtime }] }),
      'UNEXPECTED_ENTRY',
    ],
    [
      './meta.json instead of meta.json',
      () =>
        buildSnapshot({ entries: (f) => f.map((e) => (e.name === 'meta.json' ? { ...e, name: './meta.json' } : e)) }),
      'UNEXPECTED_ENTRY',
    ],
    ['a duplicate entry', () => buildSnapshot({ entries: (f) => [...f, f[0]!] }), 'DUPLICATE_ENTRY'],
    ['no state.bin', () => buildSnapshot({ entries: (f) => f.filter((e) => e.name !== 'state.bin') }), 'MISSING_ENTRY'],
    ['a Vault snapshot without SHA256SUMS.sealed', () => buildSnapshot({ sealed: null }), 'MISSING_ENTRY'],
    ['an empty SHA256SUMS.sealed', () => buildSnapshot({ sealed: Buffer.alloc(0) }), 'SEALED_SUMS_EMPTY'],
    [
      'entries with different times',
      () => buildSnapshot({ entries: (f) => f.map((e, i) => ({ ...e, mtime: (e.mtime ?? 0) + i })) }),
      'MTIME_MISMATCH',
    ],
    [
      'a Consul ID far from the tar time',
      () => buildSnapshot({ format: 'consul', meta: { ID: '2-42-1000000000000' } }),
      'TIME_MISMATCH',
    ],
    [
      'a directory entry',
      () => buildSnapshot({ entries: (f) => [...f, { name: 'dir/', data: Buffer.alloc(0), type: '5' }] }),
      'TAR_ENTRY_TYPE',
    ],
    [
      'a huge meta.json',
      () =>
        buildSnapshot({
          entries: (f) => f.map((e) => (e.name === 'meta.json' ? { ...e, data: Buffer.alloc(200_000, 0x20) } : e)),
        }),
      'ENTRY_TOO_LARGE',
    ],
    ['a huge SHA256SUMS', () => buildSnapshot({ sums: 'x'.repeat(100_000) }), 'ENTRY_TOO_LARGE'],
    ['a Vault state.bin cut inside an entry', () => buildSnapshot({ state: defaultCut() }), 'STATE_CORRUPT'],
    [
      'a Consul state.bin with an invalid msgpack byte',
      () => buildSnapshot({ format: 'consul', state: Buffer.concat([consulState(1, []), Buffer.from([0x00, 0xc1])]) }),
      'STATE_CORRUPT',
    ],
    [
      'bytes after the tar end marker',
      () => gzip(tar(snapshotFiles(), { trailing: Buffer.alloc(512) })),
      'TAR_TRAILING_DATA',
    ],
    ['no tar end marker', () => gzip(tar(snapshotFiles(), { endMarker: false })), 'TAR_NO_END_MARKER'],
    [
      'a tar header with a bad checksum',
      () =>
        gzip(
          Buffer.concat([
            Buffer.from(tarHeader({ name: 'meta.json', data: Buffer.alloc(0) }).fill(0x31, 148, 150)),
            Buffer.alloc(1024),
          ]),
        ),
      'TAR_HEADER_CHECKSUM',
    ],
    [
      'bytes after the gzip member',
      () => Buffer.concat([buildSnapshot(), Buffer.from('trailing')]),
      'GZIP_TRAILING_DATA',
    ],
    [
      'zero padding after the gzip member',
      () => Buffer.concat([buildSnapshot(), Buffer.alloc(16)]),
      'GZIP_TRAILING_DATA',
    ],
    ['a second gzip member', () => Buffer.concat([buildSnapshot(), gzipSync(Buffer.from('x'))]), 'GZIP_MULTI_MEMBER'],
    ['an uncompressed tar', () => tar(snapshotFiles()), 'NOT_GZIP'],
    ['an empty file', () => Buffer.alloc(0), 'EMPTY_FILE'],
    ['gzip header flags', () => withByte(buildSnapshot(), 3, 0x08), 'GZIP_HEADER'],
    ['a CRC that does not match', () => withTrailer(buildSnapshot(), 0, 1), 'GZIP_CRC_MISMATCH'],
    ['a length that does not match', () => withTrailer(buildSnapshot(), 4, 1), 'GZIP_SIZE_MISMATCH'],
    ['corrupt deflate data', () => corruptDeflate(), 'GZIP_CORRUPT'],
    ['a file cut in the middle', () => buildSnapshot().subarray(0, 300), 'GZIP_TRUNCATED'],
    [
      'a file cut in the trailer',
      () => {
        const b = buildSnapshot();
        return b.subarray(0, b.length - 3);
      },
      'GZIP_TRUNCATED',
    ],
  ];
  it.each(cases)('%s → %s', async (_, make, code) => {
    const r = await inspectBuffer(make());
    expect(r.valid).toBe(false);
    expect(r.problems.map((p) => p.code)).toContain(code);
    for (const p of r.problems) expect(p.message).toMatch(/^[A-Za-z0-9"./].*[.)]$/);
  });

  it('stops reading zeros dressed as state.bin at the first byte that cannot be a storage entry', async () => {
    const size = 2 * 1024 ** 3;
    const chunks = function* () {
      yield tarHeader({ name: 'state.bin', data: Buffer.alloc(0) }, size);
      const zeros = Buffer.alloc(1 << 24);
      for (let i = 0; i < size / zeros.length; i++) yield zeros;
    };
    const gz = Readable.from(chunks()).pipe(createGzip({ level: 1 }));
    const r = await inspectSnapshot(gz, { file: 'bomb.snap' });
    expect(r.problems.map((p) => p.code)).toEqual(['STATE_CORRUPT']);
  }, 60_000);

  it('stops a gzip bomb whose content is well formed, by its expansion', async () => {
    // One storage entry with a 1 GiB value of zeros: a valid walk, but 1000:1 compression.
    const value = 1024 ** 3;
    const key = Buffer.from('core/x');
    const prefix = Buffer.concat([Buffer.from([0x0a, key.length]), key, Buffer.from([0x12]), uvarint(value)]);
    const entry = Buffer.concat([uvarint(prefix.length + value), prefix]);
    const chunks = function* () {
      yield tarHeader({ name: 'state.bin', data: Buffer.alloc(0) }, entry.length + value);
      yield entry;
      const zeros = Buffer.alloc(1 << 24);
      for (let i = 0; i < value / zeros.length; i++) yield zeros;
    };
    const gz = Readable.from(chunks()).pipe(createGzip({ level: 9 }));
    const r = await inspectSnapshot(gz, { file: 'bomb.snap' });
    expect(r.problems.map((p) => p.code)).toContain('GZIP_BOMB');
  }, 60_000);
});

const defaultCut = (): Buffer => {
  const full = vaultState([['core/a', Buffer.alloc(40, 1)]]);
  return full.subarray(0, full.length - 5);
};
const withByte = (b: Buffer, at: number, value: number): Buffer => {
  const c = Buffer.from(b);
  c[at] = value;
  return c;
};
const withTrailer = (b: Buffer, offset: number, delta: number): Buffer => {
  const c = Buffer.from(b);
  const at = c.length - 8 + offset;
  c[at] = (c[at]! + delta) & 0xff;
  return c;
};
const corruptDeflate = (): Buffer => {
  const body = deflateRawSync(tar(snapshotFiles()));
  const bad = Buffer.from(body);
  bad[0] = 0xff; // reserved block type 3
  return Buffer.concat([buildSnapshot().subarray(0, 10), bad, Buffer.alloc(8)]);
};

describe('files that are not snapshots', () => {
  it('refuses a folder, a FIFO, a device and a symlink to a folder, without hanging', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'folder'));
    execFileSync('mkfifo', [path.join(dir, 'fifo')]);
    symlinkSync(path.join(dir, 'folder'), path.join(dir, 'link'));
    for (const f of ['folder', 'fifo', 'link']) {
      const r = await inspectSnapshot(path.join(dir, f));
      expect(r.problems.map((p) => p.code)).toEqual(['NOT_A_FILE']);
    }
    expect((await inspectSnapshot('/dev/null')).problems[0]?.message).toMatch(/a device/);
  });

  it('throws SnapshotReadError for a missing file', async () => {
    await expect(inspectSnapshot('/no/such/snapshot.snap')).rejects.toBeInstanceOf(SnapshotReadError);
  });

  it('reads file names with spaces and non-ASCII characters', async () => {
    const file = path.join(tmp(), 'sauvegarde du 26 novembre é.snap');
    writeFileSync(file, buildSnapshot());
    expect((await inspectSnapshot(file)).valid).toBe(true);
  });
});

/**
 * A changed byte must make the archive invalid, with one exception that no reader can see: deflate can encode the
 * same bytes in more than one way (a match into a run of zeros at another distance, say). Then the archive's
 * content is byte-for-byte what it was, so the snapshot Vault would restore is unchanged; only the whole-file
 * `sha256` tells the files apart, and it does.
 */
async function caughtOrIdentical(original: Buffer, changed: Buffer): Promise<'caught' | 'same-content'> {
  const r = await inspectBuffer(changed);
  if (!r.valid) return 'caught';
  expect(gunzipSync(changed).equals(gunzipSync(original)), 'a changed byte passed with different content').toBe(true);
  expect(r.sha256).not.toBe((await inspectBuffer(original)).sha256);
  return 'same-content';
}

describe('every single-byte change is caught', () => {
  const archive = buildSnapshot({ takenAt: new Date('2026-01-01T00:00:00Z') });
  it('truncation at any offset', async () => {
    for (let n = 0; n < archive.length; n++) {
      expect((await inspectBuffer(archive.subarray(0, n))).valid, `cut at ${n}`).toBe(false);
    }
  }, 60_000);

  it('a changed byte anywhere but the informational MTIME, XFL and OS', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: archive.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (at, delta) => {
          fc.pre(at < 4 || at > 9);
          const changed = Buffer.from(archive);
          changed[at] = (changed[at]! + delta) & 0xff;
          await caughtOrIdentical(archive, changed);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('three values of every byte of a small archive (exhaustive), nearly all caught outright', async () => {
    const small = buildSnapshot({ format: 'consul', takenAt: new Date('2026-01-01T00:00:00Z') });
    const tally = { caught: 0, 'same-content': 0 };
    for (let at = 0; at < small.length; at++) {
      if (at >= 4 && at <= 9) continue;
      for (const delta of [1, 0x80, 0xff]) {
        const changed = Buffer.from(small);
        changed[at] = (changed[at]! + delta) & 0xff;
        tally[await caughtOrIdentical(small, changed)]++;
      }
    }
    expect(tally.caught).toBeGreaterThan(1000);
    expect(tally['same-content']).toBeLessThan(tally.caught / 50);
  }, 120_000);
});

describe('large files', () => {
  it('hashes a file over 16 MiB on a worker thread, to the same SHA-256', async () => {
    const { randomBytes, createHash } = await import('node:crypto');
    const { vaultState: vs } = await import('../helpers/snapshot-writer.js');
    const entries: [string, Buffer][] = Array.from({ length: 4500 }, (_, i) => [
      `logical/x/${String(i).padStart(6, '0')}`,
      randomBytes(4096),
    ]);
    const file = path.join(tmp(), 'large.snap');
    const bytes = buildSnapshot({ state: vs(entries) });
    writeFileSync(file, bytes);
    expect(bytes.length).toBeGreaterThan(16 * 1024 * 1024);
    const r = await inspectSnapshot(file);
    expect(r.valid).toBe(true);
    expect(r.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(r.keys).toEqual({ logical: 4500 });
  });
});
