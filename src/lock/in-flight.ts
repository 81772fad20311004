import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { formatDuration } from '../config/duration.js';
import { SEARCH_LIMITS } from '../snapshot/find.js';
import { LOCK_FILE_NAME } from './lock-file.js';

/**
 * Names of snapshots still being written, by the tools that write them:
 * - ours (`saveSnapshot`): `.FILE.<hex>.partial` and `.FILE.<hex>.json.partial`, renamed into place when verified;
 * - Consul's `consul snapshot save FILE` (command/snapshot/save): `FILE.unverified`, written through
 *   rboyer/safeio, whose temp file is `FILE.unverified.tmp<digits>` (ioutil.TempFile(dir, name + ".tmp"));
 * - a `.snap` under a safeio-style temporary name, `NAME.snap.tmp<digits>`;
 * - rsync copying a snapshot in: `.NAME.snap.XXXXXX` (receiver.c get_tmpname: a dot, the name, six mkstemp chars).
 * `vault operator raft snapshot save FILE` writes FILE itself (O_TRUNC, no temp name): only its growth shows it.
 */
const TEMP_NAMES: readonly { readonly re: RegExp; readonly by: string }[] = [
  { re: /\.partial$/, by: 'a snapshot save of this tool (*.partial)' },
  { re: /\.unverified$/, by: 'consul snapshot save (*.unverified, not yet verified)' },
  { re: /\.unverified\.tmp\d*$/, by: 'consul snapshot save (*.unverified.tmp*)' },
  { re: /\.snap\.tmp\d*$/, by: 'a snapshot written to a temporary file (*.snap.tmp*)' },
  { re: /^\..+\.snap\.[A-Za-z0-9]{6}$/, by: 'rsync copying a snapshot in (.NAME.snap.XXXXXX)' },
];

/** A snapshot that seems to be being written right now. */
export interface InFlight {
  /** Relative to the folder. */
  readonly file: string;
  readonly why: string;
  /** Not a file seen being written: a part of the folder that was not looked at, where one cannot be ruled out. */
  readonly uncertain?: true;
}

/** Size and modification time of a file, or null when it is gone. Injectable, so tests need no sleep. */
export type SizeProbe = (file: string) => Promise<{ size: number; mtimeMs: number } | null>;

export interface InFlightOptions {
  readonly probe?: SizeProbe;
  /** Our clock (ms since the epoch) and how to let time pass between two looks; injectable for tests. */
  readonly clock?: { readonly now: () => number; readonly wait: (ms: number) => Promise<void> };
  /** Only files modified this recently are looked at twice (default 10 s: a stream touches its file all the time). */
  readonly recentMs?: number;
  /** Time between the two looks (default 300 ms). */
  readonly intervalMs?: number;
  /**
   * Files known complete (absolute paths: snapshots just verified valid, and their sidecars): never looked at twice,
   * so that a check right after a save does not wait. A file still streaming cannot be a valid archive.
   */
  readonly settled?: ReadonlySet<string>;
  /**
   * How many folders down to look (default: as deep as evidence is searched). 0 for a folder that only holds a
   * snapshot named on the command line (a project folder, say), whose subfolders are no snapshot folder.
   */
  readonly maxDepth?: number;
}

// The bounds of the search for evidence: a snapshot being written is looked for as deep as one would count.
const { entries: MAX_ENTRIES, depth: MAX_DEPTH } = SEARCH_LIMITS;

const defaultProbe: SizeProbe = async (file) => {
  const s = await stat(file).catch(() => null);
  return s?.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : null;
};

const defaultClock = {
  now: () => Date.now(),
  wait: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

async function listFiles(dir: string, maxDepth: number): Promise<{ files: string[]; cut: boolean }> {
  const out: string[] = [];
  let seen = 0;
  const walk = async (abs: string, rel: string, depth: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (++seen > MAX_ENTRIES) return;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && depth < maxDepth) await walk(path.join(abs, e.name), r, depth + 1);
      else if (e.isFile() && e.name !== LOCK_FILE_NAME) out.push(r);
    }
  };
  await walk(dir, '', 0);
  return { files: out.sort(), cut: seen > MAX_ENTRIES };
}

/**
 * Snapshots in flight in `dir`: files with a temporary name of a snapshot writer, and recently modified files that
 * grew between two looks `intervalMs` apart (a `vault operator raft snapshot save` streaming into its file). The
 * second look costs `intervalMs`, and only when some file was modified within `recentMs`.
 */
export async function findInFlight(dir: string, options: InFlightOptions = {}): Promise<InFlight[]> {
  const probe = options.probe ?? defaultProbe;
  const clock = options.clock ?? defaultClock;
  const recentMs = options.recentMs ?? 10_000;
  const { files, cut } = await listFiles(dir, Math.min(options.maxDepth ?? MAX_DEPTH, MAX_DEPTH));
  const found: InFlight[] = [];
  // Past the bound, files are not looked at: a snapshot being written among them would pass unseen.
  if (cut) {
    const why =
      `it holds more than ${MAX_ENTRIES} entries, and those past them were not looked at: move old snapshots to ` +
      'another folder';
    found.push({ file: '.', why, uncertain: true });
  }
  const recent: { file: string; size: number }[] = [];
  const now = clock.now();
  for (const file of files) {
    const first = await probe(path.join(dir, file));
    if (!first) continue;
    const age = formatDuration(Math.max(0, now - first.mtimeMs));
    const temp = TEMP_NAMES.find((t) => t.re.test(path.basename(file)));
    if (temp) {
      found.push({ file, why: `${file} is being written by ${temp.by} (last written ${age} ago)` });
    } else if (now - first.mtimeMs <= recentMs && !options.settled?.has(path.join(dir, file))) {
      recent.push({ file, size: first.size });
    }
  }
  if (recent.length === 0) return found;
  await clock.wait(options.intervalMs ?? 300);
  for (const { file, size } of recent) {
    const second = await probe(path.join(dir, file));
    if (second && second.size !== size) {
      found.push({
        file,
        why: `${file} is still growing (${size} then ${second.size} bytes): a snapshot is being saved`,
      });
    }
  }
  return found;
}
