/**
 * Walks a Consul state.bin as it streams: a msgpack header `{LastIndex}`, then records of one message-type byte
 * and one msgpack value each, to the end (agent/consul/fsm/fsm.go ReadSnapshot). Everything is plaintext; the
 * walk checks the structure and counts records per type, as `consul snapshot inspect` does, without keeping them.
 */

/** structs.MessageType names, as consul snapshot inspect prints them (agent/structs/structs.go). */
const TYPE_NAMES: Record<number, string> = {
  0: 'Register',
  1: 'Deregister',
  2: 'KVS',
  3: 'Session',
  5: 'Tombstone',
  6: 'CoordinateBatchUpdate',
  7: 'PreparedQuery',
  8: 'Txn',
  9: 'Autopilot',
  10: 'Area',
  11: 'ACLBootstrap',
  12: 'Intention',
  13: 'ConnectCA',
  14: 'ConnectCAProviderState',
  15: 'ConnectCAConfig',
  16: 'Index',
  17: 'ACLTokenSet',
  18: 'ACLTokenDelete',
  19: 'ACLPolicySet',
  20: 'ACLPolicyDelete',
  21: 'ConnectCALeafRequest',
  22: 'ConfigEntry',
  23: 'ACLRoleSet',
  24: 'ACLRoleDelete',
  25: 'ACLBindingRuleSet',
  26: 'ACLBindingRuleDelete',
  27: 'ACLAuthMethodSet',
  28: 'ACLAuthMethodDelete',
  29: 'ChunkingState',
  30: 'FederationState',
  31: 'SystemMetadata',
};

const IGNORE_UNKNOWN_FLAG = 128;
const MAX_DEPTH = 256;

/** Bytes a msgpack value header needs after its first byte, and what follows: a count of values or raw bytes. */
function headerSize(first: number): number {
  if (first <= 0xbf || first >= 0xe0) return 0;
  switch (first) {
    case 0xc4:
    case 0xd9:
    case 0xcc:
    case 0xd0:
      return 1;
    case 0xc5:
    case 0xda:
    case 0xcd:
    case 0xd1:
    case 0xdc:
    case 0xde:
      return 2;
    case 0xc6:
    case 0xdb:
    case 0xce:
    case 0xd2:
    case 0xca:
    case 0xdd:
    case 0xdf:
      return 4;
    case 0xcf:
    case 0xd3:
    case 0xcb:
      return 8;
    case 0xc7:
      return 2;
    case 0xc8:
      return 3;
    case 0xc9:
      return 5;
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8:
      return 1;
    case 0xc0:
    case 0xc2:
    case 0xc3:
      return 0;
    default:
      return -1; // 0xc1 is never used
  }
}

export interface ConsulStateSummary {
  readonly records: number;
  readonly types: Record<string, number>;
}

export class ConsulStateWalker {
  /** Values still to read at each nesting level. */
  private stack: number[] = [];
  private header = Buffer.alloc(9);
  private headerFill = 0;
  private headerNeed = -1;
  private skip = 0;
  private expectType = false;
  private seenHeader = false;
  private records = 0;
  private readonly counts = new Map<string, number>();
  private problem: string | null = null;
  private consumed = 0;

  get error(): string | null {
    return this.problem;
  }

  write(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.problem) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - at);
        this.skip -= n;
        at += n;
        this.consumed += n;
        if (this.skip === 0) this.valueDone();
        continue;
      }
      const b = chunk[at++] as number;
      this.consumed++;
      if (this.stack.length === 0) {
        // Between values: the header map first, then a type byte before each record.
        if (!this.seenHeader) {
          this.seenHeader = true;
          this.stack.push(1);
          at--;
          this.consumed--;
          continue;
        }
        if (!this.expectType) {
          const type = b & ~IGNORE_UNKNOWN_FLAG;
          const name = TYPE_NAMES[type] ?? `Unknown(${type})`;
          this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
          this.records++;
          this.expectType = true;
          this.stack.push(1);
          continue;
        }
      }
      this.headerByte(b);
    }
  }

  end(): string | null {
    if (this.problem) return this.problem;
    if (!this.seenHeader) return 'state.bin is empty';
    if (this.stack.length > 0 || this.skip > 0 || this.headerNeed !== -1)
      return 'state.bin ends in the middle of a record';
    return null;
  }

  summary(): ConsulStateSummary {
    const types: Record<string, number> = {};
    for (const [k, v] of [...this.counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) types[k] = v;
    return { records: this.records, types };
  }

  private headerByte(b: number): void {
    if (this.headerNeed === -1) {
      const need = headerSize(b);
      if (need < 0) return this.fail(`byte 0x${b.toString(16)} is not valid msgpack`);
      this.header[0] = b;
      this.headerFill = 1;
      this.headerNeed = need;
    } else this.header[this.headerFill++] = b;
    if (this.headerFill <= this.headerNeed) return;
    const first = this.header[0] as number;
    const h = this.header;
    this.headerNeed = -1;
    let count = 0;
    let raw = 0;
    if (first >= 0x80 && first <= 0x8f) count = 2 * (first & 0x0f);
    else if (first >= 0x90 && first <= 0x9f) count = first & 0x0f;
    else if (first >= 0xa0 && first <= 0xbf) raw = first & 0x1f;
    else if (first === 0xc4 || first === 0xd9) raw = h[1] as number;
    else if (first === 0xc5 || first === 0xda) raw = h.readUInt16BE(1);
    else if (first === 0xc6 || first === 0xdb) raw = h.readUInt32BE(1);
    else if (first === 0xc7) raw = h[1] as number;
    else if (first === 0xc8) raw = h.readUInt16BE(1);
    else if (first === 0xc9) raw = h.readUInt32BE(1);
    else if (first >= 0xd4 && first <= 0xd8) raw = 2 ** (first - 0xd4);
    else if (first === 0xdc) count = h.readUInt16BE(1);
    else if (first === 0xdd) count = h.readUInt32BE(1);
    else if (first === 0xde) count = 2 * h.readUInt16BE(1);
    else if (first === 0xdf) count = 2 * h.readUInt32BE(1);
    if (count > 0) {
      if (this.stack.length >= MAX_DEPTH) return this.fail('values are nested deeper than a snapshot holds');
      this.stack.push(count);
      return;
    }
    if (raw > 0) {
      this.skip = raw;
      return;
    }
    this.valueDone();
  }

  /** One value is complete: count it against its container, closing the containers it completes. */
  private valueDone(): void {
    while (this.stack.length > 0) {
      const top = this.stack.length - 1;
      this.stack[top] = (this.stack[top] as number) - 1;
      if ((this.stack[top] as number) > 0) return;
      this.stack.pop();
    }
    this.expectType = false;
  }

  private fail(why: string): void {
    this.problem ??= `${why} (at byte ${this.consumed} of state.bin)`;
  }
}
