import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/** More results than a function call can take as arguments (push(...xs) overflows the stack past ~120,000). */
const LINES = 150_000;

describe('inputs too big to spread into one call', () => {
  it(`a script of ${LINES.toLocaleString('en')} vault calls: check and classify give a result, not exit 3`, async () => {
    const dir = tempDir('huge-');
    writeFileSync(path.join(dir, 'big.sh'), 'vault read sys/health\n'.repeat(LINES));
    const checked = await runCli(['check', '--script', 'big.sh'], { cwd: dir });
    expect(checked.stderr).not.toMatch(/unexpected failure|call stack/);
    expect(checked.code).toBe(0);
    const classified = await runCli(['classify', '--script', 'big.sh'], { cwd: dir });
    expect(classified.code).toBe(0);
    expect(classified.stdout).toContain(`${LINES} read-only`);
  }, 60_000);
});
