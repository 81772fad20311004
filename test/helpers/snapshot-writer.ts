import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/**
 * A test-only writer of snapshot archives laid out as hashicorp/raft-snapshot writes them (archive.go): USTAR
 * entries meta.json, state.bin, SHA256SUMS (and SHA256SUMS.sealed for Vault), mode 0600, one mtime, a 1024-byte
 * end marker and no record padding, in one gzip member. Every part can be overridden to make a defect.
 */

export interface TarFile {
  name: string;
  data: Buffer;
  mtime?: number;
  mode?: number;
  type?: string;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

export function tarHeader(file: TarFile, size = file.data.length): Buffer {
  const h = Buffer.alloc(512);
  h.write(file.name, 0, 100, 'utf8');
  h.write(octal(file.mode ?? 0o600, 8), 100, 'latin1');
  h.write(octal(0, 8), 108, 'latin1');
  h.write(octal(0, 8), 116, 'latin1');
  h.write(octal(size, 12), 124, 'latin1');
  h.write(octal(file.mtime ?? 0, 12), 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write(file.type ?? '0', 156, 'latin1');
  h.write('ustar\u000000', 257, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

export function tar(files: TarFile[], options: { endMarker?: boolean; trailing?: Buffer } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const f of files) {
    parts.push(tarHeader(f), f.data);
    const pad = (512 - (f.data.length % 512)) % 512;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  if (options.endMarker !== false) parts.push(Buffer.alloc(1024));
  if (options.trailing) parts.push(options.trailing);
  return Buffer.concat(parts);
}

/** Go's gzip.NewWriter output differs only in the informational header bytes (MTIME, XFL, OS). */
export const gzip = (data: Buffer): Buffer => gzipSync(data);

/** Go's binary.PutUvarint, and Vault's state.bin (uvarint-delimited protobuf StorageEntry{key=1, value=2}). */
import { uvarint, vaultState } from '../../src/snapshot/demo.js';

export { uvarint, vaultState };

/** Consul state.bin: msgpack {LastIndex: n}, then [type byte][msgpack value] records (here: small maps). */
export function consulState(lastIndex: number, records: [type: number, key: string][]): Buffer {
  const str = (s: string) => Buffer.concat([Buffer.from([0xa0 | s.length]), Buffer.from(s)]);
  const parts: Buffer[] = [Buffer.from([0x81]), str('LastIndex'), Buffer.from([0xcf]), Buffer.alloc(8)];
  parts[3]!.writeBigUInt64BE(BigInt(lastIndex));
  for (const [type, key] of records) parts.push(Buffer.from([type, 0x81]), str('Key'), str(key));
  return Buffer.concat(parts);
}

export interface SnapshotSpec {
  format?: 'vault' | 'consul';
  takenAt?: Date;
  index?: number;
  term?: number;
  servers?: { id: string; address: string }[];
  state?: Buffer;
  meta?: Record<string, unknown>;
  /** Replace the SHA256SUMS text. */
  sums?: string;
  sealed?: Buffer | null;
  /** Change the entry list before it is written (reorder, drop, add, alter). */
  entries?: (files: TarFile[]) => TarFile[];
}

export const defaultVaultState = (): Buffer =>
  vaultState([
    ['core/keyring', Buffer.from([0, 0, 0, 1, 2, 9, 9, 9])],
    ['core/seal-config', Buffer.from('{"type":"shamir","secret_shares":1,"secret_threshold":1}')],
    ['core/versions/1.16.2', Buffer.from([0, 0, 0, 1, 2, 7])],
    ['core/versions/1.17.0', Buffer.from([0, 0, 0, 1, 2, 8])],
    ['logical/abc/secret', Buffer.from([0, 0, 0, 1, 2, 1])],
    ['sys/token/id/h123', Buffer.from([0, 0, 0, 1, 2, 3])],
  ]);

export function snapshotFiles(spec: SnapshotSpec = {}): TarFile[] {
  const format = spec.format ?? 'vault';
  const taken = spec.takenAt ?? new Date();
  const mtime = Math.round(taken.getTime() / 1000);
  const state =
    spec.state ??
    (format === 'vault'
      ? defaultVaultState()
      : consulState(spec.index ?? 42, [
          [0, 'node'],
          [2, 'vault/core/x'],
        ]));
  const servers = spec.servers ?? [{ id: 'vault-0', address: 'vault-0:8201' }];
  const meta = {
    Version: 1,
    ID: format === 'vault' ? 'bolt-snapshot' : `${spec.term ?? 2}-${spec.index ?? 42}-${taken.getTime()}`,
    Index: spec.index ?? 42,
    Term: spec.term ?? 2,
    Peers: null,
    Configuration: { Servers: servers.map((s) => ({ Suffrage: 0, ID: s.id, Address: s.address })) },
    ConfigurationIndex: spec.index ?? 42,
    Size: state.length,
    ...spec.meta,
  };
  const metaBytes = Buffer.from(`${JSON.stringify(meta)}\n`);
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const sums = Buffer.from(spec.sums ?? `${sha(metaBytes)}  meta.json\n${sha(state)}  state.bin\n`);
  const files: TarFile[] = [
    { name: 'meta.json', data: metaBytes, mtime },
    { name: 'state.bin', data: state, mtime },
    { name: 'SHA256SUMS', data: sums, mtime },
  ];
  const sealed =
    spec.sealed === undefined
      ? format === 'vault'
        ? Buffer.concat([Buffer.from([0x0a, 0xb4, 0x01]), Buffer.alloc(180, 7), Buffer.from([0x2a, 0x00])])
        : null
      : spec.sealed;
  if (sealed) files.push({ name: 'SHA256SUMS.sealed', data: sealed, mtime });
  return spec.entries ? spec.entries(files) : files;
}

export const buildSnapshot = (spec: SnapshotSpec = {}): Buffer => gzip(tar(snapshotFiles(spec)));
