import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createVaultClient, readVaultSettings, VaultConfigError } from '../../src/index.js';
import { gatherClusterFacts } from '../../src/unstable.js';
import { runCli } from '../helpers/cli.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import {
  fakeVaults,
  makeTlsMaterial,
  startRedirector,
  type FakeVault,
  type RawAnswer,
} from '../helpers/vault-server.js';
import { tempDir } from '../helpers/tmp.js';

const TOKEN = 'hvs.test-token-not-secret';
/** Planted in bodies that are not Vault's: it must never be echoed. */
const BODY_MARK = 'BODY-MARK-7f3a';
const { fake, track } = fakeVaults();
const home = () => tempDir('home-');
const facts = (address: string, extra: Record<string, string> = {}) =>
  gatherClusterFacts(
    createVaultClient(readVaultSettings({ VAULT_ADDR: address, VAULT_TOKEN: TOKEN, ...extra }, home())),
  );
const html = (status: number, extra: Partial<RawAnswer> = {}): RawAnswer => ({
  status,
  contentType: 'text/html; charset=utf-8',
  body: `<html><body>${BODY_MARK} Bad Gateway</body></html>`,
  ...extra,
});
const jsonAnswer = (status: number, body: unknown): RawAnswer => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify(body),
});

/** A fresh snapshot of the fake cluster, so that only the cluster's answers decide. */
function backups(): string {
  const d = tempDir('broken-');
  const servers = ['vault-0', 'vault-1', 'vault-2'].map((id) => ({ id, address: `${id}:8201` }));
  const archive = buildSnapshot({ takenAt: new Date(Date.now() - 60_000), index: 150, servers });
  writeFileSync(path.join(d, 'a.snap'), archive, { mode: 0o600 });
  return d;
}

async function checkLive(address: string) {
  const argv = ['check', '--vault', '--op', 'POST sys/mounts/kv', '--snapshot-dir', '.'];
  const options = { cwd: backups(), env: { VAULT_ADDR: address, VAULT_TOKEN: TOKEN } };
  const r = await runCli([...argv, '--json'], options);
  const text = await runCli(argv, options);
  for (const out of [r.stdout, r.stderr, text.stdout, text.stderr]) {
    expect(out).not.toContain(BODY_MARK);
    expect(out).not.toContain(TOKEN);
  }
  expect(text.code).toBe(r.code);
  type Seen = { operations: { status: string }[]; reasons: string[]; cluster: { reachable: boolean; notes: string[] } };
  return { code: r.code, d: JSON.parse(r.stdout) as Seen };
}

describe("sys/health answers that are not Vault's are vault-unavailable, saying status and content type", () => {
  it.each<[string, RawAnswer, RegExp]>([
    [
      '503 text/html (a load balancer in front of a dead Vault)',
      html(503),
      /sys\/health answered HTTP 503 and text\/html, not Vault's JSON/,
    ],
    ['502 text/html', html(502), /HTTP 502 and text\/html/],
    ['200 text/html (a login page)', html(200), /HTTP 200 and text\/html/],
    ['302 elsewhere', html(302, { headers: { Location: 'https://sso.example.com/login' } }), /HTTP 302 and text\/html/],
    ['200 with no content type', { status: 200, body: BODY_MARK }, /HTTP 200 and no content type/],
    [
      '200 {}',
      jsonAnswer(200, {}),
      /HTTP 200 and application\/json that is not its documented shape \(initialized: expected boolean\)/,
    ],
    [
      '200 with wrong types',
      jsonAnswer(200, { initialized: 'true', sealed: false, standby: false, version: '1.17.2' }),
      /initialized: expected boolean/,
    ],
    [
      '200 JSON that says sealed',
      jsonAnswer(200, { initialized: true, sealed: true, standby: false, version: '1.17.2' }),
      /contradicts it/,
    ],
    [
      '503 JSON that says unsealed',
      jsonAnswer(503, { initialized: true, sealed: false, standby: false, version: '1.17.2' }),
      /contradicts it/,
    ],
    [
      '418 JSON (a status health never gives)',
      jsonAnswer(418, { initialized: true, sealed: false, standby: false, version: '1.17.2' }),
      /HTTP 418 .*not a status Vault's health check gives/,
    ],
    [
      '200 application/json that is not JSON',
      { status: 200, contentType: 'application/json', body: `{${BODY_MARK}` },
      /HTTP 200 and application\/json, not Vault's JSON/,
    ],
    ['200 a JSON array', jsonAnswer(200, [BODY_MARK]), /not its documented shape/],
  ])('%s', async (_name, answer, message) => {
    const v = await fake({ answers: { '/v1/sys/health': answer } });
    const f = await facts(v.address);
    expect(f.reachable).toBe(false);
    expect(f.state).toBe('unknown');
    expect(f.error).toMatch(message);
    expect(f.error).not.toContain(BODY_MARK);
    const r = await checkLive(v.address);
    expect(r.code).toBe(1);
    expect(r.d.operations[0]?.status).toBe('vault-unavailable');
    expect(r.d.reasons[0]).toMatch(message);
  });

  it('the documented statuses keep their meaning (control)', async () => {
    for (const [state, status] of [
      ['active', 200],
      ['standby', 429],
      ['sealed', 503],
      ['uninitialized', 501],
    ] as const) {
      const f = await facts((await fake({ state })).address);
      expect([f.reachable, f.state, f.healthStatus]).toEqual([true, state, status]);
    }
  });
});

describe('the same strictness for every endpoint read for evidence', () => {
  it.each<[string, string, RawAnswer, RegExp]>([
    ['seal status as HTML', '/v1/sys/seal-status', html(200), /sys\/seal-status answered HTTP 200 and text\/html/],
    ['seal status {}', '/v1/sys/seal-status', jsonAnswer(200, {}), /sys\/seal-status answered .*documented shape/],
    ['leader behind a 502 page', '/v1/sys/leader', html(502), /sys\/leader answered HTTP 502 and text\/html/],
    [
      'leader with a string index',
      '/v1/sys/leader',
      jsonAnswer(200, { ha_enabled: true, is_self: true, leader_address: '', raft_applied_index: '164' }),
      /raft_applied_index: expected number/,
    ],
    [
      'raft configuration {}',
      '/v1/sys/storage/raft/configuration',
      jsonAnswer(200, {}),
      /sys\/storage\/raft\/configuration answered .*\(data: expected object\)/,
    ],
    ['raft configuration as HTML', '/v1/sys/storage/raft/configuration', html(200), /HTTP 200 and text\/html/],
    [
      'autopilot state as HTML',
      '/v1/sys/storage/raft/autopilot/state',
      html(200),
      /autopilot\/state answered HTTP 200 and text\/html/,
    ],
    [
      'autopilot state {}',
      '/v1/sys/storage/raft/autopilot/state',
      jsonAnswer(200, {}),
      /autopilot\/state answered .*\(data: expected object\)/,
    ],
    [
      'version history as HTML',
      '/v1/sys/version-history',
      html(404),
      /sys\/version-history answered HTTP 404 and text\/html/,
    ],
    [
      'version history without keys',
      '/v1/sys/version-history',
      jsonAnswer(200, { data: {} }),
      /data\.keys: expected array/,
    ],
  ])('%s', async (_name, endpoint, answer, message) => {
    const v = await fake({ answers: { [endpoint]: answer } });
    const f = await facts(v.address);
    expect(f.reachable).toBe(false);
    expect(f.error).toMatch(message);
    const r = await checkLive(v.address);
    expect(r.d.operations[0]?.status).toBe('vault-unavailable');
  });

  it('seal status that contradicts health: two servers answer one address', async () => {
    const sealStatus = { type: 'shamir', initialized: true, sealed: true, t: 1, n: 1, progress: 0, version: '1.17.2' };
    const v = await fake({ answers: { '/v1/sys/seal-status': jsonAnswer(200, sealStatus) } });
    expect((await facts(v.address)).error).toMatch(/contradicts sys\/health/);
  });

  it("an auto-snapshot status that is not Vault's", async () => {
    const v = await fake({ answers: { '/v1/sys/storage/raft/snapshot-auto/status/daily': html(200) } });
    const r = await runCli(['check', '--json', '--vault', '--auto-snapshot', 'daily', '--op', 'POST sys/mounts/kv'], {
      cwd: backups(),
      env: { VAULT_ADDR: v.address, VAULT_TOKEN: TOKEN },
    });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).reasons[0]).toMatch(/snapshot-auto\/status\/daily answered HTTP 200 and text\/html/);
  });

  it('an unhealthy autopilot is a note, not fatal', async () => {
    const f = await facts((await fake({ autopilotHealthy: false })).address);
    expect(f.reachable).toBe(true);
    expect(f.notes).toContain('autopilot: the raft cluster is not healthy (failure tolerance 0)');
  });

  it("Vault's own refusal of an optional endpoint stays a note (JSON errors with 403 or 404)", async () => {
    const v = await fake({ answers: { '/v1/sys/version-history': jsonAnswer(404, { errors: [] }) } });
    const f = await facts(v.address);
    expect(f.reachable).toBe(true);
    expect(f.notes).toContain('sys/version-history: HTTP 404');
  });
});

describe('redirects: 307/308 only, at most 3, never from https to http, each hop noted', () => {
  it("a standby's 307 to another origin is followed and noted in the evidence", async () => {
    const v = await fake();
    const hop = track(await startRedirector(v.address));
    const f = await facts(hop.address);
    expect(f.state).toBe('active');
    expect(f.notes).toContain(`sys/health: redirected (307) from ${hop.address} to ${v.address}`);
    const r = await checkLive(hop.address);
    expect(r.code).toBe(0);
    expect(r.d.cluster.notes.join('\n')).toMatch(/redirected \(307\)/);
  });

  it('three hops are followed; a fourth is refused', async () => {
    const v = await fake();
    let to = v.address;
    const chain: FakeVault[] = [];
    for (let i = 0; i < 4; i++) (chain.unshift(track(await startRedirector(to))), (to = chain[0]!.address));
    expect((await facts(chain[1]!.address)).state).toBe('active');
    const f = await facts(chain[0]!.address);
    expect(f.reachable).toBe(false);
    expect(f.error).toMatch(/redirected more than 3 times/);
  });

  it("301, 302 and 303 are not followed: what came back is not Vault's", async () => {
    const v = await fake();
    for (const status of [301, 302, 303]) {
      const hop = track(await startRedirector(v.address, { status }));
      const f = await facts(hop.address);
      expect(f.reachable).toBe(false);
      expect(f.error).toMatch(new RegExp(`HTTP ${status} and text/html`));
    }
  });

  const tls = makeTlsMaterial();
  it('https to http is refused (the token would travel in clear); http to https is followed', async () => {
    const plain = await fake();
    const secureHop = track(await startRedirector(plain.address, { tls: { key: tls.key, cert: tls.cert } }));
    const f = await facts(secureHop.address, { VAULT_CACERT: tls.caFile });
    expect(f.reachable).toBe(false);
    expect(f.error).toMatch(/redirected to http:\/\/127\.0\.0\.1:\d+, which is not https; refused/);
    expect(plain.requests).toHaveLength(0);

    const secure = await fake({ tls: { key: tls.key, cert: tls.cert } });
    const up = track(await startRedirector(secure.address));
    expect((await facts(up.address, { VAULT_CACERT: tls.caFile })).state).toBe('active');
  });

  it('http, then https, then http again is refused', async () => {
    const plain = await fake();
    const secureHop = track(await startRedirector(plain.address, { tls: { key: tls.key, cert: tls.cert } }));
    const first = track(await startRedirector(secureHop.address));
    const f = await facts(first.address, { VAULT_CACERT: tls.caFile });
    expect(f.error).toMatch(/which is not https; refused/);
  });
});

describe('credentials in VAULT_ADDR or a Location never reach any output', () => {
  const PASS = 'S3cretPassw0rd';
  const QUERY = 'qtok-9d8e7f';

  it('"cannot reach" messages, check text and --json, snapshot save: the address is shown masked', async () => {
    const v = await fake();
    await v.close();
    const address = v.address.replace('http://', `http://admin:${PASS}@`) + `/?token=${QUERY}`;
    const f = await facts(address);
    expect(f.error).toMatch(/cannot reach Vault at http:\/\/\*\*\*@127\.0\.0\.1:\d+\?\*\*\*: connection refused/);
    expect(f.address).not.toContain(PASS);
    const runs = [
      await runCli(['check', '--json', '--vault', '--op', 'POST sys/mounts/kv'], {
        cwd: backups(),
        env: { VAULT_ADDR: address, VAULT_TOKEN: TOKEN },
      }),
      await runCli(['check', '--vault', '--op', 'POST sys/mounts/kv'], {
        cwd: backups(),
        env: { VAULT_ADDR: address, VAULT_TOKEN: TOKEN },
      }),
      await runCli(['snapshot', 'save', 'x.snap'], {
        cwd: backups(),
        env: { VAULT_ADDR: address, VAULT_TOKEN: TOKEN },
      }),
      await runCli(['snapshot', 'save', 'x.snap'], {
        cwd: backups(),
        env: { VAULT_ADDR: `http://admin:${PASS}@[::zz`, VAULT_TOKEN: TOKEN },
      }),
    ];
    expect(runs.map((r) => r.code)).toEqual([1, 1, 1, 2]);
    for (const r of runs) for (const secret of [PASS, QUERY, TOKEN]) expect(r.stdout + r.stderr).not.toContain(secret);
    expect(() => readVaultSettings({ VAULT_ADDR: `https://u:${PASS}@vault:8200/%zz[` }, home())).not.toThrow(
      new RegExp(PASS),
    );
    expect(() => readVaultSettings({ VAULT_ADDR: `http://u:${PASS}@[::zz` }, home())).toThrow(VaultConfigError);
  });

  it('the hook and the decision log show the address masked too', async () => {
    const { GitDir } = await import('../helpers/gitdir.js');
    const v = await fake();
    await v.close();
    const address = v.address.replace('http://', `http://admin:${PASS}@`) + `/?token=${QUERY}`;
    const repo = new GitDir();
    const log = path.join(tempDir('log-'), 'decisions.jsonl');
    repo.write({
      'vault-change-gate.config.json': JSON.stringify({
        snapshots: { dir: backups() },
        vault: { live: true },
        decisionLog: log,
      }),
    });
    const base = repo.commit({ 'a.tf': '' });
    const head = repo.commit({ 'b.tf': 'resource "vault_mount" "b" {\n  path = "b"\n  type = "kv"\n}\n' });
    const input = `refs/heads/main ${head} refs/heads/main ${base}\n`;
    const hook = await runCli(['hook', 'pre-push', 'origin'], {
      cwd: repo.dir,
      stdin: input,
      env: { VAULT_ADDR: address, VAULT_TOKEN: TOKEN },
    });
    expect(hook.code).toBe(1);
    expect(hook.stderr).toMatch(/cannot reach Vault at http:\/\/\*\*\*@127\.0\.0\.1/);
    const logged = (await import('node:fs')).readFileSync(log, 'utf8');
    expect(logged).toMatch(/\*\*\*@127\.0\.0\.1/);
    for (const secret of [PASS, QUERY, TOKEN]) expect(hook.stdout + hook.stderr + logged).not.toContain(secret);
  });

  it('a redirect whose Location carries credentials is noted with them masked', async () => {
    const v = await fake();
    const hop = track(await startRedirector(v.address.replace('http://', `http://u:${PASS}@`)));
    const f = await facts(hop.address);
    expect(f.state).toBe('active');
    expect(f.notes.join('\n')).toMatch(/to http:\/\/\*\*\*@127\.0\.0\.1:\d+/);
    expect(JSON.stringify(f)).not.toContain(PASS);
  });
});

describe('snapshot save: an answer that is not an archive', () => {
  it.each<[string, RawAnswer, RegExp]>([
    ['200 text/html', html(200), /answered HTTP 200 and text\/html instead of a snapshot/],
    [
      '200 application/json',
      jsonAnswer(200, { data: BODY_MARK }),
      /answered HTTP 200 and application\/json instead of a snapshot/,
    ],
    [
      '302 elsewhere',
      html(302, { headers: { Location: 'https://sso.example.com/' } }),
      /answered HTTP 302 and text\/html instead of a snapshot/,
    ],
    ['502 text/html', html(502), /answered HTTP 502 and text\/html instead of a snapshot/],
  ])('%s: exit 1 saying status and content type, nothing written', async (_name, answer, message) => {
    const v = await fake({ answers: { '/v1/sys/storage/raft/snapshot': answer } });
    const cwd = tempDir('save-broken-');
    const r = await runCli(['snapshot', 'save', 'b.snap'], { cwd, env: { VAULT_ADDR: v.address, VAULT_TOKEN: TOKEN } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr + r.stdout).not.toContain(BODY_MARK);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
