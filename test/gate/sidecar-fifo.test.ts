import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/index.js';
import { peekTakenAt } from '../../src/snapshot/peek.js';
import { readSidecar } from '../../src/vault/sidecar.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { tempDir } from '../helpers/tmp.js';

/** A FIFO has no writer here: opening one to read without O_NONBLOCK waits for ever (the check, the push, hang). */
const fifo = (file: string) => expect(spawnSync('mkfifo', [file]).status).toBe(0);

describe('a FIFO beside or instead of a snapshot is never waited on', () => {
  it('a sidecar that is a FIFO refuses its archive (SIDECAR_MISMATCH) at once', { timeout: 5000 }, async () => {
    const cwd = tempDir('sidecar-fifo-');
    const backups = path.join(cwd, 'backups');
    mkdirSync(backups, { mode: 0o700 });
    writeFileSync(path.join(backups, 'fresh.snap'), buildSnapshot({ takenAt: new Date(Date.now() - 60_000) }), {
      mode: 0o600,
    });
    fifo(path.join(backups, 'fresh.snap.json'));
    expect(await readSidecar(path.join(backups, 'fresh.snap'))).toEqual({
      status: 'invalid',
      reason: 'its sidecar is not a regular file',
    });
    const d = await check({ cwd, snapshotDir: 'backups', operations: ['POST sys/mounts/kv'], env: {} });
    expect(d.verdict).toBe('no-go');
    expect(d.rejected.map((r) => r.code)).toEqual(['SIDECAR_MISMATCH']);
  });

  it(
    'peeking at a FIFO (a file swapped for one after the folder was listed) gives no time',
    { timeout: 5000 },
    async () => {
      const file = path.join(tempDir('peek-fifo-'), 'x.snap');
      fifo(file);
      expect(await peekTakenAt(file)).toBeNull();
    },
  );
});
