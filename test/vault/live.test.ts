import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createVaultClient,
  readVaultSettings,
  saveSnapshot,
  SnapshotSaveError,
  VaultConfigError,
} from '../../src/index.js';
import { gatherClusterFacts } from '../../src/unstable.js';
import { runCli } from '../helpers/cli.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { makeTlsMaterial, startFakeVault, type FakeVault, type FakeVaultOptions } from '../helpers/vault-server.js';
import { tempDir } from '../helpers/tmp.js';
import { freshBundle } from '../helpers/server-config.js';

const TOKEN = 'hvs.test-token-not-secret';
const servers: FakeVault[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()?.close();
});
const fake = async (o: FakeVaultOptions = {}) => {
  const v = await startFakeVault(o);
  servers.push(v);
  return v;
};
const home = () => tempDir('home-');
const envFor = (v: FakeVault, extra: Record<string, string> = {}) => ({
  VAULT_ADDR: v.address,
  VAULT_TOKEN: TOKEN,
  ...extra,
});
const clientFor = (v: FakeVault, extra: Record<string, string> = {}) =>
  createVaultClient(readVaultSettings(envFor(v, extra), home()));
const noToken = (...texts: string[]) => {
  for (const t of texts) expect(t).not.toContain(TOKEN);
};

describe('connection settings, read as the vault CLI reads them', () => {
  it('defaults, ~/.vault-token, and VAULT_SKIP_VERIFY parsed like Go (never "any value is true")', () => {
    const h = home();
    expect(readVaultSettings({}, h)).toMatchObject({
      address: 'https://127.0.0.1:8200',
      token: null,
      skipVerify: false,
      timeoutMs: 60_000,
    });
    writeFileSync(path.join(h, '.vault-token'), 'from-file\n');
    expect(readVaultSettings({}, h)).toMatchObject({ token: 'from-file', tokenSource: '~/.vault-token' });
    expect(readVaultSettings({ VAULT_TOKEN: 'env' }, h).tokenSource).toBe('VAULT_TOKEN');
    expect(readVaultSettings({ VAULT_SKIP_VERIFY: 'false' }, h).skipVerify).toBe(false);
    expect(readVaultSettings({ VAULT_SKIP_VERIFY: '1' }, h).skipVerify).toBe(true);
    expect(() => readVaultSettings({ VAULT_SKIP_VERIFY: 'maybe' }, h)).toThrow(VaultConfigError);
    expect(readVaultSettings({ VAULT_CLIENT_TIMEOUT: '90s' }, h).timeoutMs).toBe(90_000);
    expect(readVaultSettings({ VAULT_CLIENT_TIMEOUT: '5' }, h).timeoutMs).toBe(5000);
    expect(() => readVaultSettings({ VAULT_CACERT: '/no/such/ca.pem' }, h)).toThrow(
      /VAULT_CACERT names \/no\/such\/ca\.pem/,
    );
    expect(() => readVaultSettings({ VAULT_ADDR: 'ftp://x' }, h)).toThrow(/http or https/);
  });
});

describe('cluster facts from the documented endpoints', () => {
  it('an active raft cluster: state, version, storage, raft servers, index, version history', async () => {
    const v = await fake();
    const f = await gatherClusterFacts(clientFor(v));
    expect(f).toMatchObject({
      reachable: true,
      state: 'active',
      healthStatus: 200,
      version: '1.17.2',
      storageType: 'raft',
      sealType: 'shamir',
      appliedIndex: 164,
      versionHistory: ['1.16.2', '1.17.0', '1.17.2'],
    });
    expect(f.raftServers?.map((s) => s.id)).toEqual(['vault-0', 'vault-1', 'vault-2']);
    expect(v.requests.find((r) => r.url.startsWith('/v1/sys/version-history'))).toMatchObject({
      method: 'GET',
      url: '/v1/sys/version-history?list=true',
    });
  });

  it.each([
    ['standby', 429],
    ['sealed', 503],
    ['uninitialized', 501],
  ] as const)('sys/health %s is status %i, kept (node-vault hides it)', async (state, status) => {
    const f = await gatherClusterFacts(clientFor(await fake({ state })));
    expect([f.state, f.healthStatus]).toEqual([state, status]);
  });

  it('a 403 on an optional endpoint is reported, not fatal', async () => {
    const f = await gatherClusterFacts(clientFor(await fake({ raftConfigForbidden: true })));
    expect(f.reachable).toBe(true);
    expect(f.raftServers).toBeNull();
    expect(f.notes.join(' ')).toMatch(/sys\/storage\/raft\/configuration: permission denied \(403\)/);
  });

  it('root-namespace-only endpoints are called without a namespace even when VAULT_NAMESPACE is set', async () => {
    const v = await fake();
    await gatherClusterFacts(clientFor(v, { VAULT_NAMESPACE: 'team-a' }));
    for (const r of v.requests.filter((x) => /health|seal-status|leader|raft/.test(x.url)))
      expect(r.headers['x-vault-namespace']).toBeUndefined();
  });

  it('unreachable Vault: reachable false, with one sentence', async () => {
    const v = await fake();
    await v.close();
    const f = await gatherClusterFacts(clientFor(v));
    expect(f.reachable).toBe(false);
    expect(f.error).toMatch(/cannot reach Vault at http:\/\/127\.0\.0\.1:\d+: connection refused/);
  });
});

describe('snapshot save', () => {
  const dir = () => tempDir('save-');
  const leftovers = (d: string) => readdirSync(d).filter((f) => f.includes('.partial'));

  it('streams, verifies, fsyncs and renames: a valid 0600 file and nothing else', async () => {
    const d = dir();
    const r = await saveSnapshot(clientFor(await fake()), path.join(d, 'backup.snap'));
    expect(r.valid).toBe(true);
    expect(statSync(path.join(d, 'backup.snap')).mode & 0o777).toBe(0o600);
    expect(leftovers(d)).toEqual([]);
  });

  it('follows the 307 a standby sends for the snapshot', async () => {
    const d = dir();
    const v = await fake({ snapshot: 'redirect' });
    expect((await saveSnapshot(clientFor(v), path.join(d, 'b.snap'))).valid).toBe(true);
  });

  it.each([
    ['forbidden', /refused the snapshot \(403: permission denied\); the token needs "read"/],
    ['sealed', /is sealed \(503/],
    ['cut', /was cut after \d+ bytes|not valid/],
    ['garbage', /is not valid \(NOT_GZIP/],
  ] as const)('%s: fails with one sentence, FILE untouched, no temporary file', async (mode, message) => {
    const d = dir();
    const target = path.join(d, 'backup.snap');
    writeFileSync(target, 'the previous backup');
    const err = await saveSnapshot(clientFor(await fake({ snapshot: mode })), target).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SnapshotSaveError);
    expect((err as Error).message).toMatch(message);
    expect(readFileSync(target, 'utf8')).toBe('the previous backup');
    expect(leftovers(d)).toEqual([]);
  });

  it('a stream that stalls times out (VAULT_CLIENT_TIMEOUT), and cleans up', async () => {
    const d = dir();
    const err = await saveSnapshot(
      clientFor(await fake({ snapshot: 'stall' }), { VAULT_CLIENT_TIMEOUT: '300ms' }),
      path.join(d, 'b.snap'),
    ).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/stalled|did not answer in time/);
    expect(existsSync(path.join(d, 'b.snap'))).toBe(false);
    expect(leftovers(d)).toEqual([]);
  });

  it('the CLI: exit 0 and a summary; exit 1 with one sentence; never the token', async () => {
    const d = dir();
    const v = await fake();
    const ok = await runCli(['snapshot', 'save', 'x.snap'], { cwd: d, env: envFor(v) });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^Saved and verified x\.snap: vault snapshot, index 164/);
    const bad = await runCli(['snapshot', 'save', 'y.snap'], {
      cwd: d,
      env: envFor(await fake({ snapshot: 'forbidden' })),
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    noToken(ok.stdout, ok.stderr, bad.stdout, bad.stderr);
  });
});

describe('TLS', () => {
  const tls = makeTlsMaterial();
  it('VAULT_CACERT is honoured; a wrong or missing CA is a clear error, not a bypass', async () => {
    const v = await fake({ tls: { key: tls.key, cert: tls.cert } });
    expect((await gatherClusterFacts(clientFor(v, { VAULT_CACERT: tls.caFile }))).state).toBe('active');
    const wrong = await gatherClusterFacts(clientFor(v, { VAULT_CACERT: tls.otherCaFile }));
    expect(wrong.reachable).toBe(false);
    expect(wrong.error).toMatch(/cannot verify the TLS certificate .*set VAULT_CACERT/);
    // node-vault would read any VAULT_SKIP_VERIFY as true; "false" must keep verification on.
    expect((await gatherClusterFacts(clientFor(v, { VAULT_SKIP_VERIFY: 'false' }))).reachable).toBe(false);
    expect((await gatherClusterFacts(clientFor(v, { VAULT_SKIP_VERIFY: 'true' }))).state).toBe('active');
  });
});

describe('check --vault', () => {
  const snapDir = (servers = ['vault-0', 'vault-1', 'vault-2'], minutes = 5, index = 150) => {
    const d = tempDir('live-');
    writeFileSync(
      path.join(d, 'a.snap'),
      buildSnapshot({
        takenAt: new Date(Date.now() - minutes * 60_000),
        index,
        servers: servers.map((id) => ({ id, address: `${id}:8201` })),
      }),
      { mode: 0o600 },
    );
    return d;
  };
  const decide = async (v: FakeVault, argv: string[], cwd = snapDir()) => {
    const r = await runCli(['check', '--json', '--vault', ...argv], { cwd, env: envFor(v) });
    noToken(r.stdout, r.stderr);
    return {
      code: r.code,
      stderr: r.stderr,
      d: r.stdout
        ? (JSON.parse(r.stdout) as {
            allowed: boolean;
            reasons: string[];
            operations: { status: string; category: string; from?: string | null }[];
            snapshot: { indexLag: number } | null;
            rejected: { code: string }[];
            cluster: { state: string };
          })
        : null,
    };
  };

  it('a fresh snapshot of this cluster: go, with the index lag reported', async () => {
    const r = await decide(await fake(), ['--op', 'POST sys/mounts/kv', '--snapshot-dir', '.']);
    expect(r.code).toBe(0);
    expect(r.d?.snapshot?.indexLag).toBe(14);
    expect(r.d?.cluster.state).toBe('active');
  });

  it('a fresh snapshot of another cluster is not a backup of this one', async () => {
    const r = await decide(
      await fake(),
      ['--op', 'POST sys/mounts/kv', '--snapshot-dir', '.'],
      snapDir(['other-0', 'other-1', 'other-2']),
    );
    expect(r.code).toBe(1);
    expect(r.d?.rejected.map((x) => x.code)).toEqual(['FOREIGN_CLUSTER']);
  });

  it.each(['sealed', 'uninitialized'] as const)(
    'a %s Vault is a no-go for changes that need a backup, saying which',
    async (state) => {
      const r = await decide(await fake({ state }), ['--op', 'POST sys/mounts/kv', '--snapshot-dir', '.']);
      expect(r.code).toBe(1);
      expect(r.d?.operations[0]?.status).toBe('vault-unavailable');
      expect(r.d?.reasons[0]).toMatch(state === 'sealed' ? /is sealed/ : /not initialised/);
    },
  );

  it('an unreachable Vault is a no-go; reads still go', async () => {
    const v = await fake();
    await v.close();
    expect((await decide(v, ['--op', 'POST sys/mounts/kv', '--snapshot-dir', '.'])).d?.reasons[0]).toMatch(
      /connection refused/,
    );
    expect((await decide(v, ['--op', 'GET sys/health'])).code).toBe(0);
  });

  it('"upgrade TO" takes FROM from the running version: lower is a downgrade', async () => {
    const r = await decide(await fake({ version: '1.17.2' }), ['--op', 'upgrade 1.16.0', '--snapshot-dir', '.']);
    expect(r.d?.operations[0]).toMatchObject({ category: 'downgrade', from: '1.17.2', status: 'refused' });
    expect(
      (await decide(await fake({ version: '1.17.2' }), ['--op', 'upgrade 1.18.0', '--snapshot-dir', '.'])).d
        ?.operations[0],
    ).toMatchObject({ category: 'upgrade', status: 'satisfied' });
  });

  it('storage without atomic snapshots is a no-go with that explanation', async () => {
    const r = await decide(await fake({ storageType: 'file' }), ['--op', 'POST sys/mounts/kv', '--snapshot-dir', '.']);
    expect(r.code).toBe(1);
    expect(r.d?.reasons[0]).toMatch(
      /"file", which has no atomic snapshots: the storage docs recommend backing it up offline/,
    );
  });

  it('--take-snapshot DIR takes one when none is fresh, then decides', async () => {
    const cwd = snapDir(undefined, 300);
    for (const [name, bytes] of Object.entries(freshBundle())) {
      mkdirSync(path.dirname(path.join(cwd, name)), { recursive: true });
      writeFileSync(path.join(cwd, name), bytes, { mode: 0o600 });
    }
    const ok = await decide(
      await fake(),
      ['--op', 'upgrade 1.18.0', '--snapshot-dir', '.', '--config-bundle-dir', 'bundles', '--take-snapshot', 'taken'],
      cwd,
    );
    expect(ok.code).toBe(0);
    expect(readdirSync(path.join(cwd, 'taken')).filter((f) => f.endsWith('.snap'))).toHaveLength(1);
    expect(statSync(path.join(cwd, 'taken')).mode & 0o777).toBe(0o700);
  });

  it('--auto-snapshot NAME: a recent run without error counts as evidence; a failed run does not', async () => {
    const empty = tempDir('auto-');
    const ok = await decide(
      await fake({ autoSnapshot: {} }),
      ['--op', 'POST sys/mounts/kv', '--auto-snapshot', 'daily'],
      empty,
    );
    expect(ok.code).toBe(0);
    const failed = await decide(
      await fake({ autoSnapshot: { last_snapshot_error: 'disk full' } }),
      ['--op', 'POST sys/mounts/kv', '--auto-snapshot', 'daily'],
      empty,
    );
    expect(failed.code).toBe(1);
    expect(failed.d?.rejected.map((x) => x.code)).toEqual(['AUTO_SNAPSHOT_FAILED']);
  });

  it('a bad Vault setting is exit 2, one line, without the token', async () => {
    const r = await runCli(['check', '--vault', '--op', 'POST sys/mounts/kv'], {
      env: { VAULT_TOKEN: TOKEN, VAULT_SKIP_VERIFY: 'yes please' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/could not parse VAULT_SKIP_VERIFY/);
    noToken(r.stderr, r.stdout);
  });
});

describe('several clusters (config "clusters")', () => {
  it('each active node needs its own backup: the decision covers each, and goes only if each goes', async () => {
    const primary = await fake({ servers: ['p-0', 'p-1', 'p-2'] });
    const secondary = await fake({ servers: ['s-0', 's-1', 's-2'] });
    const cwd = tempDir('clusters-');

    for (const [name, ids] of [
      ['primary', ['p-0', 'p-1', 'p-2']],
      ['secondary', ['s-0', 's-1', 's-2']],
    ] as const) {
      mkdirSync(path.join(cwd, name), { mode: 0o700 });
      writeFileSync(
        path.join(cwd, name, 'a.snap'),
        buildSnapshot({
          takenAt: new Date(Date.now() - (name === 'primary' ? 5 : 600) * 60_000),
          servers: ids.map((id) => ({ id, address: `${id}:8201` })),
        }),
        { mode: 0o600 },
      );
    }
    for (const [name, bytes] of Object.entries(freshBundle())) {
      mkdirSync(path.dirname(path.join(cwd, name)), { recursive: true });
      writeFileSync(path.join(cwd, name), bytes, { mode: 0o600 });
    }
    writeFileSync(
      path.join(cwd, 'vault-change-gate.config.json'),
      JSON.stringify({
        configBundles: { dir: 'bundles' },
        clusters: [
          { name: 'primary', address: primary.address, snapshots: { dir: 'primary' } },
          { name: 'secondary', address: secondary.address, snapshots: { dir: 'secondary' } },
        ],
      }),
    );
    const r = await runCli(['check', '--json', '--vault', '--op', 'upgrade 1.18.0'], {
      cwd,
      env: { VAULT_TOKEN: TOKEN },
    });
    expect(r.code).toBe(1);
    const d = JSON.parse(r.stdout) as { clusters: { name: string; allowed: boolean }[]; reasons: string[] };
    expect(d.clusters.map((c) => [c.name, c.allowed])).toEqual([
      ['primary', true],
      ['secondary', false],
    ]);
    expect(d.reasons[0]).toMatch(/^\[secondary\] /);
    noToken(r.stdout, r.stderr);
  });
});

describe('the bundled CLI, as users run it', () => {
  it('snapshot save works through bin/vault-change-gate.js (node-vault loaded from the bundle)', async () => {
    const { spawn } = await import('node:child_process');
    const v = await fake();
    const d = tempDir('bin-save-');
    const child = spawn(
      process.execPath,
      [path.join(__dirname, '../../bin/vault-change-gate.js'), 'snapshot', 'save', 'b.snap'],
      { cwd: d, env: { ...process.env, ...envFor(v), NO_COLOR: '1' } },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, out).toBe(0);
    expect(out).toMatch(/Saved and verified b\.snap/);
    noToken(out);
  });
});

describe('the hook asks the live cluster when the config says so', () => {
  it('a sealed Vault stops a push that needs a backup, even with a fresh snapshot', async () => {
    const { GitDir } = await import('../helpers/gitdir.js');
    const v = await fake({ state: 'sealed' });
    const repo = new GitDir();
    const backups = tempDir('hook-live-');
    writeFileSync(
      path.join(backups, 'a.snap'),
      buildSnapshot({
        takenAt: new Date(Date.now() - 60_000),
        servers: ['vault-0', 'vault-1', 'vault-2'].map((id) => ({ id, address: `${id}:8201` })),
      }),
      { mode: 0o600 },
    );
    repo.write({
      'vault-change-gate.config.json': JSON.stringify({ snapshots: { dir: backups }, vault: { live: true } }),
    });
    const base = repo.commit({ 'a.tf': '' });
    const head = repo.commit({ 'b.tf': 'resource "vault_mount" "b" {\n  path = "b"\n  type = "kv"\n}\n' });
    const input = `refs/heads/main ${head} refs/heads/main ${base}\n`;
    const sealed = await runCli(['hook', 'pre-push', 'origin'], { cwd: repo.dir, stdin: input, env: envFor(v) });
    expect(sealed.code).toBe(1);
    expect(sealed.stderr).toMatch(/is sealed/);
    noToken(sealed.stderr);
    // Without VAULT_ADDR the hook does not ask, and the fresh snapshot is enough.
    expect((await runCli(['hook', 'pre-push', 'origin'], { cwd: repo.dir, stdin: input, env: {} })).code).toBe(0);
  });
});
