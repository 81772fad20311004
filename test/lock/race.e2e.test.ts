import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { LOCK_FILE_NAME } from '../../src/lock/index.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { tempDir } from '../helpers/tmp.js';
import { fakeVaults, type FakeVault } from '../helpers/vault-server.js';

const TOKEN = 'hvs.test-token-not-secret';
const BIN = path.join(__dirname, '../../bin/vault-change-gate.js');
const { fake } = fakeVaults();

interface Proc {
  readonly pid: number;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly output: () => string;
  readonly kill: (signal: NodeJS.Signals) => void;
}

function run(argv: string[], cwd: string, v: FakeVault | null): Proc {
  const env = { ...process.env, NO_COLOR: '1', ...(v ? { VAULT_ADDR: v.address, VAULT_TOKEN: TOKEN } : {}) };
  const child = spawn(process.execPath, [BIN, ...argv], { cwd, env });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { pid: child.pid as number, exit, output: () => out, kill: (s) => child.kill(s) };
}

/** A folder with a fresh snapshot (so that exec goes) and a fake Vault whose snapshot waits for `release()`. */
async function setup() {
  const dir = tempDir('race-');
  const backups = path.join(dir, 'backups');
  mkdirSync(backups, { mode: 0o700 });
  writeFileSync(path.join(backups, 'fresh.snap'), buildSnapshot({ takenAt: new Date(Date.now() - 60_000) }), {
    mode: 0o600,
  });
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let arrived!: () => void;
  const requested = new Promise<void>((resolve) => (arrived = resolve));
  const v = await fake({ holdSnapshot: held, onSnapshotRequest: () => arrived() });
  const lock = path.join(backups, LOCK_FILE_NAME);
  return { dir, backups, v, release, requested, lock };
}

/** An exec whose command waits until the file `go` exists in the folder, then writes `ran` and exits 0. */
function exec(dir: string, v: FakeVault): Proc {
  const script =
    "const fs = require('fs'); fs.writeFileSync('started', ''); " +
    "const t = setInterval(() => { if (fs.existsSync('go')) { fs.writeFileSync('ran', ''); clearInterval(t); } }, 20);";
  const argv = [
    'exec',
    '--snapshot-dir',
    'backups',
    '--op',
    'POST sys/mounts/kv',
    '--',
    process.execPath,
    '-e',
    script,
  ];
  return run(argv, dir, v);
}

const save = (dir: string, v: FakeVault, ...flags: string[]) =>
  run(['snapshot', 'save', ...flags, 'backups/new.snap'], dir, v);

const waitFor = (check: () => void) => vi.waitFor(check, { timeout: 15_000, interval: 20 });

describe('a snapshot save and an exec in the same snapshot folder', () => {
  it('a save in progress: exec refuses with SNAPSHOT_IN_PROGRESS and never starts its command', async () => {
    const s = await setup();
    const saving = save(s.dir, s.v);
    await s.requested; // the save holds the lock and is streaming
    expect(JSON.parse(readFileSync(s.lock, 'utf8'))).toMatchObject({ purpose: 'snapshot', pid: saving.pid });
    const e = exec(s.dir, s.v);
    const refused = await e.exit;
    expect(refused.code, e.output()).toBe(1);
    expect(e.output()).toMatch(/NO-GO/);
    expect(e.output()).toContain('SNAPSHOT_IN_PROGRESS');
    expect(e.output()).toMatch(/snapshot save new\.snap \(pid \d+ on .*, since \d{4}-/);
    expect(existsSync(path.join(s.dir, 'started'))).toBe(false);
    s.release();
    expect((await saving.exit).code, saving.output()).toBe(0);
    expect(existsSync(s.lock)).toBe(false);
  });

  it('a change in progress: snapshot save refuses with CHANGE_IN_PROGRESS and writes nothing', async () => {
    const s = await setup();
    const e = exec(s.dir, s.v);
    await waitFor(() => expect(existsSync(path.join(s.dir, 'started'))).toBe(true));
    expect(JSON.parse(readFileSync(s.lock, 'utf8'))).toMatchObject({ purpose: 'change', pid: e.pid });
    const saving = save(s.dir, s.v);
    const refused = await saving.exit;
    expect(refused.code, saving.output()).toBe(1);
    expect(saving.output()).toContain('[CHANGE_IN_PROGRESS]');
    expect(saving.output()).toMatch(/exec .*node/);
    expect(readdirSync(s.backups).sort()).toEqual([LOCK_FILE_NAME, 'fresh.snap']);
    writeFileSync(path.join(s.dir, 'go'), '');
    expect((await e.exit).code, e.output()).toBe(0);
    expect(existsSync(s.lock)).toBe(false);
  });

  it('check --take-snapshot during a change: the snapshot is refused (CHANGE_IN_PROGRESS), a no-go', async () => {
    const s = await setup();
    rmSync(path.join(s.backups, 'fresh.snap'));
    const lock = run(['lock', 'acquire', '--reason', 'rekey CHANGE-7', '--snapshot-dir', 'backups'], s.dir, null);
    expect((await lock.exit).code, lock.output()).toBe(0);
    const argv = ['check', '--json', '--vault', '--op', 'POST sys/mounts/kv', '--take-snapshot', 'backups'];
    const c = run(argv, s.dir, s.v);
    const done = await c.exit;
    expect(done.code, c.output()).toBe(1);
    const decision = JSON.parse(c.output()) as { inProgress: { code: string; severity: string }[] };
    expect(decision.inProgress).toContainEqual(
      expect.objectContaining({ code: 'CHANGE_IN_PROGRESS', severity: 'no-go' }),
    );
    expect(readdirSync(s.backups)).toEqual([LOCK_FILE_NAME]);
  });

  it.each([1, 2, 3])('started together (round %i): exactly one proceeds, the other refuses with its code', async () => {
    const s = await setup();
    const saving = save(s.dir, s.v);
    const e = exec(s.dir, s.v);
    // Whoever lost exits at once; then the winner may finish.
    const first = await Promise.race([saving.exit.then(() => 'save'), e.exit.then(() => 'exec')]);
    s.release();
    writeFileSync(path.join(s.dir, 'go'), '');
    const [savedExit, execExit] = await Promise.all([saving.exit, e.exit]);
    const codes = [savedExit.code, execExit.code].sort();
    expect(codes, `${saving.output()}\n${e.output()}`).toEqual([0, 1]);
    if (savedExit.code === 1) {
      expect(first).toBe('save');
      expect(saving.output()).toContain('[CHANGE_IN_PROGRESS]');
      expect(existsSync(path.join(s.dir, 'ran'))).toBe(true);
    } else {
      expect(first).toBe('exec');
      expect(e.output()).toContain('SNAPSHOT_IN_PROGRESS');
      expect(existsSync(path.join(s.dir, 'started'))).toBe(false);
      expect(existsSync(path.join(s.backups, 'new.snap'))).toBe(true);
    }
    expect(existsSync(s.lock)).toBe(false);
  });
});

describe('a holder killed with SIGKILL leaves a stale lock', () => {
  async function killedSave() {
    const s = await setup();
    const saving = save(s.dir, s.v);
    await s.requested;
    saving.kill('SIGKILL');
    await saving.exit;
    const left = readFileSync(s.lock, 'utf8');
    // What the killed save left mid-download is not a backup: gone, as a user would remove it.
    for (const f of readdirSync(s.backups)) if (f.endsWith('.partial')) rmSync(path.join(s.backups, f));
    s.release();
    return { ...s, left };
  }

  it('is reported (STALE_LOCK) and never taken over by exec, check or snapshot save', async () => {
    const s = await killedSave();
    const e = exec(s.dir, s.v);
    expect((await e.exit).code, e.output()).toBe(1);
    expect(e.output()).toContain('STALE_LOCK');
    expect(e.output()).toMatch(/is gone/);
    expect(e.output()).toContain('--break-stale-lock');
    const c = run(['check', '--json', '--snapshot-dir', 'backups', '--op', 'POST sys/mounts/kv'], s.dir, null);
    expect((await c.exit).code, c.output()).toBe(0);
    const decision = JSON.parse(c.output()) as { inProgress: { code: string; severity: string }[] };
    expect(decision.inProgress).toEqual([expect.objectContaining({ code: 'STALE_LOCK', severity: 'warning' })]);
    const strict = run(['check', '--strict', '--snapshot-dir', 'backups', '--op', 'POST sys/mounts/kv'], s.dir, null);
    expect((await strict.exit).code, strict.output()).toBe(1);
    const saving = save(s.dir, s.v);
    expect((await saving.exit).code, saving.output()).toBe(1);
    expect(saving.output()).toContain('[STALE_LOCK]');
    expect(readFileSync(s.lock, 'utf8')).toBe(s.left);
  });

  it('--break-stale-lock takes it over: snapshot save, then exec', async () => {
    const s = await killedSave();
    const saving = save(s.dir, s.v, '--break-stale-lock');
    expect((await saving.exit).code, saving.output()).toBe(0);
    expect(existsSync(s.lock)).toBe(false);
    // Again stale, for exec this time.
    writeFileSync(s.lock, s.left);
    const argv = [
      'exec',
      '--break-stale-lock',
      '--snapshot-dir',
      'backups',
      '--op',
      'POST sys/mounts/kv',
      '--',
      'true',
    ];
    const e = run(argv, s.dir, s.v);
    expect((await e.exit).code, e.output()).toBe(0);
    expect(existsSync(s.lock)).toBe(false);
  });
});

describe('signals release the lock', () => {
  it('exec stopped by SIGTERM while its command runs: the command ends, exec exits 143, the lock is gone', async () => {
    const s = await setup();
    const e = exec(s.dir, s.v);
    await waitFor(() => expect(existsSync(path.join(s.dir, 'started'))).toBe(true));
    expect(existsSync(s.lock)).toBe(true);
    e.kill('SIGTERM');
    expect((await e.exit).code, e.output()).toBe(143);
    expect(existsSync(s.lock)).toBe(false);
  });

  it('withChangeLock in a script stopped by SIGTERM: the lock goes, then the signal ends the process', async () => {
    const dir = tempDir('race-');
    const entry = path.join(__dirname, '../../dist/index.js');
    const script =
      `const { withChangeLock } = await import(${JSON.stringify(entry)});` +
      "await withChangeLock({ folders: ['.'], reason: 'a script' }, () => {" +
      "  console.log('held'); return new Promise(() => setInterval(() => {}, 1000)); });";
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: dir });
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.includes('held') && resolve()));
    expect(existsSync(path.join(dir, LOCK_FILE_NAME))).toBe(true);
    child.kill('SIGTERM');
    const [, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('exit', (code, sig) => resolve([code, sig])),
    );
    expect(signal).toBe('SIGTERM');
    expect(existsSync(path.join(dir, LOCK_FILE_NAME))).toBe(false);
  });
});
