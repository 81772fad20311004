import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { tempDir } from '../helpers/tmp.js';
import { fakeVaults } from '../helpers/vault-server.js';

const TOKEN = 'hvs.test-token-not-secret';
const BIN = path.join(__dirname, '../../bin/vault-change-gate.js');
const { fake } = fakeVaults();

/**
 * Whichever way exec is told about the snapshot folder, it holds the change lock there: a `snapshot save` into it,
 * run as exec's own command, refuses with CHANGE_IN_PROGRESS (exit 1, passed through by exec).
 */
describe('exec locks every snapshot folder it knows of', () => {
  it.each([
    ['--snapshot-dir', ['--snapshot-dir', 'backups'], false],
    ['snapshots.dir of the config', [], true],
    ['the folder of a --snapshot file', ['--snapshot', 'backups/fresh.snap'], false],
    ['the --take-snapshot folder', ['--vault', '--take-snapshot', 'backups'], false],
  ] as const)('%s', async (_, flags, config) => {
    const cwd = tempDir('execlock-');
    const backups = path.join(cwd, 'backups');
    mkdirSync(backups, { mode: 0o700 });
    writeFileSync(path.join(backups, 'fresh.snap'), buildSnapshot({ takenAt: new Date(Date.now() - 60_000) }));
    if (config) writeFileSync(path.join(cwd, 'vault-change-gate.config.json'), '{"snapshots":{"dir":"backups"}}');
    const v = await fake();
    const env = { VAULT_ADDR: v.address, VAULT_TOKEN: TOKEN, PATH: process.env.PATH };
    const save = [process.execPath, BIN, 'snapshot', 'save', 'backups/during.snap'];
    const r = await runCli(['exec', ...flags, '--op', 'POST sys/mounts/kv', '--', ...save], { cwd, env });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^GO: /);
    // No snapshot during the change, and the lock is gone. (With --vault, fresh.snap cannot be tied to the cluster,
    // so exec takes one first, under its own lock: that one is before the change.)
    const left = readdirSync(backups).filter((f) => !/^vault-\d{8}T\d{6}Z\.snap(\.json)?$/.test(f));
    expect(left).toEqual(['fresh.snap']);
  });
});

describe("exec's lock says what runs, never a secret in it", () => {
  it('masks a token in the command line it records', () => {
    const cwd = tempDir('execlock-');
    mkdirSync(path.join(cwd, 'backups'), { mode: 0o700 });
    const show = "process.stdout.write(require('fs').readFileSync('backups/.vault-change-gate.lock'))";
    const secret = 'hvs.CAESIJ-not-a-real-token-123456';
    const argv = ['exec', '--snapshot-dir', 'backups', '--op', 'GET sys/mounts', '--', process.execPath, '-e', show];
    const r = spawnSync(process.execPath, [BIN, ...argv, '--', '-token', secret, `VAULT_TOKEN=${secret}`], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', VAULT_ADDR: 'https://ops:hunter2@vault.example:8200' },
    });
    expect(r.status, r.stderr).toBe(0);
    const lock = JSON.parse(r.stdout) as { reason: string; cluster: { address: string } };
    expect(lock.reason).toMatch(/^exec .*node -e /);
    expect(r.stdout).not.toContain(secret);
    expect(r.stdout).not.toContain('hunter2');
    expect(lock.cluster.address).toMatch(/vault\.example:8200/);
  });
});
