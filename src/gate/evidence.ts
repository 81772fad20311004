import { stat } from 'node:fs/promises';
import path from 'node:path';
import { findSnapshots } from '../snapshot/find.js';
import { folderFiles } from '../snapshot/unmatched.js';
import { peekTakenAt } from '../snapshot/peek.js';
import { inspectSnapshot, SnapshotReadError } from '../snapshot/inspect.js';
import type { SnapshotInspection } from '../snapshot/schema.js';
import { readSidecar, sidecarPath } from '../vault/sidecar.js';
import { whyRefused, type SidecarEvidence } from './refusal.js';
import { RejectionCodeSchema } from './codes.js';
import { warning } from './findings.js';
import { readSources, refusalsOf, sourceContext } from './source-evidence.js';
import { readAutoSnapshotObject } from './auto-snapshot-object.js';
import type { ClusterFacts, Rejected, Warning } from './schema.js';
import type { Shared, Target } from './targets.js';

/** Paths under the working folder are shown relative to it; others as they are. */
export const show = (p: string, cwd: string): string => (p.startsWith(cwd + path.sep) ? path.relative(cwd, p) : p);

/** Backups can hold secrets (the storage docs say so): a snapshot or folder readable by others is worth a warning. */
async function permissionWarnings(files: readonly string[], dir: string | null, cwd: string): Promise<Warning[]> {
  const out: Warning[] = [];
  const readable: string[] = [];
  for (const f of files) {
    const info = await stat(path.resolve(cwd, f)).catch(() => null);
    if (info && (info.mode & 0o004) !== 0) readable.push(`${f} (mode ${(info.mode & 0o777).toString(8)})`);
  }
  if (readable.length) {
    const shown = readable.slice(0, 5).join(', ') + (readable.length > 5 ? ` and ${readable.length - 5} more` : '');
    const reason = `Snapshots readable by every user on this machine: ${shown}. Backups can hold secrets: chmod 600 them.`;
    out.push(warning('SNAPSHOT_READABLE_BY_OTHERS', reason));
  }
  if (dir) {
    const info = await stat(dir).catch(() => null);
    if (info && (info.mode & 0o005) !== 0) {
      const folder = `The snapshot folder ${show(dir, cwd)} (mode ${(info.mode & 0o777).toString(8)})`;
      const reason = `${folder} can be listed or entered by every user. Backups can hold secrets: chmod 700 it.`;
      out.push(warning('FOLDER_OPEN_TO_OTHERS', reason));
    }
  }
  return out;
}

/**
 * Candidates found and verified for one cluster (or for the check without one). Verifying costs a read of each
 * file, so they are verified newest first (by the time each says in its first bytes) and the search stops at the
 * first one that can be the evidence: older ones could not be fresher. Files named with --snapshot are always read.
 */
export async function collectEvidence(
  target: Target,
  shared: Shared,
  cluster: ClusterFacts | null,
): Promise<Collected> {
  const { options, cwd, now, policy } = shared;
  const snapshots: SnapshotInspection[] = [];
  const sidecars: Record<string, SidecarEvidence> = {};
  const rejected: Rejected[] = [];
  const warnings: Warning[] = [];
  const named = new Set((options.snapshots ?? []).map((f) => path.resolve(cwd, f)));
  const found: string[] = [];
  if (target.dir) {
    const info = await stat(target.dir).catch(() => null);
    if (!info?.isDirectory()) {
      const reason = `The snapshot folder ${target.dir} (snapshots.dir) does not exist.`;
      warnings.push(warning('SNAPSHOT_DIR_MISSING', reason));
    } else {
      const result = await findSnapshots(target.dir, target.pattern);
      const archives = new Set(result.files);
      // A sidecar (FILE.json beside FILE) is never a candidate itself, whatever the pattern matches.
      const isSidecar = async (f: string) => {
        const archive = f.slice(0, -'.json'.length);
        return f.endsWith('.json') && (archives.has(archive) || (await stat(archive).catch(() => null)) !== null);
      };
      for (const f of result.files) if (!named.has(f) && !(await isSidecar(f))) found.push(f);
      // find's codes are its own strings: parsed, so a new one fails loudly here rather than passing unlisted.
      for (const { file, code, reason } of result.skipped) {
        rejected.push({ file, code: RejectionCodeSchema.parse(code), reason });
      }
      if (result.files.length === 0 && result.skipped.length === 0) {
        // The folder as the user wrote it on the command line, else as found (relative to here when inside).
        const given = options.snapshotDir;
        const asGiven = given !== undefined && path.resolve(cwd, given) === target.dir ? given : show(target.dir, cwd);
        warnings.push(await nothingMatched(target.dir, target.pattern, asGiven));
      }
    }
  }
  const hints = new Map(await Promise.all(found.map(async (f) => [f, await peekTakenAt(f)] as const)));
  const ordered = [...named, ...found.sort((a, b) => (hints.get(b) ?? -Infinity) - (hints.get(a) ?? -Infinity))];
  const nowMs = Date.parse(now);
  let accepted = false;
  for (const file of ordered) {
    if (accepted && !named.has(file)) continue;
    let inspected: SnapshotInspection;
    try {
      const progress = options.onProgress ? { onProgress: (b: number) => options.onProgress?.(file, b) } : {};
      inspected = await inspectSnapshot(file, { file: show(file, cwd), ...progress });
    } catch (error) {
      if (!(error instanceof SnapshotReadError)) throw error;
      // A file named on the command line must exist; one that vanished from a folder is just not evidence.
      if (named.has(file)) throw error;
      rejected.push({ file: show(file, cwd), code: 'UNREADABLE', reason: error.message });
      continue;
    }
    // A file named on the command line that is a folder (or a FIFO): the same usage error as a missing one.
    const notAFile = inspected.problems.find((p) => p.code === 'NOT_A_FILE');
    if (named.has(file) && notAFile) throw new SnapshotReadError(notAFile.reason, 'NOT_A_FILE');
    snapshots.push(inspected);
    const sidecar = await sidecarFor(file, inspected.file);
    if (sidecar) sidecars[inspected.file] = sidecar;
    const { clockSkewMs: skewMs, maxIndexLag } = policy;
    const ctx = { now: nowMs, skewMs, maxIndexLag, cluster, sidecar: sidecar ?? null };
    if (!named.has(file) && whyRefused(inspected, ctx) === null) {
      accepted = true;
    }
  }
  let candidates = ordered.length;
  if (target.sources.length) {
    const remote = await readSources(target.sources, sourceContext(shared, cluster, target.pattern));
    for (const c of remote) snapshots.push(...c.snapshots);
    rejected.push(...refusalsOf(remote));
    candidates += remote.reduce((n, c) => n + c.candidates, 0);
  }
  const auto = await readAutoSnapshotObject(cluster, target, shared, snapshots);
  if (auto.snapshot && !snapshots.includes(auto.snapshot)) snapshots.push(auto.snapshot);
  if (auto.rejected) rejected.push(auto.rejected);
  const valid = snapshots.filter((s) => s.valid && !s.file.includes('://')).map((s) => s.file);
  for (const w of await permissionWarnings(valid, target.dir, cwd)) warnings.push(w);
  return { snapshots, sidecars, rejected, warnings, candidates, autoSnapshotFetched: auto.fetched };
}

/** "0 files matched PATTERN in DIR (N files there)", naming a few that did not match. */
async function nothingMatched(dir: string, pattern: string, shown: string): Promise<Warning> {
  const { count, sample } = await folderFiles(dir);
  const there = `${count} files there`;
  const names = sample.length ? `; not matching: ${sample.join(', ')}${count > sample.length ? ', ...' : ''}` : '';
  const fix = count ? ' Name the snapshots to match, or set --pattern (snapshots.pattern).' : '';
  return warning('NOTHING_MATCHED', `0 files matched ${pattern} in ${shown} (${there})${names}.${fix}`);
}

export interface Collected {
  /** The automated snapshot's stored object was read: its verdict stands, not the status's word. */
  autoSnapshotFetched?: boolean;
  /** Files and objects that matched (each verified only until one was accepted). */
  candidates?: number;
  snapshots: SnapshotInspection[];
  sidecars: Record<string, SidecarEvidence>;
  rejected: Rejected[];
  warnings: Warning[];
}

/** The sidecar beside `file` (absolute), named as `shown` is; undefined when there is none (not a failure). */
export async function sidecarFor(file: string, shown: string): Promise<SidecarEvidence | undefined> {
  const read = await readSidecar(file);
  const name = sidecarPath(shown);
  if (read.status === 'ok') return { status: 'ok', file: name, sidecar: read.sidecar };
  if (read.status === 'invalid') return { status: 'invalid', file: name, reason: read.reason };
  return undefined;
}
