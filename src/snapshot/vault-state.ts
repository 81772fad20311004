/**
 * Walks a Vault state.bin as it streams: uvarint-delimited protobuf `StorageEntry{key = 1; value = 2;
 * seal_wrap = 3}` messages (physical/raft/fsm.go writeTo). Keys are plaintext storage paths, so it can count them
 * by prefix, read the Vault versions that ran (`core/versions/<v>`) and the seal type (`core/seal-config` is
 * stored in plaintext). Values are skipped without being kept.
 */

const MAX_MESSAGE = 0x7fffffff; // the reader's limit on restore (math.MaxInt32)
const MAX_KEY = 64 * 1024;
const MAX_CAPTURE = 64 * 1024;
const SLASH = 0x2f;
const SEAL_CONFIG = Buffer.from('core/seal-config');
const RECOVERY_CONFIG = Buffer.from('core/recovery-config');
const VERSIONS = Buffer.from('core/versions/');

const S = { Length: 0, Tag: 1, FieldLength: 2, Bytes: 3, Varint: 4, Skip: 5 } as const;
type S = (typeof S)[keyof typeof S];

export interface VaultStateSummary {
  readonly entries: number;
  readonly keys: Record<string, number>;
  readonly versions: string[];
  readonly sealConfig: string | null;
  /** core/recovery-config (auto-unseal only), plaintext like the seal configuration. */
  readonly recoveryConfig: string | null;
}

export class VaultStateWalker {
  private state: S = S.Length;
  private varint = 0;
  private varintShift = 0;
  /** 2 ** varintShift, kept as a product: Math.pow per byte showed in profiles. */
  private varintScale = 1;
  private varintBytes = 0;
  private msgRemaining = 0;
  private field = 0;
  private bytesRemaining = 0;
  private collect: 'key' | 'value' | null = null;
  /** The key being read, allocated at its full length once its length is known, and how much of it has come. */
  private keyBuffer: Buffer | null = null;
  private keyFill = 0;
  private capture: Buffer[] = [];
  private captureLength = 0;
  private keyBytes: Buffer | null = null;
  private previousKey: Buffer | null = null;
  /** The previous key's count prefix: keys come sorted, so runs share it and need no string of their own. */
  private prefixLength = -1;
  private prefixCount: { n: number } | null = null;
  private sealConfig: string | null = null;
  private recoveryConfig: string | null = null;
  private captureKey: 'seal' | 'recovery' = 'seal';
  private entries = 0;
  private readonly counts = new Map<string, { n: number }>();
  private readonly versions: string[] = [];
  private problem: string | null = null;
  private consumed = 0;

  private readonly depth: number;
  constructor(depth = 1) {
    this.depth = depth;
  }

  get error(): string | null {
    return this.problem;
  }

  write(chunk: Buffer): void {
    if (this.problem) return;
    let at = 0;
    const n = chunk.length;
    while (at < n) {
      if (this.state === S.Bytes || this.state === S.Skip) {
        const take = Math.min(this.bytesRemaining, n - at);
        if (this.state === S.Bytes) this.take(chunk.subarray(at, at + take));
        at += take;
        this.consumed += take;
        this.bytesRemaining -= take;
        this.msgRemaining -= take;
        if (this.bytesRemaining === 0) this.endField();
        if (this.problem) return;
        continue;
      }
      // Varint states, one byte at a time.
      const b = chunk[at++] as number;
      this.consumed++;
      if (this.state !== S.Length) this.msgRemaining--;
      if (this.varintBytes === 10 || (this.varintShift >= 28 && this.state !== S.Varint && b > 0x7)) {
        return this.fail('a length is out of range');
      }
      this.varint += (b & 0x7f) * this.varintScale;
      this.varintShift += 7;
      this.varintScale *= 128;
      this.varintBytes++;
      if (b & 0x80) {
        if (this.state !== S.Length && this.msgRemaining <= 0)
          return this.fail('a field runs past the end of its entry');
        continue;
      }
      const value = this.varint;
      this.varint = 0;
      this.varintShift = 0;
      this.varintScale = 1;
      this.varintBytes = 0;
      this.onVarint(value);
      if (this.problem) return;
    }
  }

  /** Call when state.bin has ended; returns null or why the walk did not end cleanly. */
  end(): string | null {
    if (this.problem) return this.problem;
    if (this.state !== S.Length || this.varintBytes !== 0) return 'state.bin ends in the middle of a storage entry';
    return null;
  }

  summary(): VaultStateSummary {
    const keys: Record<string, number> = {};
    for (const [k, v] of [...this.counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) keys[k] = v.n;
    const { sealConfig, recoveryConfig } = this;
    return { entries: this.entries, keys, versions: [...this.versions], sealConfig, recoveryConfig };
  }

  private onVarint(value: number): void {
    switch (this.state) {
      case S.Length:
        if (value === 0) return this.fail('a storage entry is empty');
        if (value > MAX_MESSAGE) return this.fail('a storage entry is larger than Vault can restore');
        this.msgRemaining = value;
        this.keyBytes = null;
        this.state = S.Tag;
        return;
      case S.Tag: {
        this.field = Math.floor(value / 8);
        const wire = value & 7;
        if (this.field === 0) return this.fail('a storage entry has field number 0');
        if (wire === 0) this.state = S.Varint;
        else if (wire === 2) this.state = S.FieldLength;
        else if (wire === 1 || wire === 5) this.startSkip(wire === 1 ? 8 : 4);
        else return this.fail(`a storage entry uses protobuf wire type ${wire}`);
        this.checkBoundary();
        return;
      }
      case S.Varint:
        this.afterField();
        return;
      case S.FieldLength:
        if (value > this.msgRemaining) return this.fail('a field runs past the end of its entry');
        if (this.field === 1) {
          if (value > MAX_KEY) return this.fail('a storage key is implausibly long');
          this.collect = 'key';
          this.keyBuffer = Buffer.allocUnsafe(value);
          this.keyFill = 0;
        } else if (this.field === 2 && value <= MAX_CAPTURE && this.plaintextConfig()) {
          this.collect = 'value';
          this.capture = [];
          this.captureLength = 0;
        } else this.collect = null;
        this.bytesRemaining = value;
        if (value === 0) this.endField();
        else this.state = this.collect ? S.Bytes : S.Skip;
        return;
    }
  }

  /** Whether the entry's key is one of the two plaintext seal configurations; notes which, for endField. */
  private plaintextConfig(): boolean {
    const key = this.keyBytes;
    if (key === null || key[0] !== 0x63 /* c */) return false;
    if (key.equals(SEAL_CONFIG)) this.captureKey = 'seal';
    else if (key.equals(RECOVERY_CONFIG)) this.captureKey = 'recovery';
    else return false;
    return true;
  }

  private startSkip(n: number): void {
    if (n > this.msgRemaining) return this.fail('a field runs past the end of its entry');
    this.collect = null;
    this.bytesRemaining = n;
    this.state = S.Skip;
  }

  private take(part: Buffer): void {
    if (this.collect === 'key') {
      this.keyFill += part.copy(this.keyBuffer as Buffer, this.keyFill);
    } else if (this.collect === 'value') {
      this.capture.push(Buffer.from(part));
      this.captureLength += part.length;
    }
  }

  private endField(): void {
    if (this.collect === 'key') this.keyBytes = this.keyBuffer;
    else if (this.collect === 'value') {
      const text = Buffer.concat(this.capture, this.captureLength).toString('utf8');
      if (this.captureKey === 'seal') this.sealConfig = text;
      else this.recoveryConfig = text;
    }
    this.collect = null;
    this.afterField();
  }

  private afterField(): void {
    if (this.msgRemaining < 0) return this.fail('a field runs past the end of its entry');
    if (this.msgRemaining === 0) {
      this.finishEntry();
      this.state = S.Length;
    } else this.state = S.Tag;
  }

  private checkBoundary(): void {
    if (this.msgRemaining <= 0) this.fail('a field runs past the end of its entry');
  }

  private finishEntry(): void {
    const key = this.keyBytes;
    if (key === null) return this.fail('a storage entry has no key');
    const previous = this.previousKey;
    // Vault writes keys from a bolt cursor: strictly increasing byte order. Anything else was not written by Vault.
    if (previous !== null && Buffer.compare(previous, key) >= 0) {
      return this.fail(
        `storage keys are out of order or repeated at ${JSON.stringify(key.toString('utf8').slice(0, 80))}`,
      );
    }
    this.previousKey = key;
    this.entries++;
    this.count(key, previous);
    if (key.length >= VERSIONS.length && key.compare(VERSIONS, 0, VERSIONS.length, 0, VERSIONS.length) === 0) {
      this.versions.push(key.toString('utf8').slice(VERSIONS.length));
    }
  }

  /**
   * Counts the key under its first `depth` path segments. The prefix ends at an ASCII '/', so the bytes before it
   * decode to the same text whatever follows: a key whose prefix bytes equal the previous key's shares its count.
   */
  private count(key: Buffer, previous: Buffer | null): void {
    let end = key.length;
    for (let i = 0, slashes = 0; i < key.length; i++) {
      if (key[i] === SLASH && ++slashes === this.depth) {
        end = i;
        break;
      }
    }
    if (!(previous !== null && end === this.prefixLength && key.compare(previous, 0, end, 0, end) === 0)) {
      const prefix = key.toString('utf8', 0, end);
      let counter = this.counts.get(prefix);
      if (counter === undefined) this.counts.set(prefix, (counter = { n: 0 }));
      this.prefixCount = counter;
      this.prefixLength = end;
    }
    (this.prefixCount as { n: number }).n++;
  }

  private fail(why: string): void {
    this.problem ??= `${why} (at byte ${this.consumed} of state.bin)`;
  }
}
