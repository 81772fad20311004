import { compareVersions, parseVersion } from '../classify/version.js';
import { SmallEntry, StateEntry } from './entries.js';
import type { Report } from './gzip.js';
import {
  SnapshotMetaSchema,
  type RaftServer,
  type SealShares,
  type SnapshotInspection,
  type SnapshotMeta,
} from './schema.js';
import { parseSums } from './sums.js';
import type { TarEntry } from './tar.js';

/**
 * The checks made once the archive has been read, one per entry as Vault's inspector switches on the entry name
 * (meta.json, state.bin, which entries, SHA256SUMS, the time). Each fills its fields of the inspection and reports
 * its problems; they run in a fixed order, which is the order of the problems and notes in the result.
 */

export const META = 'meta.json';
export const STATE = 'state.bin';
export const SUMS = 'SHA256SUMS';
export const SEALED = 'SHA256SUMS.sealed';

/** An entry too large to be what it claims: its data was skipped. */
export const TOO_LARGE = Symbol('too large');

/** What reading the archive left behind: the inputs of the checks. */
export interface ReadArchive {
  /** Every expected entry seen, in archive order (unexpected and duplicate ones are not kept). */
  readonly entries: ReadonlyMap<string, TarEntry>;
  /** The small entries (meta.json, SHA256SUMS, SHA256SUMS.sealed), or TOO_LARGE. */
  readonly small: ReadonlyMap<string, SmallEntry | typeof TOO_LARGE>;
  readonly state: StateEntry | null;
  /** Whether the archive was read to its end: only then does a missing entry mean it is missing. */
  readonly readToEnd: boolean;
}

const SUFFRAGE: Record<number, RaftServer['suffrage']> = { 0: 'voter', 1: 'nonvoter', 2: 'staging' };
const CONSUL_ID = /^(\d+)-(\d+)-(\d+)$/;

/** Runs every check in order, on an inspection that already holds the file's own facts (name, bytes, sha256). */
export function checkArchive(archive: ReadArchive, out: SnapshotInspection, report: Report): void {
  const meta = checkMeta(archive, out, report);
  checkState(archive, meta, out, report);
  checkEntries(archive, meta, out, report);
  checkSums(archive, report);
  checkTime(archive, meta, out, report);
  if (out.format === 'vault') {
    out.notes.push(
      "SHA256SUMS.sealed cannot be checked offline: it is sealed with the cluster's unseal or KMS key, " +
        'and Vault checks it on restore.',
    );
  }
}

/** meta.json: raft's SnapshotMeta, whose fields the inspection shows. */
function checkMeta(archive: ReadArchive, out: SnapshotInspection, report: Report): SnapshotMeta | null {
  const entry = archive.small.get(META);
  if (!(entry instanceof SmallEntry && entry.done)) return null;
  let meta: SnapshotMeta;
  try {
    const parsed = SnapshotMetaSchema.safeParse(JSON.parse(entry.bytes().toString('utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.') || 'value'}: ${issue.message}` : 'wrong shape';
      report('META_INVALID', `meta.json does not have the fields of raft's SnapshotMeta (${where}).`);
      return null;
    }
    meta = parsed.data;
  } catch {
    report('META_INVALID', 'meta.json is not valid JSON.');
    return null;
  }
  out.id = meta.ID;
  out.index = meta.Index;
  out.term = meta.Term;
  out.version = meta.Version;
  out.size = meta.Size;
  out.servers = (meta.Configuration?.Servers ?? []).map((s) => ({
    id: s.ID,
    address: s.Address,
    suffrage: SUFFRAGE[s.Suffrage] ?? 'unknown',
  }));
  return meta;
}

/** state.bin: its format, a clean walk, the length meta.json gives, and what the walk learnt. */
function checkState(archive: ReadArchive, meta: SnapshotMeta | null, out: SnapshotInspection, report: Report): void {
  const st = archive.state;
  // Judged only once it has ended, or once its walk has failed (the read then stopped early).
  if (!st || !(st.done || st.walker()?.error)) return;
  out.format = st.format;
  const walkError = st.walkError();
  if (walkError) report('STATE_CORRUPT', `state.bin does not walk cleanly: ${walkError}.`);
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
      const seal = readSealConfig(s.sealConfig);
      if (seal) {
        const recovery = s.recoveryConfig ? readSealConfig(s.recoveryConfig) : null;
        out.seal = { ...seal, recovery };
        out.sealType = seal.type;
      } else out.notes.push('core/seal-config is not readable JSON, so the seal type is unknown.');
    }
  } else if (st.consul) out.keys = st.consul.summary().types;
}

const count = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);

/** Vault's SealConfig JSON (type, secret_shares, secret_threshold, stored_shares); null when not an object. */
function readSealConfig(text: string): SealShares | null {
  try {
    const c = JSON.parse(text) as Record<string, unknown> | null;
    if (!c || typeof c !== 'object' || Array.isArray(c)) return null;
    return {
      type: typeof c.type === 'string' ? c.type : null,
      shares: count(c.secret_shares),
      threshold: count(c.secret_threshold),
      storedShares: count(c.stored_shares),
    };
  } catch {
    return null;
  }
}

/** Which entries: all of meta.json, state.bin and SHA256SUMS, and a non-empty SHA256SUMS.sealed only in Vault's. */
function checkEntries(archive: ReadArchive, meta: SnapshotMeta | null, out: SnapshotInspection, report: Report): void {
  const { entries, readToEnd } = archive;
  const sealedPresent = entries.has(SEALED);
  if (readToEnd) {
    for (const name of [META, STATE, SUMS]) {
      if (!entries.has(name)) report('MISSING_ENTRY', `The archive has no ${name}.`);
    }
  }
  // The format is state.bin's own when it was read; otherwise what the other entries suggest.
  const vaultLike = sealedPresent || meta?.ID === 'bolt-snapshot';
  const suggested = vaultLike ? 'vault' : meta && CONSUL_ID.test(meta.ID) ? 'consul' : null;
  const format = out.format ?? suggested;
  out.format = format;
  if (readToEnd && format === 'vault' && !sealedPresent && entries.has(STATE)) {
    report(
      'MISSING_ENTRY',
      'The archive has no SHA256SUMS.sealed, which every Vault snapshot has last: the download was probably cut ' +
        "short (Vault's own client calls this an incomplete snapshot).",
    );
  }
  const sealed = archive.small.get(SEALED);
  if (sealed instanceof SmallEntry && sealed.done && sealed.bytes().length === 0) {
    report('SEALED_SUMS_EMPTY', 'SHA256SUMS.sealed is empty: the snapshot is incomplete.');
  }
  if (format === 'consul' && sealedPresent) {
    const why = 'state.bin is a Consul snapshot but the archive holds SHA256SUMS.sealed, which only Vault writes.';
    report('FORMAT_MISMATCH', why);
  }
  if (format === 'vault' && meta && CONSUL_ID.test(meta.ID) && archive.state?.format === 'vault') {
    out.notes.push(`The snapshot ID ${meta.ID} has Consul's form, not Vault's "bolt-snapshot".`);
  }
}

/** SHA256SUMS: lists exactly meta.json and state.bin, and both hashes match what was read. */
function checkSums(archive: ReadArchive, report: Report): void {
  const entry = archive.small.get(SUMS);
  if (!(entry instanceof SmallEntry && entry.done)) return;
  const parsed = parseSums(entry.bytes().toString('utf8'));
  if (!parsed.ok) {
    report('SUMS_MALFORMED', `SHA256SUMS is malformed: ${parsed.problem}.`);
    return;
  }
  for (const name of parsed.sums.keys()) {
    if (name !== META && name !== STATE) {
      report('SUMS_UNEXPECTED_FILE', `SHA256SUMS lists ${JSON.stringify(name)}, which a snapshot does not have.`);
    }
  }
  for (const name of [META, STATE]) {
    const want = parsed.sums.get(name);
    if (want === undefined) {
      report('SUMS_MISSING_FILE', `SHA256SUMS does not list ${name}.`);
      continue;
    }
    const sink = name === META ? archive.small.get(META) : archive.state;
    if (!(sink instanceof SmallEntry || sink instanceof StateEntry) || !sink.done) continue;
    if (sink.hash.digest('hex') !== want) {
      report('HASH_MISMATCH', `The SHA-256 of ${name} does not match SHA256SUMS: the file is corrupt or altered.`);
    }
  }
}

/** When it was taken: the archive's own times, never the file's; for Consul, the ID's milliseconds agree. */
function checkTime(archive: ReadArchive, meta: SnapshotMeta | null, out: SnapshotInspection, report: Report): void {
  const times = [...archive.entries.values()].map((e) => e.mtime);
  const first = times[0];
  if (first === undefined) return;
  if (times.some((t) => t !== first)) {
    report('MTIME_MISMATCH', 'The archive entries carry different times; raft-snapshot stamps them all with one.');
  }
  const consulId = meta ? CONSUL_ID.exec(meta.ID) : null;
  if (out.format === 'consul' && consulId) {
    const ms = Number(consulId[3]);
    out.takenAt = new Date(ms).toISOString();
    if (Math.abs(ms - first * 1000) > 1000) {
      const archiveSays = new Date(first * 1000).toISOString();
      report('TIME_MISMATCH', `The snapshot ID says ${out.takenAt} but the archive says ${archiveSays}.`);
    }
  } else out.takenAt = new Date(first * 1000).toISOString();
}
