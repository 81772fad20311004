import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

const MAX_ENTRIES = 5_000;
const MAX_DEPTH = 16;

export interface FolderFiles {
  /** Regular files in the folder and below (stops counting at MAX_ENTRIES entries). */
  readonly count: number;
  /** The first few, by relative path, to show why none matched a pattern. */
  readonly sample: string[];
}

/**
 * The files a folder holds, for the message when none matched the snapshot pattern ("0 files matched **\/*.snap in
 * backups (3 files there): raft-backup.snapshot, ..."). Only read on that failure path; symbolic links not followed.
 */
export async function folderFiles(dir: string, sampleSize = 5): Promise<FolderFiles> {
  const sample: string[] = [];
  let count = 0;
  let visited = 0;
  const walk = async (absolute: string, relative: string, depth: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(absolute, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      if (++visited > MAX_ENTRIES) return;
      const rel = relative ? `${relative}/${e.name}` : e.name;
      if (e.isDirectory() && depth < MAX_DEPTH) await walk(path.join(absolute, e.name), rel, depth + 1);
      else if (e.isFile() || e.isSymbolicLink()) {
        count++;
        if (sample.length < sampleSize) sample.push(rel);
      }
    }
  };
  await walk(dir, '', 0);
  return { count, sample };
}
