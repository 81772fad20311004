import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/shared.js';

// The bin script loads V8's code cache of the bundle from the cache folder: bytecode that V8 runs. One planted by
// someone else must never be read. Observable: a cache that is read and accepted is left as it is; one refused is
// written afresh by this user (mode 0600).
const bin = path.join(repoRoot, 'bin', 'vault-change-gate.js');
const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

function run(cache: string): number | null {
  const env = { ...process.env, XDG_CACHE_HOME: cache, NO_COLOR: '1' };
  return spawnSync(process.execPath, [bin, '--help'], { env, timeout: 20_000, stdio: 'ignore' }).status;
}

/** A cache folder holding a valid cache file made by a first run. */
function primed(): { dir: string; file: string } {
  const base = mkdtempSync(path.join(tmpdir(), 'vcg-cache-'));
  homes.push(base);
  expect(run(base)).toBe(0);
  const dir = path.join(base, 'vault-change-gate');
  const files = readdirSync(dir).filter((f) => f.endsWith('.v8'));
  expect(files).toHaveLength(1);
  expect(statSync(dir).mode & 0o777).toBe(0o700);
  return { dir, file: path.join(dir, files[0] as string) };
}

const canChown = process.getuid?.() === 0;

describe('the code cache is trusted only when no one else could have written it', () => {
  it('a cache file others may write is not read: it is replaced by a private one', () => {
    const { file } = primed();
    chmodSync(file, 0o666);
    expect(run(path.dirname(path.dirname(file)))).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it.runIf(canChown)("a cache file of another user is not read: it is replaced by this user's", () => {
    const { file } = primed();
    chownSync(file, 4242, 4242);
    expect(run(path.dirname(path.dirname(file)))).toBe(0);
    expect(statSync(file).uid).toBe(process.getuid?.());
  });

  it('a FIFO planted as the cache file does not hang the run', () => {
    const { file } = primed();
    rmSync(file);
    execFileSync('mkfifo', [file]);
    expect(run(path.dirname(path.dirname(file)))).toBe(0);
  });

  it('a cache folder others may write is neither read nor written', () => {
    const { dir, file } = primed();
    rmSync(file);
    chmodSync(dir, 0o777);
    expect(run(path.dirname(dir))).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });
});
