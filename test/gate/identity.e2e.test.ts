import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DecisionSchema, SidecarSchema, type Sidecar } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { fakeVaults, type FakeVault, type FakeVaultOptions } from '../helpers/vault-server.js';
import { tempDir } from '../helpers/tmp.js';

const TOKEN = 'hvs.test-token-not-secret';
const CLUSTER_ID = '3e8b3fec-3749-e056-ba41-b62a63b997e8';
const { fake } = fakeVaults();
const helm = ['vault-0', 'vault-1', 'vault-2'].map((id) => ({ id, address: `${id}.vault-internal:8201` }));
const fakeHelm = (o: FakeVaultOptions = {}) => fake({ servers: helm, appliedIndex: 164, ...o });

function folder(files: Record<string, Buffer | string>): string {
  const d = tempDir('identity-');
  for (const [name, data] of Object.entries(files)) writeFileSync(path.join(d, name), data, { mode: 0o600 });
  return d;
}
const snap = (o: Parameters<typeof buildSnapshot>[0] = {}) =>
  buildSnapshot({ takenAt: new Date(Date.now() - 60_000), index: 150, servers: helm, ...o });
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sidecarOf = (archive: Buffer, over: Partial<Sidecar> = {}): string =>
  JSON.stringify({
    kind: 'vault-change-gate/snapshot-sidecar',
    version: 1,
    sha256: sha(archive),
    bytes: archive.length,
    index: 150,
    clusterId: CLUSTER_ID,
    clusterName: 'vault-cluster-3de6c2b5',
    vaultVersion: '1.17.2',
    appliedIndex: 150,
    address: 'http://127.0.0.1:8200',
    serverTime: new Date().toISOString(),
    savedAt: new Date().toISOString(),
    ...over,
  });

async function check(cwd: string, v: FakeVault | null, extra: string[] = []) {
  const argv = [
    'check',
    '--json',
    '--op',
    'POST sys/mounts/kv',
    '--snapshot-dir',
    '.',
    ...(v ? ['--vault'] : []),
    ...extra,
  ];
  const r = await runCli(argv, { cwd, env: v ? { VAULT_ADDR: v.address, VAULT_TOKEN: TOKEN } : {} });
  expect(r.stdout + r.stderr).not.toContain(TOKEN);
  return { code: r.code, d: DecisionSchema.parse(JSON.parse(r.stdout)) };
}

describe('a snapshot must be tied to the live cluster (check --vault)', () => {
  it('of this cluster: go, saying what tied it (servers with addresses, raft index)', async () => {
    const r = await check(folder({ 'a.snap': snap() }), await fakeHelm());
    expect(r.code).toBe(0);
    expect(r.d.snapshot).toMatchObject({
      file: 'a.snap',
      indexLag: 14,
      matched: ['raft-servers', 'raft-index', 'version-history'],
      sidecar: null,
    });
  });

  it('meta.json without a raft Configuration: UNMATCHED_CLUSTER with --vault; fine offline', async () => {
    const cwd = folder({ 'a.snap': snap({ meta: { Configuration: undefined } }) });
    const live = await check(cwd, await fakeHelm());
    expect(live.code).toBe(1);
    expect(live.d.rejected).toEqual([expect.objectContaining({ file: 'a.snap', code: 'UNMATCHED_CLUSTER' })]);
    expect(live.d.rejected[0]?.reason).toMatch(/no raft configuration, so it cannot be matched/);
    expect((await check(cwd, null)).code).toBe(0);
  });

  it('an empty server list is unmatched too', async () => {
    const r = await check(folder({ 'a.snap': snap({ meta: { Configuration: { Servers: null } } }) }), await fakeHelm());
    expect(r.d.rejected.map((x) => x.code)).toEqual(['UNMATCHED_CLUSTER']);
  });

  it('the same node IDs at other addresses (another Helm install): FOREIGN_CLUSTER', async () => {
    const other = helm.map((s) => ({
      id: s.id,
      address: s.address.replace('vault-internal', 'vault-staging-internal'),
    }));
    const r = await check(folder({ 'a.snap': snap({ servers: other }) }), await fakeHelm());
    expect(r.code).toBe(1);
    expect(r.d.rejected[0]).toMatchObject({ code: 'FOREIGN_CLUSTER' });
    expect(r.d.rejected[0]?.reason).toMatch(/vault-0@vault-0\.vault-staging-internal:8201/);
  });

  it("a snapshot of the other storage (Consul's for raft, Vault raft's for Consul) is not this cluster's backup", async () => {
    // The raft configuration unreadable (a token without sudo): the servers cannot tell, the storage type can.
    const consul = snap({ format: 'consul' });
    const raftCluster = await fakeHelm({ raftConfigForbidden: true });
    const r = await check(folder({ 'a.snap': consul }), raftCluster);
    expect(r.code).toBe(1);
    expect(r.d.rejected[0]).toMatchObject({ code: 'FOREIGN_CLUSTER' });
    expect(r.d.rejected[0]?.reason).toMatch(/a Consul snapshot, and the live cluster stores its data in "raft"/);
    const consulCluster = await fakeHelm({ raftConfigForbidden: true, storageType: 'consul' });
    const v = await check(folder({ 'a.snap': snap() }), consulCluster);
    expect(v.code).toBe(1);
    expect(v.d.rejected[0]?.reason).toMatch(/a Vault raft snapshot, and the live cluster stores its data in "consul"/);
    expect((await check(folder({ 'a.snap': consul }), consulCluster)).code).toBe(0);
    expect((await check(folder({ 'a.snap': snap() }), raftCluster)).code).toBe(0);
  });

  it("a raft index ahead of the cluster's applied index: FOREIGN_CLUSTER (not of this history)", async () => {
    const r = await check(folder({ 'a.snap': snap({ index: 165 }) }), await fakeHelm());
    expect(r.code).toBe(1);
    expect(r.d.rejected[0]).toMatchObject({ code: 'FOREIGN_CLUSTER' });
    expect(r.d.rejected[0]?.reason).toMatch(/raft index 165 is ahead of the live cluster's applied index 164/);
    expect((await check(folder({ 'a.snap': snap({ index: 164 }) }), await fakeHelm())).code).toBe(0);
  });

  it('a sidecar naming another cluster_id: FOREIGN_CLUSTER; naming this one: matched by cluster-id', async () => {
    const archive = snap();
    const foreign = await check(
      folder({ 'a.snap': archive, 'a.snap.json': sidecarOf(archive, { clusterId: 'another-cluster' }) }),
      await fakeHelm({ clusterId: CLUSTER_ID }),
    );
    expect(foreign.d.rejected[0]?.code).toBe('FOREIGN_CLUSTER');
    expect(foreign.d.rejected[0]?.reason).toMatch(/saved from cluster another-cluster/);
    const mine = await check(
      folder({ 'a.snap': archive, 'a.snap.json': sidecarOf(archive) }),
      await fakeHelm({ clusterId: CLUSTER_ID }),
    );
    expect(mine.code).toBe(0);
    expect(mine.d.snapshot).toMatchObject({
      matched: ['cluster-id', 'raft-servers', 'raft-index', 'version-history'],
      sidecar: 'a.snap.json',
    });
  });
});

describe('snapshots.maxIndexLag', () => {
  const config = (n: number) => JSON.stringify({ snapshots: { maxIndexLag: n } });
  it('a re-dated old archive, recent by its time and far behind the cluster, is refused', async () => {
    const cwd = folder({ 'a.snap': snap({ index: 38 }), 'vault-change-gate.config.json': config(1000) });
    const r = await check(cwd, await fakeHelm({ appliedIndex: 100_000 }));
    expect(r.code).toBe(1);
    expect(r.d.rejected[0]).toMatchObject({ code: 'INDEX_LAG' });
    expect(r.d.rejected[0]?.reason).toMatch(
      /99962 raft entries behind .*more than the 1000 snapshots\.maxIndexLag allows/,
    );
  });

  it('within the limit: go; the limit is a whole number of entries', async () => {
    const cwd = folder({ 'a.snap': snap(), 'vault-change-gate.config.json': config(14) });
    expect((await check(cwd, await fakeHelm())).code).toBe(0);
    const bad = folder({
      'a.snap': snap(),
      'vault-change-gate.config.json': JSON.stringify({ snapshots: { maxIndexLag: -1 } }),
    });
    expect((await runCli(['check', '--op', 'POST sys/mounts/kv'], { cwd: bad })).code).toBe(2);
  });

  it('an applied index the cluster does not give cannot be measured: refused', async () => {
    const cwd = folder({ 'a.snap': snap(), 'vault-change-gate.config.json': config(10_000) });
    const v = await fakeHelm({
      answers: {
        '/v1/sys/leader': { status: 403, contentType: 'application/json', body: '{"errors":["permission denied"]}' },
      },
    });
    const r = await check(cwd, v);
    expect(r.code).toBe(1);
    expect(r.d.rejected[0]?.reason).toMatch(/cannot be measured .*sys\/leader/);
  });

  it('offline, the limit cannot be checked: a warning (a no-go with --strict)', async () => {
    const cwd = folder({ 'a.snap': snap(), 'vault-change-gate.config.json': config(10) });
    const r = await check(cwd, null);
    expect(r.code).toBe(0);
    expect(r.d.warnings.map((w) => w.code)).toContain('INDEX_LAG_UNCHECKED');
    expect((await check(cwd, null, ['--strict'])).code).toBe(1);
  });
});

describe('sidecars', () => {
  it('missing: not a failure offline', async () => {
    const r = await check(folder({ 'a.snap': snap() }), null);
    expect(r.code).toBe(0);
    expect(r.d.snapshot?.sidecar).toBeNull();
  });

  it.each<[string, (archive: Buffer) => string, RegExp]>([
    ["another archive's hash", (a) => sidecarOf(a, { sha256: 'a'.repeat(64) }), /records another archive/],
    ['another raft index', (a) => sidecarOf(a, { index: 149 }), /records raft index 149, the archive holds 150/],
    ['not JSON', () => '{"kind":', /is not JSON/],
    ['not a sidecar', () => JSON.stringify({ hello: 'world' }), /not a vault-change-gate sidecar/],
  ])('disagreeing with its archive (%s): SIDECAR_MISMATCH, offline and live', async (_name, make, reason) => {
    const archive = snap();
    const cwd = folder({ 'a.snap': archive, 'a.snap.json': make(archive) });
    for (const v of [null, await fakeHelm()]) {
      const r = await check(cwd, v);
      expect(r.code).toBe(1);
      expect(r.d.rejected).toEqual([expect.objectContaining({ file: 'a.snap', code: 'SIDECAR_MISMATCH' })]);
      expect(r.d.rejected[0]?.reason).toMatch(reason);
    }
  });

  it('a sidecar is never a snapshot candidate, whatever the pattern', async () => {
    const archive = snap();
    const cwd = folder({ 'a.snap': archive, 'a.snap.json': sidecarOf(archive) });
    for (const pattern of ['**/*', '*', '*.json', 'a.*']) {
      const r = await check(cwd, null, ['--pattern', pattern]);
      expect(r.d.rejected, pattern).toEqual([]);
    }
  });

  it('snapshot save writes one that ties the archive to its cluster; check --vault then matches it', async () => {
    const v = await fakeHelm({ clusterId: CLUSTER_ID, clusterName: 'prod-eu' });
    const cwd = folder({});
    const save = await runCli(['snapshot', 'save', 'b.snap'], {
      cwd,
      env: { VAULT_ADDR: v.address, VAULT_TOKEN: TOKEN },
    });
    expect(save.code, save.stderr).toBe(0);
    expect(save.stdout).toMatch(/; sidecar b\.snap\.json\.$/m);
    expect(readdirSync(cwd).sort()).toEqual(['b.snap', 'b.snap.json']);
    const sidecar = SidecarSchema.parse(JSON.parse(readFileSync(path.join(cwd, 'b.snap.json'), 'utf8')));
    expect(sidecar).toMatchObject({
      sha256: sha(readFileSync(path.join(cwd, 'b.snap'))),
      index: 164,
      clusterId: CLUSTER_ID,
      clusterName: 'prod-eu',
      vaultVersion: '1.17.2',
      appliedIndex: 164,
      address: v.address,
    });
    expect(Date.parse(sidecar.serverTime ?? '')).not.toBeNaN();
    expect(Date.parse(sidecar.savedAt)).not.toBeNaN();
    const r = await check(cwd, v);
    expect(r.code).toBe(0);
    expect(r.d.snapshot?.matched).toEqual(['cluster-id', 'raft-servers', 'raft-index', 'version-history']);
  });

  it('check --take-snapshot writes one too', async () => {
    const v = await fakeHelm({ clusterId: CLUSTER_ID });
    const cwd = folder({});
    const r = await check(cwd, v, ['--take-snapshot', 'taken']);
    expect(r.code).toBe(0);
    const files = readdirSync(path.join(cwd, 'taken')).sort();
    expect(files).toHaveLength(2);
    expect(files[1]).toBe(`${files[0]}.json`);
    expect(r.d.snapshot?.sidecar).toBe(`taken/${files[1]}`);
  });
});

describe('version history as identity', () => {
  it("an archive that ran a Vault version the cluster never did is another cluster's", async () => {
    const r = await check(folder({ 'a.snap': snap() }), await fakeHelm({ versionHistory: ['1.15.0', '1.17.2'] }));
    expect(r.code).toBe(1);
    expect(r.d.rejected[0]).toMatchObject({ code: 'FOREIGN_CLUSTER' });
    expect(r.d.rejected[0]?.reason).toMatch(/records Vault 1\.16\.2, 1\.17\.0, which the live cluster never ran/);
  });

  it('a cluster upgraded since the archive still matches (its history holds more)', async () => {
    const r = await check(
      folder({ 'a.snap': snap() }),
      await fakeHelm({ versionHistory: ['1.16.2', '1.17.0', '1.17.2', '1.18.0'] }),
    );
    expect(r.code).toBe(0);
    expect(r.d.snapshot?.matched).toContain('version-history');
  });
});

describe('cluster_name, when an ID is missing on either side', () => {
  it('a sidecar without a cluster ID is matched by name; another name is another cluster', async () => {
    const archive = snap();
    const v = await fakeHelm({ clusterName: 'prod-eu' });
    const sidecar = (clusterName: string) => sidecarOf(archive, { clusterId: null, clusterName });
    const same = await check(folder({ 'a.snap': archive, 'a.snap.json': sidecar('prod-eu') }), v);
    expect(same.code).toBe(0);
    expect(same.d.snapshot?.matched).toContain('cluster-name');
    const other = await check(folder({ 'a.snap': archive, 'a.snap.json': sidecar('prod-us') }), v);
    expect(other.d.rejected[0]).toMatchObject({ code: 'FOREIGN_CLUSTER' });
    expect(other.d.rejected[0]?.reason).toMatch(/saved from cluster "prod-us", and the live one is "prod-eu"/);
  });
});
