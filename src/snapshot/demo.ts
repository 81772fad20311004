import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/**
 * A demo snapshot: a Vault raft snapshot archive laid out as hashicorp/raft-snapshot writes it (meta.json,
 * state.bin, SHA256SUMS, SHA256SUMS.sealed; mode 0600, one mtime, in one gzip member), taken at `now`, so that
 * the gate can be tried without a Vault (`snapshot demo`, `npm run demo`). It holds no data: its one raft server
 * is named DEMO_SERVER_ID, which the gate recognises (a DEMO_SNAPSHOT warning, a no-go under --strict), and whose
 * address no live cluster has (`check --vault` refuses it as another cluster).
 */
export const DEMO_SERVER_ID = 'vault-change-gate-demo';
const DEMO_ADDRESS = 'demo.invalid:8201';

/** Whether an inspected snapshot is one `buildDemoSnapshot` made. */
export const isDemoSnapshot = (s: { readonly servers: readonly { readonly id: string }[] }): boolean =>
  s.servers.some((server) => server.id === DEMO_SERVER_ID);

const octal = (value: number, width: number): string => `${value.toString(8).padStart(width - 1, '0')}\0`;

/** One USTAR header of a regular file, as Go's archive/tar writes it for raft-snapshot. */
function header(name: string, size: number, mtime: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(0o600, 8), 100, 'latin1');
  h.write(octal(0, 8), 108, 'latin1');
  h.write(octal(0, 8), 116, 'latin1');
  h.write(octal(size, 12), 124, 'latin1');
  h.write(octal(mtime, 12), 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write('0', 156, 'latin1');
  h.write('ustar\u000000', 257, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

/** Go's binary.PutUvarint. */
export const uvarint = (n: number): Buffer => {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 0x80)) out.push((n % 0x80) | 0x80);
  out.push(n);
  return Buffer.from(out);
};

/** Vault's state.bin: uvarint-delimited protobuf StorageEntry{key=1, value=2}, keys in increasing order. */
export function vaultState(entries: readonly [string, Buffer][]): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of entries) {
    const k = Buffer.from(key, 'utf8');
    const message = Buffer.concat([
      Buffer.from([0x0a]),
      uvarint(k.length),
      k,
      Buffer.from([0x12]),
      uvarint(value.length),
      value,
    ]);
    parts.push(uvarint(message.length), message);
  }
  return Buffer.concat(parts);
}

/** The archive's bytes, taken at `now`. */
export function buildDemoSnapshot(now: Date = new Date(), index = 42): Buffer {
  const mtime = Math.floor(now.getTime() / 1000);
  const body = vaultState([
    ['core/seal-config', Buffer.from('{"type":"shamir","secret_shares":1,"secret_threshold":1}')],
    ['core/versions/1.17.0', Buffer.from([0, 0, 0, 1, 2, 8])],
  ]);
  const meta = {
    Version: 1,
    ID: 'bolt-snapshot',
    Index: index,
    Term: 2,
    Peers: null,
    Configuration: { Servers: [{ Suffrage: 0, ID: DEMO_SERVER_ID, Address: DEMO_ADDRESS }] },
    ConfigurationIndex: index,
    Size: body.length,
  };
  const metaBytes = Buffer.from(`${JSON.stringify(meta)}\n`);
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const sums = Buffer.from(`${sha(metaBytes)}  meta.json\n${sha(body)}  state.bin\n`);
  // Not sealed by any real seal (there is none): non-empty, as Vault writes it, and only Vault could open it anyway.
  const sealed = Buffer.concat([Buffer.from([0x0a, 0x20]), Buffer.from(sha(sums), 'hex')]);
  const files: [string, Buffer][] = [
    ['meta.json', metaBytes],
    ['state.bin', body],
    ['SHA256SUMS', sums],
    ['SHA256SUMS.sealed', sealed],
  ];
  const parts: Buffer[] = [];
  for (const [name, data] of files) {
    parts.push(header(name, data.length, mtime), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts));
}
