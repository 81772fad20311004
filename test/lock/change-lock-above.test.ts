import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE_NAME } from '../../src/lock/index.js';
import { runCli } from '../helpers/cli.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { tempDir } from '../helpers/tmp.js';
import { fakeVaults } from '../helpers/vault-server.js';

const TOKEN = 'hvs.test-token-not-secret';
const { fake } = fakeVaults();

// A change locks its snapshot folder; snapshots are looked for in its subfolders too (pattern **/*.snap). A snapshot
// saved into a subfolder, or into the folder by another spelling, during the change is a backup during the change.
describe('a snapshot saved below a folder under a change lock is refused', () => {
  it('refuses into subfolders and other spellings, leaves no file or lock, and saves once released', async () => {
    const cwd = tempDir('lockabove-');
    const backups = path.join(cwd, 'backups');
    mkdirSync(path.join(backups, 'daily', 'deep'), { recursive: true, mode: 0o700 });
    writeFileSync(path.join(backups, 'fresh.snap'), buildSnapshot({ takenAt: new Date(Date.now() - 60_000) }));
    symlinkSync(backups, path.join(cwd, 'link'));
    const v = await fake();
    const env = { VAULT_ADDR: v.address, VAULT_TOKEN: TOKEN };
    const taken = await runCli(['lock', 'acquire', '--reason', 'upgrade CHG-7', '--snapshot-dir', 'backups'], { cwd });
    expect(taken.code, taken.stderr).toBe(0);

    for (const target of ['backups/daily/new.snap', 'backups/daily/deep/new.snap', 'link/daily/new.snap']) {
      const save = await runCli(['snapshot', 'save', target], { cwd, env });
      expect(save.code, `${target}: ${save.stderr}`).toBe(1);
      expect(save.stderr).toMatch(/no snapshot saved \[CHANGE_IN_PROGRESS\]: .*upgrade CHG-7/);
      expect(existsSync(path.join(cwd, target))).toBe(false);
      expect(existsSync(path.join(path.dirname(path.join(cwd, target)), LOCK_FILE_NAME))).toBe(false);
    }

    expect((await runCli(['lock', 'release', '--snapshot-dir', 'backups'], { cwd })).code).toBe(0);
    const save = await runCli(['snapshot', 'save', 'backups/daily/new.snap'], { cwd, env });
    expect(save.code, save.stderr).toBe(0);
    expect(existsSync(path.join(backups, 'daily', 'new.snap'))).toBe(true);
  });
});
