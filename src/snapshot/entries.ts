import { createHash, type Hash } from 'node:crypto';
import { ConsulStateWalker } from './consul-state.js';
import type { SnapshotFormat } from './schema.js';
import type { EntrySink } from './tar.js';
import { VaultStateWalker } from './vault-state.js';

/** Buffers a small entry, up to a cap. */
export class SmallEntry implements EntrySink {
  private parts: Buffer[] = [];
  private length = 0;
  readonly hash = createHash('sha256');
  done = false;
  data(chunk: Buffer): void {
    this.hash.update(chunk);
    this.parts.push(Buffer.from(chunk));
    this.length += chunk.length;
  }
  end(): void {
    this.done = true;
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts, this.length);
  }
}

/** Hashes state.bin and walks it; the format is told by its first bytes (Consul's starts with the msgpack map {LastIndex}). */
export class StateEntry implements EntrySink {
  readonly hash: Hash = createHash('sha256');
  length = 0;
  done = false;
  format: SnapshotFormat | null = null;
  vault: VaultStateWalker | null = null;
  consul: ConsulStateWalker | null = null;
  private head: Buffer[] = [];
  private headLength = 0;
  private readonly depth: number;
  constructor(depth: number) {
    this.depth = depth;
  }
  data(chunk: Buffer): void {
    this.hash.update(chunk);
    this.length += chunk.length;
    if (this.format === null) {
      this.head.push(Buffer.from(chunk));
      this.headLength += chunk.length;
      if (this.headLength < 11) return;
      this.decide(Buffer.concat(this.head));
      return;
    }
    (this.vault ?? this.consul)?.write(chunk);
  }
  end(): void {
    if (this.format === null && this.headLength > 0) this.decide(Buffer.concat(this.head));
    this.done = true;
  }
  private decide(head: Buffer): void {
    this.head = [];
    const consul = head[0] === 0x81 && head[1] === 0xa9 && head.toString('latin1', 2, 11) === 'LastIndex';
    this.format = consul ? 'consul' : 'vault';
    if (consul) this.consul = new ConsulStateWalker();
    else this.vault = new VaultStateWalker(this.depth);
    (this.vault ?? this.consul)?.write(head);
  }
  walker(): VaultStateWalker | ConsulStateWalker | null {
    return this.vault ?? this.consul;
  }
  walkError(): string | null {
    if (this.format === null)
      return this.length === 0 ? 'state.bin is empty' : 'state.bin is too short to hold any entry';
    return (this.vault ?? this.consul)?.end() ?? null;
  }
}
