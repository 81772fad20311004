import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Compares `actual` with test/golden/NAME.txt, whole. `UPDATE_GOLDEN=1 npx vitest run test/golden` rewrites the
 * files instead (review the diff before committing it); a missing file is a failure, never written silently.
 */
export function expectGolden(name: string, actual: string, extension = 'txt'): void {
  const file = path.join(here, `${name}.${extension}`);
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`no golden file ${path.basename(file)}: run with UPDATE_GOLDEN=1`);
  expect(actual, `${name}.${extension} (UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(file, 'utf8'));
}
