import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { matchesPattern } from '../shared/glob.js';

export interface FoundSnapshots {
  readonly files: string[];
  /** Files that matched but are not taken, and why (a symlink that leaves the folder, say). */
  readonly skipped: { file: string; code: string; reason: string }[];
}

/**
 * How far the search for candidates goes: entries read in all, and folders down. The in-flight search of the lock
 * layer uses the same bounds, so that a snapshot being written is seen wherever a finished one would count.
 */
export const SEARCH_LIMITS = { entries: 20_000, depth: 16 } as const;
const { entries: MAX_ENTRIES, depth: MAX_DEPTH } = SEARCH_LIMITS;

/**
 * Lists the snapshot candidates in `dir` whose relative path matches `pattern` (minimatch). Symbolic links are
 * followed only while they stay inside `dir`; one that leaves it is reported, not read. Order: by path.
 */
export async function findSnapshots(dir: string, pattern = '**/*.snap'): Promise<FoundSnapshots> {
  const root = await realpath(dir);
  const files: string[] = [];
  const skipped: FoundSnapshots['skipped'] = [];
  const seen = new Set<string>([root]);
  let visited = 0;
  const inside = (p: string) => p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);

  const walk = async (absolute: string, relative: string, depth: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(absolute, { withFileTypes: true });
    } catch {
      return; // unreadable sub-folder: nothing in it can be evidence
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      if (++visited > MAX_ENTRIES) return;
      const abs = path.join(absolute, e.name);
      const rel = relative ? `${relative}/${e.name}` : e.name;
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        const target = await realpath(abs).catch(() => null);
        if (target === null || !inside(target)) {
          if (matchesPattern(rel, pattern)) {
            skipped.push({
              file: abs,
              code: 'SYMLINK_OUTSIDE',
              reason: `${rel} is a symbolic link that leaves ${dir}; it is not followed.`,
            });
          }
          continue;
        }
        const info = await stat(target).catch(() => null);
        isDir = info?.isDirectory() ?? false;
        isFile = info?.isFile() ?? false;
        if (isDir && seen.has(target)) continue;
        if (isDir) seen.add(target);
      }
      if (isDir && depth < MAX_DEPTH) await walk(abs, rel, depth + 1);
      else if (isFile && matchesPattern(rel, pattern)) files.push(abs);
      else if (!isDir && !isFile && matchesPattern(rel, pattern)) {
        skipped.push({ file: abs, code: 'NOT_A_FILE', reason: `${rel} is not a regular file.` });
      }
    }
  };
  await walk(root, '', 0);
  return { files, skipped };
}
