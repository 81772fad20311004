import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectBundle } from '../../src/bundle/inspect.js';
import { saveBundle } from '../../src/bundle/save.js';
import { BundleInspectionSchema } from '../../src/bundle/schema.js';
import { runCli } from '../helpers/cli.js';
import { serverFixture, TRANSIT_TOKEN, PEM_KEY } from '../helpers/server-config.js';
import { tempDir } from '../helpers/tmp.js';
import { fakeVaults } from '../helpers/vault-server.js';

const NOW = new Date('2026-06-01T09:15:00Z');

async function save(fx: ReturnType<typeof serverFixture>, extra: Partial<Parameters<typeof saveBundle>[1]> = {}) {
  const out = tempDir('bundles-');
  const result = await saveBundle(out, { serverConfigs: [fx.config], cwd: fx.root, now: NOW, ...extra });
  if (!result.saved) throw new Error(result.reason);
  return { out, ...result };
}

describe('config-bundle save: what the configuration names is followed', () => {
  for (const json of [false, true]) {
    it(`${json ? 'JSON' : 'HCL'}: listener TLS files, raft retry_join files, plugins, license, seal files`, async () => {
      const fx = serverFixture({ json });
      const { file, manifest } = await save(fx);
      expect(path.basename(file)).toBe('vault-config-20260601T091500Z.tar.gz');
      const paths = manifest.files.map((f) => f.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          fx.config,
          fx.tls.cert,
          fx.tls.key,
          fx.tls.ca,
          fx.license,
          ...Object.keys(fx.plugins).map((p) => path.join(fx.pluginDir, p)),
        ]),
      );
      expect(new Set(paths).size).toBe(paths.length);
      const key = manifest.files.find((f) => f.path === fx.tls.key);
      expect(key).toMatchObject({ sensitive: true, why: 'a private key', mode: '0600' });
      expect(key?.roles.join(' ')).toMatch(/tls_key_file/);
      expect(key?.roles.join(' ')).toMatch(/retry_join leader_client_key_file/);
      expect(manifest.files.find((f) => f.path === fx.license)).toMatchObject({ sensitive: true, why: 'a license' });
      const config = manifest.files.find((f) => f.path === fx.config);
      expect(config?.sensitive).toBe(true);
      expect(config?.why).toMatch(/seal "transit" sets token/);
      expect(manifest.seal).toEqual({ type: 'transit', disabled: [] });
      expect(manifest.storageType).toBe('raft');
      expect(manifest.pluginDirectory).toBe(fx.pluginDir);
      // The token's value is never in the manifest (only the file holds it).
      expect(JSON.stringify(manifest)).not.toContain(TRANSIT_TOKEN);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const inspected = await inspectBundle(file);
      expect(BundleInspectionSchema.parse(inspected).valid).toBe(true);
      expect(inspected.contentsVerified).toBe(true);
    });
  }

  it('a folder as --server-config reads every *.hcl and *.json in it; AWS KMS secret_key is sensitive', async () => {
    const fx = serverFixture({ seal: 'awskms' });
    writeFileSync(path.join(fx.configDir, 'telemetry.json'), JSON.stringify({ telemetry: { disable_hostname: true } }));
    writeFileSync(path.join(fx.configDir, 'README.txt'), 'not configuration');
    const { manifest } = await save(fx, { serverConfigs: [fx.configDir] });
    expect(manifest.serverConfigs.map((p) => path.basename(p))).toEqual(['telemetry.json', 'vault.hcl']);
    expect(manifest.files.some((f) => f.path.endsWith('README.txt'))).toBe(false);
    expect(manifest.files.find((f) => f.path === fx.config)?.why).toMatch(/seal "awskms" sets secret_key/);
    expect(manifest.seal.type).toBe('awskms');
  });

  it('Shamir (no seal stanza); a migration keeps the disabled seal apart', async () => {
    const fx = serverFixture({ seal: 'shamir' });
    expect((await save(fx)).manifest.seal).toEqual({ type: 'shamir', disabled: [] });
    writeFileSync(
      path.join(fx.configDir, 'seal.hcl'),
      'seal "awskms" {\n  kms_key_id = "k"\n  disabled = "true"\n}\nseal "transit" {\n  key_name = "k"\n}\n',
    );
    expect((await save(fx, { serverConfigs: [fx.configDir] })).manifest.seal).toEqual({
      type: 'transit',
      disabled: ['awskms'],
    });
  });

  it('--include keeps a systemd unit, an environment file (sensitive by the names it sets) and scripts', async () => {
    const fx = serverFixture({ seal: 'shamir' });
    const unit = path.join(fx.root, 'vault.service');
    const env = path.join(fx.root, 'vault.env');
    const scripts = path.join(fx.root, 'scripts');
    mkdirSync(scripts);
    writeFileSync(unit, '[Service]\nExecStart=/usr/bin/vault server -config=/etc/vault.d\n');
    writeFileSync(env, 'VAULT_ADDR=https://127.0.0.1:8200\nexport VAULT_TOKEN=hvs.secret-value\n');
    writeFileSync(path.join(scripts, 'backup.sh'), '#!/bin/sh\nvault operator raft snapshot save x.snap\n');
    const { manifest } = await save(fx, { includes: [unit, env, scripts] });
    expect(manifest.files.find((f) => f.path === env)).toMatchObject({ sensitive: true, why: 'sets VAULT_TOKEN' });
    expect(manifest.files.find((f) => f.path === unit)?.sensitive).toBe(false);
    expect(manifest.files.some((f) => f.path.endsWith('backup.sh'))).toBe(true);
    expect(JSON.stringify(manifest)).not.toContain('hvs.secret-value');
  });

  it('a referenced file that is missing: no bundle, one sentence naming the file and who names it', async () => {
    const fx = serverFixture({ seal: 'shamir' });
    const text = readFileSync(fx.config, 'utf8').replace(fx.tls.ca, path.join(fx.root, 'gone.crt'));
    writeFileSync(fx.config, text);
    const out = tempDir('bundles-');
    const r = await runCli(['config-bundle', 'save', out, '--server-config', fx.config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/gone\.crt.*tls_client_ca_file.*no such file/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(out)).toEqual([]);
  });

  it('a configuration that does not parse, or a path that is an expression: usage error, nothing written', async () => {
    const fx = serverFixture({ seal: 'shamir' });
    const out = tempDir('bundles-');
    writeFileSync(fx.config, 'listener "tcp" {\n  address = \n');
    let r = await runCli(['config-bundle', 'save', out, '--server-config', fx.config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not parse as HCL/);
    writeFileSync(fx.config, 'listener "tcp" {\n  tls_key_file = var.key\n}\n');
    r = await runCli(['config-bundle', 'save', out, '--server-config', fx.config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tls_key_file .* is not a literal path/);
    writeFileSync(path.join(fx.configDir, 'vault.json'), '{"seal": {"transit": {"token": "s.NotShown" x}}}');
    r = await runCli(['config-bundle', 'save', out, '--server-config', path.join(fx.configDir, 'vault.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not valid JSON \(at line 1\)/);
    expect(r.stderr).not.toContain('NotShown');
    expect(readdirSync(out)).toEqual([]);
  });

  it('CLI: warns about sensitive files; --strict refuses them unencrypted (exit 1, nothing written)', async () => {
    const fx = serverFixture();
    const out = tempDir('bundles-');
    let r = await runCli(['config-bundle', 'save', out, '--server-config', fx.config], { cwd: fx.root });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Saved .*vault-config-\d{8}T\d{6}Z\.tar\.gz: 8 files \(3 sensitive\), seal transit\.$/m);
    expect(r.stderr).toMatch(/warning: the bundle holds sensitive files/);
    expect(r.stdout + r.stderr).not.toContain(TRANSIT_TOKEN);
    expect(r.stdout + r.stderr).not.toContain(PEM_KEY.split('\n')[1]);
    const strictOut = tempDir('bundles-');
    r = await runCli(['config-bundle', 'save', strictOut, '--server-config', fx.config, '--strict']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no bundle written: the bundle holds sensitive files .*--recipient/);
    expect(readdirSync(strictOut)).toEqual([]);
  });

  it('--help answers on every level without reading anything', async () => {
    for (const argv of [
      ['config-bundle', '--help'],
      ['config-bundle', 'save', '-h'],
      ['config-bundle', 'inspect', '--help'],
    ]) {
      const r = await runCli(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: vault-change-gate config-bundle (save DIR --server-config FILE|inspect)/);
      expect(r.stdout).toMatch(/Examples?:/);
    }
    expect((await runCli(['config-bundle'])).code).toBe(2);
    expect((await runCli(['config-bundle', 'save', 'x'])).code).toBe(2);
    expect((await runCli(['config-bundle', 'frobnicate'])).code).toBe(2);
  });

  it('GNU tar reads the bundle, and every file comes out with the sha256 the manifest says', async () => {
    const fx = serverFixture({ seal: 'shamir' });
    const { file, manifest } = await save(fx);
    const dir = tempDir('untar-');
    execFileSync('tar', ['xzf', file, '-C', dir]);
    for (const f of manifest.files) {
      const sum = execFileSync('sha256sum', [path.join(dir, f.entry)], { encoding: 'utf8' }).split(' ')[0];
      expect(sum).toBe(f.sha256);
    }
  });
});

describe('config-bundle save: interrupted or failing, nothing is left behind', () => {
  it('an abort in the middle of the write removes the temporary file', async () => {
    const fx = serverFixture({ seal: 'shamir', pluginBytes: [8 << 20, 8 << 20] });
    const out = tempDir('bundles-');
    const controller = new AbortController();
    const saving = saveBundle(out, {
      serverConfigs: [fx.config],
      cwd: fx.root,
      signal: controller.signal,
      onProgress: (bytes) => {
        if (bytes > 1 << 20) controller.abort();
      },
    });
    await expect(saving).rejects.toThrow(/interrupted/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('DIR that is a file: a usage error naming it, never a crash', async () => {
    const fx = serverFixture({ seal: 'shamir' });
    const file = path.join(tempDir('bundles-'), 'not-a-folder');
    writeFileSync(file, 'x');
    const r = await runCli(['config-bundle', 'save', file, '--server-config', fx.config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot create the folder .*not-a-folder/);
  });

  it('an unwritable folder is a usage error naming it', async () => {
    const fx = serverFixture({ seal: 'shamir' });
    const out = tempDir('bundles-');
    const { chmodSync } = await import('node:fs');
    chmodSync(out, 0o500);
    const r = await runCli(['config-bundle', 'save', out, '--server-config', fx.config]);
    if (process.getuid?.() === 0) {
      // root writes anyway: then the bundle must be whole.
      expect(r.code).toBe(0);
    } else {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/cannot write in/);
    }
  });
});

describe('config-bundle save --vault: the live plugin catalogue in the manifest', () => {
  const { fake } = fakeVaults();
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  it('records each plugin with its binary in the bundle, or null (warned)', async () => {
    const fx = serverFixture({ seal: 'shamir' });
    const [name, data] = Object.entries(fx.plugins)[0] as [string, Buffer];
    const v = await fake({
      plugins: [
        { type: 'secret', name, sha256: sha(data), version: 'v1.2.0' },
        { type: 'database', name: 'vault-plugin-db-missing', sha256: 'e'.repeat(64) },
      ],
    });
    const out = tempDir('bundles-');
    const env = { VAULT_ADDR: v.address, VAULT_TOKEN: 'hvs.test-token-not-secret' };
    const r = await runCli(['config-bundle', 'save', out, '--server-config', fx.config, '--vault', '--json'], { env });
    expect(r.code).toBe(0);
    const { manifest } = JSON.parse(r.stdout) as { manifest: import('../../src/bundle/schema.js').Manifest };
    const external = manifest.plugins?.catalogue.filter((p) => !p.builtin);
    expect(external).toEqual([
      {
        type: 'secret',
        name,
        version: 'v1.2.0',
        builtin: false,
        command: name,
        sha256: sha(data),
        binary: path.join(fx.pluginDir, name),
      },
      {
        type: 'database',
        name: 'vault-plugin-db-missing',
        version: '',
        builtin: false,
        command: 'vault-plugin-db-missing',
        sha256: 'e'.repeat(64),
        binary: null,
      },
    ]);
    expect(manifest.plugins?.catalogue.some((p) => p.builtin && p.name === 'kv' && p.sha256 === null)).toBe(true);
    expect(r.stderr).toMatch(/plugin database\/vault-plugin-db-missing has no binary with its sha256 in the bundle/);
    expect(r.stdout + r.stderr).not.toContain('hvs.test-token-not-secret');
  });

  it('a catalogue the token may not read: no bundle (exit 1), one sentence', async () => {
    const fx = serverFixture({ seal: 'shamir' });
    const v = await fake({
      answers: {
        '/v1/sys/plugins/catalog': {
          status: 403,
          contentType: 'application/json',
          body: '{"errors":["permission denied"]}',
        },
      },
    });
    const out = tempDir('bundles-');
    const env = { VAULT_ADDR: v.address, VAULT_TOKEN: 'hvs.test-token-not-secret' };
    const r = await runCli(['config-bundle', 'save', out, '--server-config', fx.config, '--vault'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no bundle written: the plugin catalogue of .*refused \(403\)/);
    expect(readdirSync(out)).toEqual([]);
  });
});
