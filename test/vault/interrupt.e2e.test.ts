import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createVaultClient, InterruptedError, readVaultSettings, saveSnapshot } from '../../src/index.js';
import { fakeVaults, type FakeVault, type FakeVaultOptions } from '../helpers/vault-server.js';
import { tempDir } from '../helpers/tmp.js';

const TOKEN = 'hvs.test-token-not-secret';
const BIN = path.join(__dirname, '../../bin/vault-change-gate.js');
const { fake } = fakeVaults();

/** Every file under `dir`, recursively (folders themselves are not files). */
const filesUnder = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(path.join(dir, f)).isFile())
    : [];

/** A fake Vault whose snapshot request resolves `arrived` the moment it comes in. */
async function stalling(snapshot: FakeVaultOptions['snapshot']) {
  let arrived!: () => void;
  const request = new Promise<void>((resolve) => (arrived = resolve));
  const v = await fake({ snapshot, onSnapshotRequest: () => arrived() });
  return { v, request };
}

function run(argv: string[], cwd: string, v: FakeVault) {
  const child = spawn(process.execPath, [BIN, ...argv], {
    cwd,
    env: { ...process.env, VAULT_ADDR: v.address, VAULT_TOKEN: TOKEN, NO_COLOR: '1' },
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, exit, output: () => out };
}

/** The partial download has bytes on disk: the child is mid-body. */
const midBody = (dir: string) =>
  vi.waitFor(
    () => {
      const partial = filesUnder(dir).find((f) => f.endsWith('.partial'));
      expect(partial && statSync(path.join(dir, partial)).size).toBeGreaterThan(0);
    },
    { timeout: 10_000, interval: 20 },
  );

const commands = {
  'snapshot save': (dir: string) => ({ argv: ['snapshot', 'save', 'b.snap'], cwd: dir, watch: dir }),
  'check --take-snapshot': (dir: string) => ({
    argv: ['check', '--vault', '--op', 'POST sys/mounts/kv', '--take-snapshot', 'taken'],
    cwd: dir,
    watch: path.join(dir, 'taken'),
  }),
  'exec --take-snapshot': (dir: string) => ({
    argv: [
      'exec',
      '--vault',
      '--op',
      'POST sys/mounts/kv',
      '--take-snapshot',
      'taken',
      '--',
      process.execPath,
      '-e',
      '',
    ],
    cwd: dir,
    watch: path.join(dir, 'taken'),
  }),
};

describe.each(Object.keys(commands) as (keyof typeof commands)[])('%s, interrupted by a real signal', (name) => {
  it.each([
    ['SIGINT', 'before the response headers', 130],
    ['SIGTERM', 'before the response headers', 143],
    ['SIGINT', 'mid-body', 130],
    ['SIGTERM', 'mid-body', 143],
  ] as const)('%s %s: exit %i, no file, no partial', async (signal, phase, code) => {
    // The server stalls at the phase wanted: no headers at all, or 100 bytes of body then silence.
    const { v, request } = await stalling(phase === 'mid-body' ? 'stall' : 'hang');
    const dir = tempDir('int-');
    const c = commands[name](dir);
    const p = run(c.argv, c.cwd, v);
    await request;
    if (phase === 'mid-body') await midBody(c.watch);
    p.child.kill(signal);
    const exit = await p.exit;
    expect(exit.code, p.output()).toBe(code);
    expect(p.output()).toMatch(/interrupted/);
    expect(p.output()).not.toContain(TOKEN);
    expect(filesUnder(c.watch)).toEqual([]);
  });
});

describe('saveSnapshot aborted after the last byte (verification, fsync, rename)', () => {
  it('leaves neither the archive, nor its sidecar, nor a partial; an earlier backup at FILE is not replaced', async () => {
    const v = await fake();
    const dir = tempDir('int-');
    const client = createVaultClient(readVaultSettings({ VAULT_ADDR: v.address, VAULT_TOKEN: TOKEN }, dir));
    const probe = await saveSnapshot(client, path.join(dir, 'probe.snap'));
    const total = probe.bytes;
    for (const f of readdirSync(dir)) if (f.startsWith('probe')) (await import('node:fs')).rmSync(path.join(dir, f));

    const target = path.join(dir, 'b.snap');
    writeFileSync(target, 'the previous backup');
    const abort = new AbortController();
    const err = await saveSnapshot(client, target, {
      signal: abort.signal,
      onProgress: (b) => b === total && abort.abort(),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect(readdirSync(dir)).toEqual(['b.snap']);
    expect((await import('node:fs')).readFileSync(target, 'utf8')).toBe('the previous backup');
  });

  it('aborted before it starts: nothing is requested or written', async () => {
    const v = await fake();
    const dir = tempDir('int-');
    const abort = new AbortController();
    abort.abort();
    const client = createVaultClient(readVaultSettings({ VAULT_ADDR: v.address, VAULT_TOKEN: TOKEN }, dir), {
      signal: abort.signal,
    });
    await expect(saveSnapshot(client, path.join(dir, 'b.snap'), { signal: abort.signal })).rejects.toBeInstanceOf(
      InterruptedError,
    );
    expect(readdirSync(dir)).toEqual([]);
    expect(v.requests).toEqual([]);
  });
});
