import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { usage } from '../../src/cli/lock-command.js';
import { acquireLock, LOCK_FILE_NAME, type LockInfo } from '../../src/lock/index.js';
import { runCli } from '../helpers/cli.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { othersLock } from '../helpers/lock.js';
import { tempDir } from '../helpers/tmp.js';
import { fakeVaults } from '../helpers/vault-server.js';

const TOKEN = 'hvs.test-token-not-secret';
const { fake } = fakeVaults();

/** A working folder with backups/fresh.snap, a fresh snapshot. */
function workspace(): { cwd: string; backups: string; lock: string } {
  const cwd = tempDir('lockcmd-');
  const backups = path.join(cwd, 'backups');
  mkdirSync(backups, { mode: 0o700 });
  const fresh = buildSnapshot({ takenAt: new Date(Date.now() - 60_000) });
  writeFileSync(path.join(backups, 'fresh.snap'), fresh, { mode: 0o600 });
  return { cwd, backups, lock: path.join(backups, LOCK_FILE_NAME) };
}

/** The pid of a process that has ended. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid as number;

describe('lock acquire / lock release', () => {
  it('answers --help with usage, options and an example (exit 0), and refuses bad calls (exit 2)', async () => {
    for (const argv of [
      ['lock', '--help'],
      ['lock', 'acquire', '-h'],
      ['lock', 'release', '--help'],
    ]) {
      const r = await runCli(argv);
      expect(r.code, argv.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^Usage: vault-change-gate lock (acquire|release)/);
      expect(r.stdout).toMatch(/\nOptions:\n[\s\S]*Example:\n {2}vault-change-gate lock (acquire|release)/);
    }
    expect(usage).toMatch(/Options:[\s\S]*--ttl DURATION[\s\S]*Example:\n {2}vault-change-gate lock acquire/);
    const { cwd } = workspace();
    const bad = [
      [['lock'], /name a subcommand/],
      [['lock', 'steal'], /unknown subcommand "steal"/],
      [['lock', 'acquire', '--snapshot-dir', 'backups'], /--reason "…" is required/],
      [['lock', 'acquire', '--reason', '  ', '--snapshot-dir', 'backups'], /--reason "…" is required/],
      [['lock', 'acquire', '--reason', 'x', '--ttl', 'soon', '--snapshot-dir', 'backups'], /--ttl takes a duration/],
      [['lock', 'acquire', '--reason', 'x'], /no snapshot folder/],
      [['lock', 'acquire', '--reason', 'x', '--snapshot-dir', 'nope'], /nope does not exist/],
      [['lock', 'release', 'backups'], /unexpected argument "backups"/],
    ] as const;
    for (const [argv, message] of bad) {
      const r = await runCli([...argv], { cwd });
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('held: snapshot save refuses (CHANGE_IN_PROGRESS), check notes it and goes, exec runs under it', async () => {
    const { cwd, lock } = workspace();
    const v = await fake();
    const env = { VAULT_ADDR: v.address, VAULT_TOKEN: TOKEN };
    const taken = await runCli(
      ['lock', 'acquire', '--reason', 'rekey CHANGE-42', '--ttl', '2h', '--snapshot-dir', 'backups'],
      { cwd },
    );
    expect(taken.code, taken.stderr).toBe(0);
    expect(taken.stdout).toMatch(/Change lock taken in backups until \d{4}-.*lock release/);
    const info = JSON.parse(readFileSync(lock, 'utf8')) as LockInfo;
    expect(info).toMatchObject({ purpose: 'change', pid: null, reason: 'rekey CHANGE-42' });
    expect(Date.parse(info.expiresAt ?? '') - Date.parse(info.startedAt)).toBe(7_200_000);

    const save = await runCli(['snapshot', 'save', 'backups/new.snap'], { cwd, env });
    expect(save.code).toBe(1);
    expect(save.stderr).toMatch(
      /no snapshot saved \[CHANGE_IN_PROGRESS\]: .*rekey CHANGE-42 \(taken with "lock acquire"/,
    );
    expect(existsSync(path.join(cwd, 'backups/new.snap'))).toBe(false);

    const checked = await runCli(['check', '--json', '--snapshot-dir', 'backups', '--op', 'POST sys/mounts/kv'], {
      cwd,
    });
    expect(checked.code).toBe(0);
    const decision = JSON.parse(checked.stdout) as { inProgress: { code: string; severity: string }[] };
    expect(decision.inProgress).toEqual([expect.objectContaining({ code: 'CHANGE_IN_PROGRESS', severity: 'note' })]);

    const ran = await runCli(['exec', '--snapshot-dir', 'backups', '--op', 'POST sys/mounts/kv', '--', 'true'], {
      cwd,
    });
    expect(ran.code, ran.stderr).toBe(0);
    expect(readFileSync(lock, 'utf8')).toContain('rekey CHANGE-42'); // exec shared it and left it

    const again = await runCli(['lock', 'acquire', '--reason', 'other', '--snapshot-dir', 'backups'], { cwd });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/lock not taken \[CHANGE_IN_PROGRESS\]/);

    const released = await runCli(['lock', 'release', '--snapshot-dir', 'backups'], { cwd });
    expect(released.code).toBe(0);
    expect(released.stdout).toMatch(/Released the change lock of backups: rekey CHANGE-42/);
    expect(existsSync(lock)).toBe(false);
    expect((await runCli(['snapshot', 'save', 'backups/new.snap'], { cwd, env })).code).toBe(0);
    const none = await runCli(['lock', 'release', '--json', '--snapshot-dir', 'backups'], { cwd });
    expect(none.code).toBe(0);
    expect(JSON.parse(none.stdout)).toMatchObject({
      released: true,
      folders: [{ released: false, folder: 'backups' }],
    });
  });

  it('uses snapshots.dir of the config when no --snapshot-dir is given', async () => {
    const { cwd, lock } = workspace();
    writeFileSync(path.join(cwd, 'vault-change-gate.config.json'), JSON.stringify({ snapshots: { dir: 'backups' } }));
    expect((await runCli(['lock', 'acquire', '--reason', 'upgrade'], { cwd })).code).toBe(0);
    expect(existsSync(lock)).toBe(true);
    expect((await runCli(['lock', 'release'], { cwd })).code).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });

  it('refuses while a snapshot is in progress: a live save of another process, or a file in flight', async () => {
    const { cwd, lock, backups } = workspace();
    const theirs = othersLock({});
    writeFileSync(lock, theirs);
    const live = await runCli(['lock', 'acquire', '--reason', 'r', '--snapshot-dir', 'backups'], { cwd });
    expect(live.code).toBe(1);
    expect(live.stderr).toMatch(/\[SNAPSHOT_IN_PROGRESS\]: A snapshot is being taken into backups: snapshot save/);
    expect(readFileSync(lock, 'utf8')).toBe(theirs);
    // release does not remove another process's live lock either
    const release = await runCli(['lock', 'release', '--snapshot-dir', 'backups', '--break-stale-lock'], { cwd });
    expect(release.code).toBe(1);
    expect(existsSync(lock)).toBe(true);

    const other = workspace();
    writeFileSync(path.join(other.backups, 'consul.snap.unverified'), 'x');
    const inFlight = await runCli(['lock', 'acquire', '--reason', 'r', '--snapshot-dir', 'backups'], {
      cwd: other.cwd,
    });
    expect(inFlight.code).toBe(1);
    expect(inFlight.stderr).toMatch(/\[SNAPSHOT_IN_PROGRESS\].*consul\.snap\.unverified/);
    expect(existsSync(other.lock)).toBe(false);
    expect(backups).not.toBe(other.backups);
  });

  it('a stale lock (its process gone, or expired) is reported, and removed only with --break-stale-lock', async () => {
    const { cwd, lock } = workspace();
    writeFileSync(lock, othersLock({ pid: deadPid() }));
    const refused = await runCli(['lock', 'acquire', '--reason', 'r', '--snapshot-dir', 'backups'], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/\[STALE_LOCK\].*its process \d+ is gone/);
    expect((await runCli(['lock', 'release', '--snapshot-dir', 'backups'], { cwd })).code).toBe(1);
    const broken = await runCli(['lock', 'release', '--break-stale-lock', '--snapshot-dir', 'backups'], { cwd });
    expect(broken.code).toBe(0);
    expect(existsSync(lock)).toBe(false);

    // An expired `lock acquire`: stale, still not taken over by a snapshot save.
    const past = new Date(Date.now() - 3 * 3_600_000);
    const request = { purpose: 'change' as const, reason: 'forgotten', detached: true, ttlMs: 3_600_000 };
    expect((await acquireLock(path.dirname(lock), { ...request, now: () => past })).acquired).toBe(true);
    const v = await fake();
    const save = await runCli(['snapshot', 'save', 'backups/new.snap'], {
      cwd,
      env: { VAULT_ADDR: v.address, VAULT_TOKEN: TOKEN },
    });
    expect(save.code).toBe(1);
    expect(save.stderr).toMatch(/\[STALE_LOCK\].*forgotten.*it expired at/);
    const taken = await runCli(
      ['lock', 'acquire', '--reason', 'now', '--break-stale-lock', '--snapshot-dir', 'backups'],
      {
        cwd,
      },
    );
    expect(taken.code, taken.stderr).toBe(0);
    expect(readFileSync(lock, 'utf8')).toContain('"reason": "now"');
  });
});
