import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { saveBundle } from '../../src/bundle/save.js';
import { DecisionSchema } from '../../src/gate/schema.js';
import { inspectSnapshot } from '../../src/snapshot/inspect.js';
import { runCli } from '../helpers/cli.js';
import { freshBundle, serverFixture } from '../helpers/server-config.js';
import { hasShared, sharedPath } from '../helpers/shared.js';
import { buildSnapshot, vaultState } from '../helpers/snapshot-writer.js';
import { tempFiles } from '../helpers/tmp.js';
import { fakeVaults, type FakeVault } from '../helpers/vault-server.js';

const TOKEN = 'hvs.test-token-not-secret';
const { fake } = fakeVaults();
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A Vault state whose seal configuration is `seal` (and recovery configuration `recovery`). */
const stateWith = (seal: object, recovery?: object) =>
  vaultState([
    ['core/keyring', Buffer.from([0, 0, 0, 1, 2, 9])],
    ...(recovery ? [['core/recovery-config', Buffer.from(JSON.stringify(recovery))] as [string, Buffer]] : []),
    ['core/seal-config', Buffer.from(JSON.stringify(seal))],
    ['core/versions/1.17.0', Buffer.from([0, 0, 0, 1, 2, 8])],
  ]);
const SHAMIR_5_3 = { type: 'shamir', secret_shares: 5, secret_threshold: 3, stored_shares: 1 };

async function decide(argv: string[], cwd: string, env: Record<string, string> = {}) {
  const r = await runCli(['check', '--json', ...argv], { cwd, env });
  expect(r.stderr).toBe('');
  return { code: r.code, d: DecisionSchema.parse(JSON.parse(r.stdout)) };
}
const codes = (d: { restore?: { findings: { code: string; blocking: boolean }[] } | undefined }) =>
  (d.restore?.findings ?? []).map((f) => `${f.code}${f.blocking ? '' : ' (warning)'}`);

describe('check: configuration bundles (configBundles, --config-bundle-dir)', () => {
  const upgrade = ['--op', 'upgrade 1.16.2 -> 1.17.0', '--snapshot-dir', 'backups'];
  const snapshot = { 'backups/a.snap': buildSnapshot({ takenAt: ago(5) }) };

  it('an upgrade without a bundle is a no-go NO_CONFIG_BUNDLE, with the command to make one', async () => {
    const cwd = tempFiles(snapshot);
    const { code, d } = await decide(upgrade, cwd);
    expect(code).toBe(1);
    expect(codes(d)).toEqual(['NO_CONFIG_BUNDLE']);
    expect(d.reasons.join(' ')).toMatch(/needs a configuration bundle no older than 1h, and there is no valid/);
    const step = d.nextSteps.find((s) => s.code === 'MAKE_CONFIG_BUNDLE');
    expect(step?.text).toMatch(/vault-change-gate config-bundle save \S+ --server-config/);
    // The same with a folder that holds only a damaged bundle: it is counted as refused.
    const damaged = tempFiles({ ...snapshot, 'bundles/vault-config-20261204T090000Z.tar.gz': Buffer.from('x') });
    const again = await decide([...upgrade, '--config-bundle-dir', 'bundles'], damaged);
    expect(again.d.reasons.join(' ')).toMatch(/no valid configuration bundle in bundles \(1 refused\)/);
  });

  it('a fresh bundle lets it go; a stale one is STALE_CONFIG_BUNDLE; maxAge and requireFor are configurable', async () => {
    let cwd = tempFiles({ ...snapshot, ...freshBundle(ago(10)) });
    expect((await decide([...upgrade, '--config-bundle-dir', 'bundles'], cwd)).code).toBe(0);
    cwd = tempFiles({ ...snapshot, ...freshBundle(ago(120)) });
    const stale = await decide([...upgrade, '--config-bundle-dir', 'bundles'], cwd);
    expect(stale.code).toBe(1);
    expect(codes(stale.d)).toEqual(['STALE_CONFIG_BUNDLE']);
    writeFileSync(
      path.join(cwd, 'vault-change-gate.config.json'),
      JSON.stringify({ configBundles: { dir: 'bundles', maxAge: '3h' } }),
    );
    expect((await decide(upgrade, cwd)).code).toBe(0);
    writeFileSync(
      path.join(cwd, 'vault-change-gate.config.json'),
      JSON.stringify({ configBundles: { requireFor: [] } }),
    );
    expect(
      (
        await decide(
          upgrade,
          tempFiles({ ...snapshot, 'vault-change-gate.config.json': '{"configBundles":{"requireFor":[]}}' }),
        )
      ).code,
    ).toBe(0);
  });

  it('operations outside requireFor need no bundle; plugins, seal and storage-migration do', async () => {
    const cwd = tempFiles(snapshot);
    expect((await decide(['--op', 'POST sys/mounts/kv', '--snapshot-dir', 'backups'], cwd)).code).toBe(0);
    for (const op of [
      'vault plugin register -sha256=abc secret my-plugin',
      'vault operator migrate -config=migrate.hcl',
      'vault operator unseal -migrate',
    ]) {
      const { d } = await decide(['--op', op, '--snapshot-dir', 'backups'], cwd);
      expect(codes(d), op).toEqual(['NO_CONFIG_BUNDLE']);
    }
  });

  it('an encrypted bundle counts by its header and the time in its name', async () => {
    const { generateIdentity, identityToRecipient } = await import('age-encryption');
    const cwd = tempFiles(snapshot);
    const fx = serverFixture({ seal: 'shamir' });
    const recipients = [await identityToRecipient(await generateIdentity())];
    const saved = await saveBundle(path.join(cwd, 'bundles'), { serverConfigs: [fx.config], cwd: fx.root, recipients });
    expect(saved.saved).toBe(true);
    const { code, d } = await decide([...upgrade, '--config-bundle-dir', 'bundles'], cwd);
    expect(code).toBe(0);
    expect(d.restore?.configBundle).toMatchObject({ encrypted: true, contentsVerified: false });
    expect(d.restore?.configBundle?.file).toMatch(/\.tar\.gz\.age$/);
  });

  it('a --config-bundle-dir that does not exist is a usage error', async () => {
    const r = await runCli(['check', ...upgrade, '--config-bundle-dir', 'nope'], { cwd: tempFiles(snapshot) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/configuration bundle folder nope does not exist/);
  });

  it('SEAL_TYPE_MISMATCH: a bundle configuring another seal than the snapshot was taken with', async () => {
    const cwd = tempFiles({ ...snapshot, ...freshBundle(ago(5), 'bundles', { seal: 'transit' }) });
    const { code, d } = await decide([...upgrade, '--config-bundle-dir', 'bundles'], cwd);
    expect(code).toBe(1);
    expect(codes(d)).toEqual(['SEAL_TYPE_MISMATCH']);
    expect(d.reasons[0]).toMatch(/configures a transit seal but backups\/a\.snap was taken with a shamir seal/);
  });

  it('a planned rekey: the next steps say to keep the current shares, even on a go', async () => {
    const cwd = tempFiles(snapshot);
    const { code, d } = await decide(
      ['--op', 'vault operator rekey -init -key-shares=5 -key-threshold=3', '--snapshot-dir', 'backups'],
      cwd,
    );
    expect(code).toBe(0);
    expect(d.nextSteps.find((s) => s.code === 'KEEP_SEAL_KEYS')?.text).toMatch(
      /^After this rekey, the evidence snapshot \(backups\/a\.snap\) needs the current unseal or recovery key shares/,
    );
  });
});

describe('check --vault: plugins and the live seal', () => {
  const env = (v: FakeVault) => ({ VAULT_ADDR: v.address, VAULT_TOKEN: TOKEN });

  async function withBundle(pluginsKnown: boolean) {
    const fx = serverFixture({ seal: 'shamir' });
    const cwd = tempFiles({
      'backups/a.snap': buildSnapshot({
        takenAt: ago(5),
        servers: ['vault-0', 'vault-1', 'vault-2'].map((id) => ({ id, address: `${id}:8201` })),
        state: stateWith(SHAMIR_5_3),
      }),
    });
    const saved = await saveBundle(path.join(cwd, 'bundles'), { serverConfigs: [fx.config], cwd: fx.root });
    if (!saved.saved) throw new Error(saved.reason);
    const known = Object.entries(fx.plugins)[0] as [string, Buffer];
    const plugins = [
      { type: 'secret' as const, name: known[0], sha256: sha(known[1]), version: 'v1.0.0' },
      ...(pluginsKnown ? [] : [{ type: 'auth' as const, name: 'vault-plugin-auth-gone', sha256: 'f'.repeat(64) }]),
    ];
    return { cwd, plugins };
  }

  it('every external plugin with its binary in the bundle: go', async () => {
    const { cwd, plugins } = await withBundle(true);
    const v = await fake({ plugins });
    const { code, d } = await decide(
      ['--vault', '--op', 'upgrade 1.18.0', '--snapshot-dir', 'backups', '--config-bundle-dir', 'bundles'],
      cwd,
      env(v),
    );
    expect(codes(d)).toEqual([]);
    expect(code).toBe(0);
    expect(d.restore?.configBundle?.file).toMatch(/^bundles\/vault-config-/);
  });

  it('PLUGIN_NOT_REINSTALLABLE: a no-go for an upgrade, a warning for a mount change', async () => {
    const { cwd, plugins } = await withBundle(false);
    const v = await fake({ plugins });
    const up = await decide(
      ['--vault', '--op', 'upgrade 1.18.0', '--snapshot-dir', 'backups', '--config-bundle-dir', 'bundles'],
      cwd,
      env(v),
    );
    expect(up.code).toBe(1);
    expect(codes(up.d)).toEqual(['PLUGIN_NOT_REINSTALLABLE']);
    expect(up.d.reasons.join(' ')).toMatch(/Plugin auth\/vault-plugin-auth-gone has no binary with its sha256/);
    const mount = await decide(
      ['--vault', '--op', 'POST sys/mounts/kv', '--snapshot-dir', 'backups', '--config-bundle-dir', 'bundles'],
      cwd,
      env(v),
    );
    expect(mount.code).toBe(0);
    expect(mount.d.warnings.map((w) => w.code)).toContain('PLUGIN_NOT_REINSTALLABLE');
  });

  it('a catalogue the token may not read: the plugins are unknown, which blocks an upgrade', async () => {
    const { cwd } = await withBundle(true);
    const v = await fake({
      answers: {
        '/v1/sys/plugins/catalog': {
          status: 403,
          contentType: 'application/json',
          body: '{"errors":["permission denied"]}',
        },
      },
    });
    const { code, d } = await decide(
      ['--vault', '--op', 'upgrade 1.18.0', '--snapshot-dir', 'backups', '--config-bundle-dir', 'bundles'],
      cwd,
      env(v),
    );
    expect(code).toBe(1);
    expect(d.reasons.join(' ')).toMatch(/plugin catalogue could not be read .*403/);
  });

  it('SEAL_CHANGED_SINCE_SNAPSHOT: a rekey after the snapshot warns, and blocks a restore of it', async () => {
    const { cwd } = await withBundle(true);
    const same = await fake({ sealStatus: { n: 5, t: 3 } });
    const mount = [
      '--vault',
      '--op',
      'POST sys/mounts/kv',
      '--snapshot-dir',
      'backups',
      '--config-bundle-dir',
      'bundles',
    ];
    expect(codes((await decide(mount, cwd, env(same))).d)).toEqual([]);
    const rekeyed = await fake({ sealStatus: { n: 7, t: 4 } });
    const warned = await decide(mount, cwd, env(rekeyed));
    expect(warned.code).toBe(0);
    expect(codes(warned.d)).toEqual(['SEAL_CHANGED_SINCE_SNAPSHOT (warning)']);
    expect(warned.d.warnings.find((w) => w.code === 'SEAL_CHANGED_SINCE_SNAPSHOT')?.reason).toMatch(
      /3 of 5 unseal key shares, but the cluster now has 4 of 7: a rekey came after it/,
    );
    const restore = [
      '--vault',
      '--op',
      'vault operator raft snapshot restore backups/a.snap',
      '--snapshot-dir',
      'backups',
      '--config-bundle-dir',
      'bundles',
    ];
    const blocked = await decide(restore, cwd, env(rekeyed));
    expect(blocked.code).toBe(1);
    expect(codes(blocked.d)).toContain('SEAL_CHANGED_SINCE_SNAPSHOT');
    const migrated = await fake({ sealStatus: { type: 'transit', n: 5, t: 3, recovery_seal: true } });
    expect(
      (await decide(mount, cwd, env(migrated))).d.warnings.find((w) => w.code === 'SEAL_CHANGED_SINCE_SNAPSHOT')
        ?.reason,
    ).toMatch(/now has a transit seal: a seal migration came after it/);
  });
});

describe('snapshot inspect: the seal object (core/seal-config, core/recovery-config)', () => {
  const inspect = (state: Buffer) => inspectSnapshot(Readable.from([buildSnapshot({ state })]), { file: 'x.snap' });

  it('Shamir: the unseal shares; auto-unseal: the recovery shares too; sealType kept', async () => {
    const shamir = await inspect(stateWith(SHAMIR_5_3));
    expect(shamir.seal).toEqual({ type: 'shamir', shares: 5, threshold: 3, storedShares: 1, recovery: null });
    expect(shamir.sealType).toBe('shamir');
    const kms = await inspect(
      stateWith(
        { type: 'awskms', secret_shares: 1, secret_threshold: 1, stored_shares: 1 },
        { type: 'shamir', secret_shares: 5, secret_threshold: 3 },
      ),
    );
    expect(kms.seal).toEqual({
      type: 'awskms',
      shares: 1,
      threshold: 1,
      storedShares: 1,
      recovery: { type: 'shamir', shares: 5, threshold: 3, storedShares: null },
    });
    expect(kms.valid).toBe(true);
  });

  it.skipIf(!hasShared)('the real Vault 1.14.3 snapshot: Shamir 1 of 1, no recovery configuration', async () => {
    const r = await inspectSnapshot(sharedPath('fixtures/snapshots/vault/test.snap'));
    expect(r.seal).toEqual({ type: 'shamir', shares: 1, threshold: 1, storedShares: 1, recovery: null });
    const cli = await runCli(['snapshot', 'inspect', '--json', sharedPath('fixtures/snapshots/vault/test.snap')]);
    expect(JSON.parse(cli.stdout)).toMatchObject({ sealType: 'shamir', seal: { type: 'shamir', shares: 1 } });
  });

  it('a seal configuration that is not JSON: no seal, a note, still valid', async () => {
    const r = await inspect(vaultState([['core/seal-config', Buffer.from('{not json')]]));
    expect(r.seal).toBeNull();
    expect(r.notes.join(' ')).toMatch(/core\/seal-config is not readable JSON/);
  });
});
