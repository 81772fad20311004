import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/index.js';
import { hasShared, sharedPath } from '../helpers/shared.js';

/**
 * Every endpoint row of the current API docs (../shared/reference/vault-sys-endpoints.tsv) gets a verdict, checked
 * against an oracle written from the reference notes rather than from our catalogue: excluded prefixes, POSTs that
 * only read and GETs that write (vault-sys-api.md §1.2, §1.3). No row may fall through to "unknown".
 */
const EXCLUDED = ['leases', 'namespaces', 'tools', 'wrapping', 'policies', 'pprof'];
const POST_READS = [
  /^sys\/capabilities(-self|-accessor)?$/,
  /^sys\/audit-hash\//,
  /^sys\/decode-token$/,
  /^sys\/control-group\/request$/,
  /^sys\/managed-keys\/[^/]+\/[^/]+\/test\/sign$/,
  /^sys\/replication\/(dr\/secondary\/)?merkle-check$/,
  /^sys\/leases\/lookup$/,
  /^sys\/tools\//,
  /^sys\/wrapping\/lookup$/,
];
const GET_WRITES = [/^sys\/mfa\/method\/totp\/[^/]+\/generate$/];

const SAMPLE: Record<string, string> = {
  type: 'auth',
  name: 'example',
  path: 'team/kv',
  feature: 'secrets-sync',
  subsystem: 'license',
  id: 'msg-1',
  mount: 'kv',
  migration_id: 'abc123',
  snapshot_id: 'snap-1',
  prefix: 'aws/creds',
  subpath: 'team-a',
  mount_accessor: 'auth_userpass_1234',
  'alias-identifier': 'alice',
  label: 'example-label',
  version: 'v1.0.0',
  purge: 'true',
  source: 'platform',
  bytes: '32',
  algorithm: 'sha2-512',
  eventType: 'kv-v2/data-write',
};

interface Row {
  file: string;
  method: string;
  path: string;
  heading: string;
}

function rows(): Row[] {
  const text = readFileSync(sharedPath('reference', 'vault-sys-endpoints.tsv'), 'utf8');
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [file, method, path, heading] = l.split('\t');
      return { file: file ?? '', method: method ?? '', path: path ?? '', heading: heading ?? '' };
    });
}

/** Concrete request paths for a documented path: parameters filled, optional groups both left out and filled. */
function concretise(docPath: string): string[] {
  const fill = (p: string) => p.replace(/:([A-Za-z_-]+)/g, (_, k: string) => SAMPLE[k] ?? `sample-${k}`);
  const optional = /\(([^()]*)\)/g;
  const without = docPath.replace(optional, '');
  const withAll = docPath.replace(optional, '$1');
  return [...new Set([fill(without), fill(withAll)])];
}

function expected(method: string, path: string): string {
  const p = path.replace(/^\/+/, '').replace(/\?.*$/, '').replace(/\/$/, '');
  const read = method === 'GET' || method === 'LIST' || method === 'HEAD';
  const family = p.split('/')[1] ?? '';
  const postRead = method === 'POST' && POST_READS.some((re) => re.test(p));
  if (EXCLUDED.includes(family)) return read || postRead ? 'read-only' : 'excluded';
  if (read) return GET_WRITES.some((re) => re.test(p)) ? 'backup-first' : 'read-only';
  return postRead ? 'read-only' : 'backup-first';
}

describe.skipIf(!hasShared)('every documented /sys endpoint', () => {
  const all = hasShared ? rows() : [];
  it('reads the whole catalogue (330 rows)', () => {
    expect(all.length).toBeGreaterThanOrEqual(330);
  });
  for (const row of all) {
    for (const path of concretise(row.path)) {
      it(`${row.method} ${path} (${row.file})`, () => {
        const c = classify(`${row.method} ${path}`);
        expect(c.verdict, c.reason).toBe(expected(row.method, path));
        expect(c.category).not.toBe('unknown-sys');
        expect(c.path?.startsWith('sys')).toBe(true);
        // The same request with /v1/ and a leading slash, and as an object, gets the same answer.
        expect(classify(`${row.method} /v1/${path.replace(/^\/+/, '')}`).verdict).toBe(c.verdict);
        expect(classify({ method: row.method, path }).verdict).toBe(c.verdict);
      });
    }
  }
});
