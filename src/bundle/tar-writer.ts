/**
 * USTAR headers for the bundle's entries: regular files, names under 100 bytes (the writer chooses them), sizes in
 * the 11 octal digits USTAR allows (8 GiB), mode, owner and time as given. The reader is the snapshot layer's.
 */

export const BLOCK = 512;
export const MAX_ENTRY_SIZE = 8 ** 11 - 1;

export interface TarHeaderFields {
  readonly name: string;
  readonly size: number;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: number;
  readonly user?: string;
}

const octal = (value: number, width: number): string => `${value.toString(8).padStart(width - 1, '0')}\0`;

export function tarHeader(f: TarHeaderFields): Buffer {
  if (Buffer.byteLength(f.name) > 100) throw new RangeError(`tar entry name too long: ${f.name}`);
  if (f.size > MAX_ENTRY_SIZE) throw new RangeError(`${f.name} is larger than a USTAR entry can hold`);
  const h = Buffer.alloc(BLOCK);
  h.write(f.name, 0, 100, 'utf8');
  h.write(octal(f.mode & 0o7777, 8), 100, 'latin1');
  // Ids beyond USTAR's 7 octal digits are written as 0: the manifest keeps the real ones.
  h.write(octal(f.uid <= 0o7777777 ? f.uid : 0, 8), 108, 'latin1');
  h.write(octal(f.gid <= 0o7777777 ? f.gid : 0, 8), 116, 'latin1');
  h.write(octal(f.size, 12), 124, 'latin1');
  h.write(octal(Math.max(0, Math.floor(f.mtime)), 12), 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write('0', 156, 'latin1');
  h.write('ustar\u000000', 257, 'latin1');
  if (f.user) h.write(f.user.slice(0, 31), 265, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

/** Zero bytes after an entry of `size` bytes, up to the next block. */
export const padding = (size: number): Buffer => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

/** The two zero blocks that end the archive. */
export const END_MARKER = Buffer.alloc(2 * BLOCK);
