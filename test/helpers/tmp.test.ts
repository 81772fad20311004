import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, tempFiles } from './tmp.js';

describe('tempDir', () => {
  const atModule = tempDir('module-');
  let inTest = '';
  let locked = '';

  it('makes a fresh folder inside a test', () => {
    inTest = tempDir('in-test-');
    locked = tempDir('locked-');
    mkdirSync(path.join(locked, 'closed'));
    writeFileSync(path.join(locked, 'closed', 'f'), 'x');
    chmodSync(path.join(locked, 'closed'), 0o000);
    expect(existsSync(inTest)).toBe(true);
    expect(inTest).not.toBe(tempDir('in-test-'));
  });

  it('removed it, and one with a folder closed to everyone, when that test finished', () => {
    expect(existsSync(inTest)).toBe(false);
    expect(existsSync(locked)).toBe(false);
  });

  it('keeps a folder made outside a test until the file is done', () => {
    expect(existsSync(atModule)).toBe(true);
  });

  it('tempFiles writes private files in made folders', () => {
    const dir = tempFiles({ 'a/b/c.txt': 'hi' });
    expect(statSync(path.join(dir, 'a/b/c.txt')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'a/b')).mode & 0o777).toBe(0o700);
  });
});
