import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { S3RVER_ENV, startLocalS3, type LocalS3 } from '../helpers/s3-server.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { tempDir } from '../helpers/tmp.js';

const HOUR = 3_600_000;
const snap = (agoMs: number, index = 42) => buildSnapshot({ takenAt: new Date(Date.now() - agoMs), index });

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3('status');
});
afterAll(async () => {
  await s3?.close();
});

interface Report {
  ok: boolean;
  clusters: {
    cluster: string | null;
    fresh: boolean;
    maxAge: string;
    newest: { file: string; ageMs: number } | null;
    sources: {
      source: string;
      kind: string;
      candidates: number;
      refused: number;
      refusals: { code: string }[];
      newest: { file: string; bytes: number; index: number; sha256: string } | null;
    }[];
  }[];
}

/** Two clusters: "east" with a folder and an S3 prefix, "west" with a stale S3 prefix only. */
async function setup(): Promise<string> {
  const dir = tempDir('status-');
  mkdirSync(path.join(dir, 'east'), { mode: 0o700 });
  writeFileSync(path.join(dir, 'east', 'old.snap'), snap(5 * HOUR, 40), { mode: 0o600 });
  await s3.put('east/vault-new.snap', snap(20 * 60_000, 77));
  await s3.put('east/vault-empty.snap', Buffer.alloc(0));
  await s3.put('west/vault.snap', snap(3 * 24 * HOUR));
  const endpoint = s3.proxy.endpoint;
  const source = (prefix: string) => ({ url: `s3://status/${prefix}`, endpoint, forcePathStyle: true });
  const config = {
    snapshots: { maxAge: { default: '24h' } },
    clusters: [
      {
        name: 'east',
        address: 'https://east.example:8200',
        snapshots: { dir: 'east', sources: [source('east')] },
      },
      { name: 'west', address: 'https://west.example:8200', snapshots: { sources: [source('west')] } },
    ],
  };
  writeFileSync(path.join(dir, 'vault-change-gate.config.json'), JSON.stringify(config));
  return dir;
}

describe('status: the freshness report per cluster and source', () => {
  it('reports the newest verified snapshot per source, refusals by code, and exits 1 for a stale cluster', async () => {
    const cwd = await setup();
    const r = await runCli(['status', '--json'], { cwd, env: S3RVER_ENV });
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as Report;
    expect(r.code).toBe(1);
    expect(report.ok).toBe(false);
    const [east, west] = report.clusters;
    expect(east?.cluster).toBe('east');
    expect(east?.fresh).toBe(true);
    expect(east?.newest?.file).toBe('s3://status/east/vault-new.snap');
    const [folder, bucket] = east?.sources ?? [];
    expect(folder).toMatchObject({ source: 'east', kind: 'folder', candidates: 1, refused: 0 });
    expect(folder?.newest?.index).toBe(40);
    expect(bucket).toMatchObject({ source: 's3://status/east/', kind: 's3', candidates: 2 });
    expect(bucket?.newest).toMatchObject({ file: 's3://status/east/vault-new.snap', index: 77 });
    expect(bucket?.newest?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(bucket?.newest?.bytes).toBeGreaterThan(0);
    expect(west?.fresh).toBe(false);
    expect(west?.sources[0]?.newest).not.toBeNull();
  });

  it('prints the Prometheus text exposition format with cluster and source labels', async () => {
    const cwd = await setup();
    const r = await runCli(['status', '--format', 'prometheus'], { cwd, env: S3RVER_ENV });
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toContain('# TYPE vault_change_gate_snapshot_age_seconds gauge');
    expect(lines).toContain('vault_change_gate_cluster_fresh{cluster="east"} 1');
    expect(lines).toContain('vault_change_gate_cluster_fresh{cluster="west"} 0');
    expect(lines).toContain('vault_change_gate_snapshot_candidates{cluster="east",source="s3://status/east/"} 2');
    expect(lines).toContain('vault_change_gate_snapshot_raft_index{cluster="east",source="s3://status/east/"} 77');
    // Every sample line is NAME{LABELS} NUMBER; every family has HELP and TYPE before its samples.
    for (const line of lines.filter((l) => !l.startsWith('#'))) {
      expect(line).toMatch(/^vault_change_gate_[a-z_]+\{[a-z]+="[^"]*"(,[a-z0-9]+="[^"]*")*\} -?[0-9.e+]+$/);
    }
    const age = lines.find((l) => l.startsWith('vault_change_gate_snapshot_age_seconds{cluster="west"'));
    expect(Number(age?.split(' ')[1])).toBeGreaterThan(3 * 24 * 3600 - 60);
  });

  it('exits 0 when every cluster has a snapshot within the default age, and prints a text report', async () => {
    const dir = tempDir('status-ok-');
    writeFileSync(path.join(dir, 'a.snap'), snap(60_000), { mode: 0o600 });
    const r = await runCli(['status', '--snapshot-dir', dir], { cwd: dir, env: {} });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^FRESH {2}snapshots: newest verified snapshot 1m old/);
  });

  it('answers --help with its usage and exit 0, and refuses an unknown format with exit 2', async () => {
    const help = await runCli(['status', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('vault-change-gate status');
    const bad = await runCli(['status', '--format', 'xml']);
    expect(bad.code).toBe(2);
  });
});
