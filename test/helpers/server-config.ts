import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzip, tar, type TarFile } from './snapshot-writer.js';
import { tempDir } from './tmp.js';

/**
 * Vault server configurations written from Vault's configuration docs (developer.hashicorp.com/vault/docs/
 * configuration: listener/tcp, storage/raft retry_join, seal/transit, seal/awskms, plugin_directory,
 * license_path), with the files they name made real in a temp folder. The PEM texts are stand-ins: the bundle
 * reads them as bytes, and only the private-key marker matters to it.
 */
export const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';
export const PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIDazCCAlOgAwIBAgIUfake\n-----END CERTIFICATE-----\n';
export const TRANSIT_TOKEN = 's.Qf1s5zigZ4OX6akYjQXJC1jY';

export interface ServerFixture {
  readonly root: string;
  readonly configDir: string;
  readonly config: string;
  readonly tls: { cert: string; key: string; ca: string };
  readonly pluginDir: string;
  readonly plugins: Record<string, Buffer>;
  readonly license: string;
}

export type SealKind = 'transit' | 'awskms' | 'shamir';

function sealHcl(kind: SealKind, tls: ServerFixture['tls']): string {
  if (kind === 'transit')
    return `seal "transit" {
  address         = "https://vault-transit:8200"
  token           = "${TRANSIT_TOKEN}"
  key_name        = "autounseal"
  mount_path      = "transit/"
  tls_ca_cert     = "${tls.ca}"
}
`;
  if (kind === 'awskms')
    return `seal "awskms" {
  region     = "us-east-1"
  access_key = "AKIAIOSFODNN7EXAMPLE"
  secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
  kms_key_id = "19ec80b0-dfdd-4d97-8164-c6examplekey"
}
`;
  return '';
}

/** A server with TLS on its listener, raft with retry_join, a seal, a license and a few plugin binaries. */
export function serverFixture(
  options: { seal?: SealKind; json?: boolean; pluginBytes?: number[] } = {},
): ServerFixture {
  const root = tempDir('server-');
  const configDir = path.join(root, 'etc/vault.d');
  const tlsDir = path.join(root, 'etc/vault.d/tls');
  const pluginDir = path.join(root, 'opt/vault/plugins');
  for (const d of [configDir, tlsDir, pluginDir]) mkdirSync(d, { recursive: true, mode: 0o700 });
  const tls = {
    cert: path.join(tlsDir, 'vault.crt'),
    key: path.join(tlsDir, 'vault.key'),
    ca: path.join(tlsDir, 'ca.crt'),
  };
  writeFileSync(tls.cert, PEM_CERT);
  writeFileSync(tls.key, PEM_KEY, { mode: 0o600 });
  writeFileSync(tls.ca, PEM_CERT);
  const license = path.join(configDir, 'vault.hclic');
  writeFileSync(license, '02MV4UU43BK5HGYYTOJZWFQMTMNNEWU33JJZ5E2RCNGRGXUZ2JLJ', { mode: 0o600 });
  const plugins: Record<string, Buffer> = {};
  for (const [i, size] of (options.pluginBytes ?? [4096, 70_000, 1]).entries()) {
    const name = `vault-plugin-${['secrets-example', 'auth-example', 'database-example'][i] ?? `extra-${i}`}`;
    const data = Buffer.alloc(size);
    for (let j = 0; j < size; j++) data[j] = (j * 31 + i * 7) & 0xff;
    writeFileSync(path.join(pluginDir, name), data, { mode: 0o755 });
    chmodSync(path.join(pluginDir, name), 0o755);
    plugins[name] = data;
  }
  const seal = options.seal ?? 'transit';
  let config: string;
  if (options.json) {
    config = path.join(configDir, 'vault.json');
    const doc = {
      ui: true,
      plugin_directory: pluginDir,
      license_path: license,
      api_addr: 'https://vault-0:8200',
      listener: [
        {
          tcp: { address: '0.0.0.0:8200', tls_cert_file: tls.cert, tls_key_file: tls.key, tls_client_ca_file: tls.ca },
        },
      ],
      storage: {
        raft: {
          path: '/opt/vault/data',
          node_id: 'vault-0',
          retry_join: [
            {
              leader_api_addr: 'https://vault-1:8200',
              leader_ca_cert_file: tls.ca,
              leader_client_cert_file: tls.cert,
              leader_client_key_file: tls.key,
            },
          ],
        },
      },
      ...(seal === 'transit'
        ? {
            seal: {
              transit: {
                address: 'https://vault-transit:8200',
                token: TRANSIT_TOKEN,
                key_name: 'autounseal',
                mount_path: 'transit/',
                tls_ca_cert: tls.ca,
              },
            },
          }
        : seal === 'awskms'
          ? { seal: [{ awskms: { region: 'us-east-1', secret_key: 'wJalrXUtnFEMI/K7MDENG', kms_key_id: '19ec80b0' } }] }
          : {}),
    };
    writeFileSync(config, JSON.stringify(doc, null, 2));
  } else {
    config = path.join(configDir, 'vault.hcl');
    writeFileSync(
      config,
      `ui = true
plugin_directory = "${pluginDir}"
license_path     = "${license}"
api_addr         = "https://vault-0:8200"
cluster_addr     = "https://vault-0:8201"

listener "tcp" {
  address            = "0.0.0.0:8200"
  tls_cert_file      = "${tls.cert}"
  tls_key_file       = "${tls.key}"
  tls_client_ca_file = "${tls.ca}"
}

storage "raft" {
  path    = "/opt/vault/data"
  node_id = "vault-0"

  retry_join {
    leader_api_addr         = "https://vault-1:8200"
    leader_ca_cert_file     = "${tls.ca}"
    leader_client_cert_file = "${tls.cert}"
    leader_client_key_file  = "${tls.key}"
  }
}

${sealHcl(seal, tls)}`,
    );
  }
  return { root, configDir, config, tls, pluginDir, plugins, license };
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** A hand-made bundle archive (tar.gz with a manifest), every part overridable to make a defect. */
export function craftBundle(
  files: Record<string, Buffer>,
  options: { manifest?: unknown; extra?: TarFile[]; omitManifest?: boolean; tamper?: (m: any) => void } = {},
): Buffer {
  const entries = Object.entries(files);
  const manifest: any = options.manifest ?? {
    format: 'vault-change-gate/config-bundle',
    version: 1,
    createdAt: '2026-12-04T09:00:00.000Z',
    host: 'vault-0',
    serverConfigs: ['/etc/vault.d/vault.hcl'],
    seal: { type: 'shamir', disabled: [] },
    storageType: 'raft',
    pluginDirectory: null,
    files: entries.map(([entry, data]) => ({
      path: `/etc/vault.d/${entry.slice('files/'.length)}`,
      entry,
      size: data.length,
      mode: '0640',
      owner: { uid: 0, gid: 0, user: 'root' },
      sha256: sha(data),
      roles: ['server configuration'],
      sensitive: false,
      why: null,
    })),
    plugins: null,
  };
  options.tamper?.(manifest);
  const tarFiles: TarFile[] = entries.map(([name, data]) => ({ name, data, mode: 0o640 }));
  if (!options.omitManifest) tarFiles.push({ name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) });
  return gzip(tar([...tarFiles, ...(options.extra ?? [])]));
}

/** A valid bundle made at `createdAt` (default now), with its file name: `{ [name]: bytes }` for tempFiles. */
export function freshBundle(
  createdAt = new Date(),
  folder = 'bundles',
  options: { seal?: string } = {},
): Record<string, Buffer> {
  const stamp = createdAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const bytes = craftBundle(
    { 'files/1-vault.hcl': Buffer.from('storage "raft" {\n  path = "/opt/vault/data"\n}\n') },
    {
      tamper: (m) => {
        m.createdAt = createdAt.toISOString();
        if (options.seal) m.seal.type = options.seal;
      },
    },
  );
  return { [`${folder}/vault-config-${stamp}.tar.gz`]: bytes };
}
