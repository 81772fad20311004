import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planBundle } from '../../src/bundle/collect.js';
import { parseServerConfig, sealTypes } from '../../src/bundle/server-config.js';
import { referencesOf, secretsOf } from '../../src/bundle/references.js';
import { PEM_CERT, PEM_KEY } from '../helpers/server-config.js';
import { tempFiles } from '../helpers/tmp.js';

/** The same server written the ways Vault accepts it: the references found must not depend on the spelling. */
const spellings: Record<string, (d: string) => string> = {
  'HCL, quoted labels': (d) =>
    `listener "tcp" {\n  tls_cert_file = "${d}/c.pem"\n  tls_key_file = "${d}/k.pem"\n}\n` +
    `storage "raft" {\n  retry_join {\n    leader_ca_cert_file = "${d}/ca.pem"\n  }\n}\nseal "transit" {\n  token = "t"\n}\n`,
  'HCL, bare labels, legacy backend, two listeners': (d) =>
    `listener tcp {\n  tls_cert_file = "${d}/c.pem"\n}\nlistener "tcp" {\n  tls_key_file = "${d}/k.pem"\n}\n` +
    `backend "raft" {\n  retry_join {\n    leader_api_addr = "https://x"\n  }\n  retry_join {\n    leader_ca_cert_file = "${d}/ca.pem"\n  }\n}\n` +
    `seal transit {\n  token = "t"\n}\n`,
  'JSON, objects': (d) =>
    JSON.stringify({
      listener: { tcp: { tls_cert_file: `${d}/c.pem`, tls_key_file: `${d}/k.pem` } },
      storage: { raft: { retry_join: { leader_ca_cert_file: `${d}/ca.pem` } } },
      seal: { transit: { token: 't' } },
    }),
  'JSON, arrays': (d) =>
    JSON.stringify({
      listener: [{ tcp: { tls_cert_file: `${d}/c.pem` } }, { tcp: [{ tls_key_file: `${d}/k.pem` }] }],
      storage: [{ raft: { retry_join: [{ leader_api_addr: 'https://x' }, { leader_ca_cert_file: `${d}/ca.pem` }] } }],
      seal: [{ transit: { token: 't' } }],
    }),
};

describe('Vault server configuration spellings', () => {
  for (const [name, write] of Object.entries(spellings)) {
    it(`${name}: the same files, the same secret, the same seal`, async () => {
      const d = '/srv/tls';
      const file = name.startsWith('JSON') ? 'vault.json' : 'vault.hcl';
      const parsed = await parseServerConfig(file, write(d));
      if (!parsed.ok) throw new Error(parsed.reason);
      const refs = referencesOf(parsed.config).map((r) => `${r.path}${r.sensitive ? ` (${r.sensitive})` : ''}`);
      expect(refs.sort()).toEqual([`${d}/c.pem`, `${d}/ca.pem`, `${d}/k.pem (a private key)`]);
      expect(secretsOf(parsed.config).map((s) => s.why.replace(/ \(line \d+\)$/, ''))).toEqual([
        'seal "transit" sets token',
      ]);
      expect(sealTypes([parsed.config]).active).toEqual(['transit']);
    });
  }

  it('relative paths are read from the configuration folder; a link loop in plugin_directory is walked once', async () => {
    const dir = tempFiles({ 'tls/c.pem': PEM_CERT, 'tls/k.pem': PEM_KEY, 'plugins/p1': 'bin' });
    mkdirSync(path.join(dir, 'plugins/sub'));
    symlinkSync(path.join(dir, 'plugins'), path.join(dir, 'plugins/sub/loop'));
    writeFileSync(
      path.join(dir, 'vault.hcl'),
      'plugin_directory = "plugins"\nlistener "tcp" {\n  tls_cert_file = "tls/c.pem"\n  tls_key_file = "./tls/k.pem"\n}\n',
    );
    const plan = await planBundle([path.join(dir, 'vault.hcl')], [], dir);
    expect(plan.files.map((f) => path.relative(dir, f.path)).sort()).toEqual([
      'plugins/p1',
      'tls/c.pem',
      'tls/k.pem',
      'vault.hcl',
    ]);
    expect(plan.pluginDirectory).toBe(path.join(dir, 'plugins'));
  });

  it('a FIFO or a device as --server-config is refused with one sentence', async () => {
    await expect(planBundle(['/dev/null'], [], '/')).rejects.toThrow(/is neither a file nor a folder/);
  });
});
