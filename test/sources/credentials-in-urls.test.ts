import { describe, expect, it } from 'vitest';
import { autoSnapshotCandidate } from '../../src/gate/refusal.js';
import type { ClusterFacts } from '../../src/gate/schema.js';
import { parseSource, safeName, SourceUrlError } from '../../src/sources/spec.js';

const SECRET = 'wJalrXUtnFEMIK7MDENG';

describe('credentials in a source URL are refused and never shown', () => {
  const urls = [
    `s3://AKIAEXAMPLE:${SECRET}@backups/vault/`,
    `S3://AKIAEXAMPLE:${SECRET}@backups`,
    `gs://${SECRET}@backups/vault`,
    `azure://acct:${SECRET}@acct/snaps/`,
    `  s3://user:${SECRET}@backups/x?region=eu-west-1`,
  ];
  it.each(urls)('%s', (url) => {
    let error: unknown;
    try {
      parseSource(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SourceUrlError);
    expect((error as Error).message).toMatch(/holds credentials/);
    expect((error as Error).message).not.toContain(SECRET);
  });

  it('refuses an endpoint with user:secret@, from the query or the config entry, without echoing it', () => {
    for (const [url, settings] of [
      [`s3://backups/v?endpoint=http://minio:${SECRET}@127.0.0.1:9000`, {}],
      ['s3://backups/v', { endpoint: `https://minio:${SECRET}@minio.internal` }],
    ] as const) {
      expect(() => parseSource(url, settings)).toThrow(SourceUrlError);
      try {
        parseSource(url, settings);
      } catch (e) {
        expect((e as Error).message).not.toContain(SECRET);
      }
    }
  });

  it('safeName drops user:secret@, the query and the fragment, and keeps an @ in an object name', () => {
    expect(safeName(`https://u:${SECRET}@acct.blob.core.windows.net/c/k.snap?sig=${SECRET}`)).toBe(
      'https://acct.blob.core.windows.net/c/k.snap',
    );
    expect(safeName('s3://backups/team@example/x.snap')).toBe('s3://backups/team@example/x.snap');
  });

  it("an automated snapshot's last_snapshot_url is shown without its signed query", () => {
    const cluster = {
      autoSnapshot: {
        name: 'daily',
        lastStart: '2026-12-04T09:00:00Z',
        lastEnd: '2026-12-04T09:01:00Z',
        lastError: null,
        url: `https://acct.blob.core.windows.net/snaps/daily.snap?sv=2024&sig=${SECRET}`,
        nextStart: null,
        intervalSeconds: null,
      },
    } as unknown as ClusterFacts;
    const { candidate } = autoSnapshotCandidate(cluster);
    expect(JSON.stringify(candidate)).not.toContain(SECRET);
    expect(candidate?.notes).toContain('stored at https://acct.blob.core.windows.net/snaps/daily.snap');
  });
});
