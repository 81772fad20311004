import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';

// Folders made outside a running test (at module level, in describe or beforeAll): removed after the file's tests.
const leftOver = new Set<string>();

/** Tests make folders unreadable on purpose; give them back to us so that removal does not fail without root. */
function reopen(dir: string): void {
  try {
    chmodSync(dir, 0o700);
    for (const entry of readdirSync(dir, { withFileTypes: true }))
      if (entry.isDirectory()) reopen(path.join(dir, entry.name));
  } catch {
    // Gone already, or not ours: rmSync below reports what really stands in the way.
  }
}

function remove(dir: string): void {
  reopen(dir);
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/**
 * A fresh folder under the system temp dir (`vcg-PREFIX…`), removed when the current test finishes; made outside
 * a test, it is removed once the file's tests are done. The one way tests get a temp folder.
 */
export function tempDir(prefix = 'tmp-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), `vcg-${prefix}`));
  try {
    onTestFinished(() => remove(dir));
  } catch {
    // onTestFinished throws outside a running test: keep it for the file's afterAll.
    leftOver.add(dir);
  }
  return dir;
}

/**
 * tempDir with these files in it (path → content; folders made as needed). Private modes (folders 0700, files
 * 0600), as the gate wants backups kept: files open to others would add warnings no test asked for.
 */
export function tempFiles(files: Record<string, Buffer | string>, prefix?: string): string {
  const dir = tempDir(prefix);
  for (const [name, data] of Object.entries(files)) {
    const full = path.join(dir, name);
    mkdirSync(path.dirname(full), { recursive: true, mode: 0o700 });
    writeFileSync(full, data, { mode: 0o600 });
  }
  return dir;
}

/** Run after each test file's tests (test/helpers/setup.ts, vitest's setupFiles). */
export function removeLeftOverTempDirs(): void {
  for (const dir of leftOver) remove(dir);
  leftOver.clear();
}
