import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach } from 'vitest';
import { buildSnapshot } from './snapshot-writer.js';
import { tempDir } from './tmp.js';

/**
 * Responses in the shapes Vault's API documentation gives. Each names the page it follows; values are the docs'
 * sample values where they have one.
 */
export const fixtures = {
  health: {
    source:
      'developer.hashicorp.com/vault/api-docs/system/health (sample response; status codes 200/429/472/473/501/503)',
    body: (over: Record<string, unknown> = {}) => ({
      initialized: true,
      sealed: false,
      standby: false,
      performance_standby: false,
      replication_performance_mode: 'disabled',
      replication_dr_mode: 'disabled',
      server_time_utc: 1516639589,
      version: '1.17.2',
      cluster_name: 'vault-cluster-3de6c2b5',
      cluster_id: '3e8b3fec-3749-e056-ba41-b62a63b997e8',
      ...over,
    }),
  },
  sealStatus: {
    source: 'developer.hashicorp.com/vault/api-docs/system/seal-status (sample response, unsealed)',
    body: (over: Record<string, unknown> = {}) => ({
      type: 'shamir',
      initialized: true,
      sealed: false,
      t: 3,
      n: 5,
      progress: 0,
      nonce: '',
      version: '1.17.2',
      build_date: '2024-07-05T15:19:12Z',
      migration: false,
      cluster_name: 'vault-cluster-3de6c2b5',
      cluster_id: '3e8b3fec-3749-e056-ba41-b62a63b997e8',
      recovery_seal: false,
      storage_type: 'raft',
      ...over,
    }),
  },
  leader: {
    source: 'developer.hashicorp.com/vault/api-docs/system/leader (sample response, raft fields)',
    body: (over: Record<string, unknown> = {}) => ({
      ha_enabled: true,
      is_self: true,
      active_time: '0001-01-01T00:00:00Z',
      leader_address: 'https://127.0.0.1:8200/',
      leader_cluster_address: 'https://127.0.0.1:8201/',
      performance_standby: false,
      performance_standby_last_remote_wal: 0,
      raft_committed_index: 164,
      raft_applied_index: 164,
      ...over,
    }),
  },
  raftConfiguration: {
    source: 'developer.hashicorp.com/vault/api-docs/system/storage/raft (read raft configuration, sample response)',
    body: (servers: { id: string; address: string }[]) => ({
      data: {
        config: {
          index: 0,
          servers: servers.map(({ id, address }, i) => ({
            address,
            leader: i === 0,
            node_id: id,
            protocol_version: '3',
            voter: true,
          })),
        },
      },
    }),
  },
  autopilotState: {
    source:
      'developer.hashicorp.com/vault/api-docs/system/storage/raftautopilot (get cluster state; under data over HTTP)',
    body: (servers: { id: string; address: string }[], healthy = true) => ({
      data: {
        healthy,
        failure_tolerance: healthy ? 1 : 0,
        leader: servers[0]?.id ?? '',
        voters: servers.map((s) => s.id),
        servers: Object.fromEntries(
          servers.map((s, i) => [
            s.id,
            {
              ...{ id: s.id, name: s.id, address: s.address, node_status: 'alive', last_contact: '0s', healthy },
              ...{ last_term: 3, last_index: 164, stable_since: '2024-07-10T12:00:00Z', version: '1.17.2' },
              ...{ status: i === 0 ? 'leader' : 'voter', node_type: 'voter' },
            },
          ]),
        ),
      },
    }),
  },
  versionHistory: {
    source: 'developer.hashicorp.com/vault/api-docs/system/version-history (keys under data via the logical API)',
    // The versions the generated snapshots hold (core/versions/1.16.2, 1.17.0), then the running one.
    body: (keys: string[] = ['1.16.2', '1.17.0', '1.17.2']) => ({
      data: {
        keys,
        key_info: {
          '1.17.2': {
            build_date: '2024-07-05T15:19:12Z',
            previous_version: '1.17.0',
            timestamp_installed: '2024-07-10T12:00:00Z',
          },
        },
      },
    }),
  },
  autoSnapshotStatus: {
    source:
      'developer.hashicorp.com/vault/api-docs/system/storage/raftautosnapshots (read snapshot status, sample ' +
      'response; next_snapshot_start from the 1.21 sample "with autoloading enabled", given by the test when wanted)',
    body: (over: Record<string, unknown> = {}) => ({
      data: {
        last_snapshot_end: new Date(Date.now() - 10 * 60_000).toISOString(),
        last_snapshot_error: '',
        last_snapshot_start: new Date(Date.now() - 11 * 60_000).toISOString(),
        last_snapshot_url: 'file:///opt/vault/snapshots/vault-snapshot-1603898241699731000.snap',
        snapshot_start: '',
        snapshot_url: '',
        ...over,
      },
    }),
  },
  autoSnapshotConfig: {
    source:
      'developer.hashicorp.com/vault/api-docs/system/storage/raftautosnapshots (read automated snapshots config, ' +
      'sample response)',
    body: (over: Record<string, unknown> = {}) => ({
      data: {
        file_prefix: 'vault-snapshot',
        interval: 86400,
        local_max_space: 10000000,
        path_prefix: '/opt/vault/snapshots/',
        retain: 7,
        storage_type: 'local',
        ...over,
      },
    }),
  },
  pluginCatalogue: {
    source:
      'developer.hashicorp.com/vault/api-docs/system/plugins-catalog (LIST plugins via GET sys/plugins/catalog, ' +
      'sample response with `detailed`; builtin entries carry no sha256)',
    body: (external: ExternalPlugin[] = []) => ({
      data: {
        auth: ['approle', ...external.filter((p) => p.type === 'auth').map((p) => p.name)],
        database: ['postgresql-database-plugin', ...external.filter((p) => p.type === 'database').map((p) => p.name)],
        secret: ['kv', 'transit', ...external.filter((p) => p.type === 'secret').map((p) => p.name)],
        detailed: [
          {
            builtin: true,
            deprecation_status: 'supported',
            name: 'approle',
            type: 'auth',
            version: 'v1.17.2+builtin.vault',
          },
          {
            builtin: true,
            deprecation_status: 'supported',
            name: 'postgresql-database-plugin',
            type: 'database',
            version: 'v1.17.2+builtin.vault',
          },
          { builtin: true, deprecation_status: 'supported', name: 'kv', type: 'secret', version: 'v0.19.0+builtin' },
          {
            builtin: true,
            deprecation_status: 'supported',
            name: 'transit',
            type: 'secret',
            version: 'v1.17.2+builtin.vault',
          },
          ...external.map((p) => ({ builtin: false, name: p.name, type: p.type, version: p.version ?? '' })),
        ],
      },
    }),
  },
  pluginRead: {
    source:
      'developer.hashicorp.com/vault/api-docs/system/plugins-catalog (read plugin, sample response: args, builtin, ' +
      'command, name, sha256, version)',
    body: (p: ExternalPlugin) => ({
      data: {
        args: [],
        builtin: false,
        command: p.command ?? p.name,
        name: p.name,
        sha256: p.sha256,
        version: p.version ?? '',
      },
    }),
  },
  errors: {
    source: 'developer.hashicorp.com/vault/api-docs (error responses: {"errors": [...]})',
    body: (message: string) => ({ errors: [message] }),
  },
} as const;

/** An external plugin registered in the fake's catalogue. */
export interface ExternalPlugin {
  type: 'auth' | 'database' | 'secret';
  name: string;
  sha256: string;
  version?: string;
  command?: string;
}

/** `hang`: the request is read and never answered (no headers); `stall`: headers and 100 bytes, then silence. */
export type SnapshotMode = 'ok' | 'redirect' | 'forbidden' | 'sealed' | 'cut' | 'stall' | 'garbage' | 'hang';

/** A canned answer that is not Vault's (a proxy's page, a redirect elsewhere), for one path. */
export interface RawAnswer {
  status: number;
  contentType?: string;
  body?: string;
  headers?: Record<string, string>;
}

export interface FakeVaultOptions {
  state?: 'active' | 'standby' | 'sealed' | 'uninitialized';
  storageType?: string;
  version?: string;
  /** Raft node IDs (address `ID:8201`), or IDs with their raft addresses. */
  servers?: (string | { id: string; address: string })[];
  appliedIndex?: number;
  /** The raft index of the snapshot it serves (default: appliedIndex). */
  snapshotIndex?: number;
  clusterId?: string;
  clusterName?: string;
  autopilotHealthy?: boolean;
  /** sys/version-history keys. */
  versionHistory?: string[];
  /** Paths (`/v1/sys/health`) answered with these instead. */
  answers?: Record<string, RawAnswer>;
  /** Called when a snapshot request arrives (before any answer): tests interrupt at that moment. */
  onSnapshotRequest?: () => void;
  /** The snapshot is answered only once this settles (a snapshot that takes as long as a test needs). */
  holdSnapshot?: Promise<unknown>;
  token?: string;
  snapshot?: SnapshotMode;
  raftConfigForbidden?: boolean;
  tls?: { key: Buffer; cert: Buffer };
  autoSnapshot?: Record<string, unknown>;
  /** The automated snapshot config's read response `data` (sudo); absent: 403, as for a token without sudo. */
  autoSnapshotConfig?: Record<string, unknown>;
  /** External plugins in sys/plugins/catalog (builtins are always there). */
  plugins?: ExternalPlugin[];
  /** sys/seal-status fields over the sample (type, t, n, recovery_seal). */
  sealStatus?: Record<string, unknown>;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface FakeVault {
  address: string;
  requests: RecordedRequest[];
  close: () => Promise<void>;
  /** A second server that answers the snapshot with a 307 to this one (a standby). */
  standby?: FakeVault;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
};

/** A small server on 127.0.0.1 that answers the /sys endpoints the gate reads, in Vault's documented shapes. */
export async function startFakeVault(options: FakeVaultOptions = {}): Promise<FakeVault> {
  const state = options.state ?? 'active';
  const servers = (options.servers ?? ['vault-0', 'vault-1', 'vault-2']).map((s) =>
    typeof s === 'string' ? { id: s, address: `${s}:8201` } : s,
  );
  const identity = {
    ...(options.clusterId ? { cluster_id: options.clusterId } : {}),
    ...(options.clusterName ? { cluster_name: options.clusterName } : {}),
  };
  const token = options.token ?? 'hvs.test-token-not-secret';
  const requests: RecordedRequest[] = [];
  const index = options.snapshotIndex ?? options.appliedIndex ?? 164;
  const snapshotBytes = buildSnapshot({ takenAt: new Date(Date.now() - 1000), index, servers });
  const sockets = new Set<import('node:net').Socket>();
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    const authed = req.headers['x-vault-token'] === token;
    const statusOf = { active: 200, standby: 429, sealed: 503, uninitialized: 501 }[state];
    const raw = options.answers?.[p];
    if (raw) {
      res.writeHead(raw.status, { ...(raw.contentType ? { 'Content-Type': raw.contentType } : {}), ...raw.headers });
      return res.end(raw.body ?? '');
    }
    if (p === '/v1/sys/health')
      return json(
        res,
        statusOf,
        fixtures.health.body({
          ...identity,
          version: options.version ?? '1.17.2',
          sealed: state === 'sealed',
          initialized: state !== 'uninitialized',
          standby: state === 'standby',
        }),
      );
    if (p === '/v1/sys/seal-status')
      return json(
        res,
        200,
        fixtures.sealStatus.body({
          ...identity,
          version: options.version ?? '1.17.2',
          sealed: state === 'sealed',
          initialized: state !== 'uninitialized',
          storage_type: options.storageType ?? 'raft',
          ...options.sealStatus,
        }),
      );
    if (!authed) return json(res, 403, fixtures.errors.body('permission denied'));
    if (p === '/v1/sys/leader')
      return json(res, 200, fixtures.leader.body({ raft_applied_index: options.appliedIndex ?? 164 }));
    if (p === '/v1/sys/storage/raft/configuration')
      return options.raftConfigForbidden
        ? json(res, 403, fixtures.errors.body('permission denied'))
        : json(res, 200, fixtures.raftConfiguration.body(servers));
    if (p === '/v1/sys/storage/raft/autopilot/state') {
      return json(res, 200, fixtures.autopilotState.body(servers, options.autopilotHealthy ?? true));
    }
    if (p === '/v1/sys/version-history' && (req.method === 'LIST' || url.searchParams.get('list') === 'true'))
      return json(res, 200, fixtures.versionHistory.body(options.versionHistory));
    if (p.startsWith('/v1/sys/storage/raft/snapshot-auto/config/'))
      return options.autoSnapshotConfig
        ? json(res, 200, fixtures.autoSnapshotConfig.body(options.autoSnapshotConfig))
        : json(res, 403, fixtures.errors.body('permission denied'));
    if (p === '/v1/sys/plugins/catalog') return json(res, 200, fixtures.pluginCatalogue.body(options.plugins));
    if (p.startsWith('/v1/sys/plugins/catalog/')) {
      const [type, name] = p.slice('/v1/sys/plugins/catalog/'.length).split('/');
      const found = options.plugins?.find((x) => x.type === type && x.name === name);
      return found
        ? json(res, 200, fixtures.pluginRead.body(found))
        : json(res, 404, fixtures.errors.body('no plugin found'));
    }
    if (p.startsWith('/v1/sys/storage/raft/snapshot-auto/status/'))
      return options.autoSnapshot
        ? json(res, 200, fixtures.autoSnapshotStatus.body(options.autoSnapshot))
        : json(res, 404, fixtures.errors.body('not found'));
    if (p === '/v1/sys/storage/raft/snapshot' && req.method === 'GET') {
      const mode = options.snapshot ?? 'ok';
      options.onSnapshotRequest?.();
      if (mode === 'hang') return; // read, never answered
      if (mode === 'forbidden') return json(res, 403, fixtures.errors.body('permission denied'));
      if (mode === 'sealed') return json(res, 503, fixtures.errors.body('Vault is sealed'));
      res.writeHead(200, {
        'Content-Type': 'application/gzip',
        'Content-Disposition': 'attachment; filename="raft.snap"',
      });
      if (mode === 'garbage') return res.end(Buffer.from('this is not a snapshot'));
      if (mode === 'cut') {
        res.write(snapshotBytes.subarray(0, snapshotBytes.length >> 1));
        return setImmediate(() => res.destroy());
      }
      if (mode === 'stall') return res.write(snapshotBytes.subarray(0, 100)); // and nothing more
      if (options.holdSnapshot) {
        res.write(snapshotBytes.subarray(0, 100));
        return void options.holdSnapshot.then(() => res.end(snapshotBytes.subarray(100)));
      }
      return res.end(snapshotBytes);
    }
    return json(res, 404, fixtures.errors.body(`no handler for ${req.method} ${p}`));
  };
  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : http.createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const address = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  const vault: FakeVault = { address, requests, close };
  if (options.snapshot === 'redirect') {
    const active = await startFakeVault({ ...options, snapshot: 'ok' });
    const standby = http.createServer((req, res) => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      if (req.url?.startsWith('/v1/sys/storage/raft/snapshot')) {
        res.writeHead(307, { Location: `${active.address}${req.url}` });
        return res.end();
      }
      handler(req, res);
    });
    await new Promise<void>((resolve) => standby.listen(0, '127.0.0.1', resolve));
    const sport = (standby.address() as AddressInfo).port;
    return {
      address: `http://127.0.0.1:${sport}`,
      requests,
      standby: active,
      close: async () => {
        await active.close();
        await new Promise<void>((resolve) => standby.close(() => resolve()));
      },
    };
  }
  return vault;
}

/**
 * A server that answers every request with a redirect to `to` + the request's path (a standby's 307, or a proxy
 * sending the client elsewhere); with `tls`, over https.
 */
export async function startRedirector(
  to: string,
  options: { status?: number; tls?: { key: Buffer; cert: Buffer } } = {},
): Promise<FakeVault> {
  const requests: RecordedRequest[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    res.writeHead(options.status ?? 307, { Location: `${to}${req.url ?? '/'}`, 'Content-Type': 'text/html' });
    res.end('<a href="elsewhere">Moved</a>');
  };
  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    address: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * For a test file: `fake(options)` starts a fake Vault and `track(server)` adopts another; all are closed after
 * each test.
 */
export function fakeVaults(): {
  fake: (o?: FakeVaultOptions) => Promise<FakeVault>;
  track: <T extends FakeVault>(v: T) => T;
} {
  const open: FakeVault[] = [];
  afterEach(async () => {
    while (open.length) await open.pop()?.close();
  });
  const track = <T extends FakeVault>(v: T): T => {
    open.push(v);
    return v;
  };
  return { track, fake: async (o = {}) => track(await startFakeVault(o)) };
}

/** A CA and a server certificate for 127.0.0.1 made with openssl for one test run. */
export function makeTlsMaterial(): { dir: string; caFile: string; key: Buffer; cert: Buffer; otherCaFile: string } {
  const dir = tempDir('tls-');
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-subj',
    '/CN=vault-change-gate test CA',
    '-days',
    '2',
  );
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'other.key',
    '-out',
    'other.crt',
    '-subj',
    '/CN=some other CA',
    '-days',
    '2',
  );
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
  );
  return {
    dir,
    caFile: path.join(dir, 'ca.crt'),
    otherCaFile: path.join(dir, 'other.crt'),
    key: readFileSync(path.join(dir, 'server.key')),
    cert: readFileSync(path.join(dir, 'server.crt')),
  };
}
