import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE_NAME } from '../../src/lock/index.js';
import { freshSnapshot, mount, setup } from '../hook/setup.js';
import { othersLock } from '../helpers/lock.js';

describe('the pre-push hook while a backup is being taken', () => {
  it('stops a push that needs a backup (SNAPSHOT_IN_PROGRESS), naming who holds the lock; goes once it is done', async () => {
    const s = await setup();
    freshSnapshot(s);
    // Alive (this test's own process), and not a holder the hook's process knows.
    const lock = othersLock({ pid: process.pid, reason: 'snapshot save nightly.snap' });
    writeFileSync(path.join(s.backups, LOCK_FILE_NAME), lock);
    s.work.commit({ 'main.tf': mount('kv') });
    const r = s.push('origin', 'main');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/NO-GO: A snapshot is being taken into .*backups: snapshot save nightly\.snap \(pid \d+/);
    expect(r.stderr).toContain('SNAPSHOT_IN_PROGRESS');
    expect(s.remoteHas('main')).toBe(false);
    writeFileSync(path.join(s.backups, 'consul.snap.unverified'), 'being written');
    expect(s.push('origin', 'main').stderr).toMatch(/in flight in .*consul\.snap\.unverified/);
    rmSync(path.join(s.backups, LOCK_FILE_NAME));
    rmSync(path.join(s.backups, 'consul.snap.unverified'));
    const done = s.push('origin', 'main');
    expect(done.code, done.stderr).toBe(0);
  });
});
