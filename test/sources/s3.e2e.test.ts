import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { S3RVER_ENV, startLocalS3, type LocalS3 } from '../helpers/s3-server.js';
import { aged, big, fresh, HOUR } from '../helpers/stored-snapshots.js';

const old = () => aged(3 * 24 * HOUR);
const damaged = () => {
  const bytes = fresh();
  bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
  return bytes;
};

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(async () => {
  await s3?.close();
});

interface Decision {
  verdict: string;
  snapshot: { file: string; sha256: string } | null;
  rejected: { file: string; code: string; reason: string }[];
  operations: { status: string }[];
}

async function check(url: string, env: Record<string, string> = S3RVER_ENV) {
  const r = await runCli(['check', '--json', '--op', 'POST sys/mounts/kv', '--snapshot-url', url], { env });
  return { ...r, decision: JSON.parse(r.stdout || 'null') as Decision };
}

const gets = (prefix: string) => s3.proxy.seen.filter((l) => l.startsWith(`GET /${s3.bucket}/${prefix}`));

describe('check --snapshot-url s3://… against a local S3-compatible server (s3rver)', () => {
  it('goes on a fresh valid snapshot, verified as it streams', async () => {
    await s3.put('valid/vault-1.snap', fresh());
    const { code, decision, stderr } = await check(s3.url('valid'));
    expect(stderr).toBe('');
    expect(decision.verdict).toBe('go');
    expect(code).toBe(0);
    expect(decision.snapshot?.file).toBe('s3://backups/valid/vault-1.snap');
    expect(decision.snapshot?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is a no-go when the newest snapshot is stale by its own time, whatever the object's time", async () => {
    await s3.put('stale/vault-new-upload.snap', old());
    const { code, decision } = await check(s3.url('stale'));
    expect(code).toBe(1);
    expect(decision.operations[0]?.status).toBe('stale');
  });

  it('refuses a damaged newest object and goes on the older valid one', async () => {
    await s3.put('damaged/a-older.snap', fresh());
    await s3.put('damaged/b-newer.snap', damaged());
    const { code, decision } = await check(s3.url('damaged'));
    expect(code).toBe(0);
    expect(decision.snapshot?.file).toBe('s3://backups/damaged/a-older.snap');
    const refused = decision.rejected.find((r) => r.file === 's3://backups/damaged/b-newer.snap');
    expect(refused?.code).toMatch(/^(GZIP|TAR|HASH|STATE)/);
  });

  it('refuses an empty object (an upload that silently failed) with EMPTY_FILE', async () => {
    await s3.put('empty/vault.snap', Buffer.alloc(0));
    const { code, decision } = await check(s3.url('empty'));
    expect(code).toBe(1);
    expect(decision.rejected).toContainEqual(expect.objectContaining({ code: 'EMPTY_FILE' }));
    expect(decision.operations[0]?.status).toBe('no-snapshot');
  });

  it('reports access denied (a key the server does not know) as a refusal of the source, never printing the secret', async () => {
    await s3.put('denied/vault.snap', fresh());
    const secret = 'wrong-secret-value-123';
    const { code, decision, stdout, stderr } = await check(s3.url('denied'), {
      AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNKEY',
      AWS_SECRET_ACCESS_KEY: secret,
    });
    expect(code).toBe(1);
    expect(decision.rejected).toEqual([
      expect.objectContaining({ file: 's3://backups/denied/', code: 'ACCESS_DENIED' }),
    ]);
    expect(stdout + stderr).not.toContain(secret);
  });

  it('reports a bucket that does not exist as NO_SUCH_BUCKET', async () => {
    const url = s3.url('x').replace('s3://backups/', 's3://no-such-bucket/');
    const { code, decision } = await check(url);
    expect(code).toBe(1);
    expect(decision.rejected).toEqual([expect.objectContaining({ code: 'NO_SUCH_BUCKET' })]);
  });

  it('refuses a download cut mid-object as STREAM_CUT and tries the next candidate', async () => {
    await s3.put('cut/a-older.snap', fresh());
    await s3.put('cut/b-newer.snap', big());
    s3.proxy.fault = (req) => (req.method === 'GET' && req.url?.includes('/cut/b-newer') ? 'cut' : null);
    try {
      const { code, decision } = await check(s3.url('cut'));
      expect(decision.rejected).toContainEqual(
        expect.objectContaining({ file: 's3://backups/cut/b-newer.snap', code: 'STREAM_CUT' }),
      );
      expect(decision.snapshot?.file).toBe('s3://backups/cut/a-older.snap');
      expect(code).toBe(0);
    } finally {
      s3.proxy.fault = () => null;
    }
  });

  it('retries a throttled listing and read (bounded backoff) and then goes', async () => {
    await s3.put('throttled/vault.snap', fresh());
    let throttled = 0;
    s3.proxy.fault = (req) => (req.url?.includes('throttled') && throttled++ < 2 ? 'throttle' : null);
    try {
      const { code, decision } = await check(s3.url('throttled'));
      expect(throttled).toBeGreaterThan(2);
      expect(decision.snapshot?.file).toBe('s3://backups/throttled/vault.snap');
      expect(code).toBe(0);
    } finally {
      s3.proxy.fault = () => null;
    }
  });

  it('gives up on an object throttled through every retry (THROTTLED) and tries the next', async () => {
    await s3.put('slow/a-older.snap', fresh());
    await s3.put('slow/b-newer.snap', fresh());
    s3.proxy.fault = (req) => (req.method === 'GET' && req.url?.includes('/slow/b-newer') ? 'throttle' : null);
    try {
      const { code, decision } = await check(s3.url('slow'));
      const refused = decision.rejected.find((r) => r.file === 's3://backups/slow/b-newer.snap');
      expect(refused?.code).toBe('THROTTLED');
      expect(refused?.reason).toMatch(/after 4 tries/);
      expect(gets('slow/b-newer')).toHaveLength(4);
      expect(code).toBe(0);
    } finally {
      s3.proxy.fault = () => null;
    }
  });

  it('lists 1,000 objects and verifies only the newest', { timeout: 120_000 }, async () => {
    const junk = Buffer.from('not a snapshot');
    const names = Array.from({ length: 999 }, (_, i) => `many/vault-${String(i).padStart(4, '0')}.snap`);
    for (let i = 0; i < names.length; i += 50) await Promise.all(names.slice(i, i + 50).map((n) => s3.put(n, junk)));
    await s3.put('many/vault-9999.snap', fresh());
    const { code, decision } = await check(s3.url('many'));
    expect(code).toBe(0);
    expect(decision.snapshot?.file).toBe('s3://backups/many/vault-9999.snap');
    expect(decision.rejected).toEqual([]);
    expect(gets('many/')).toEqual([`GET /backups/many/vault-9999.snap?x-id=GetObject`]);
  });

  it('matches objects by the same pattern rules as a folder (sidecars and other names are not candidates)', async () => {
    await s3.put('pattern/vault.snap', fresh());
    await s3.put('pattern/vault.snap.json', Buffer.from('{}'));
    await s3.put('pattern/notes.txt', Buffer.from('hello'));
    const { decision } = await check(s3.url('pattern'));
    expect(decision.snapshot?.file).toBe('s3://backups/pattern/vault.snap');
    expect(gets('pattern/')).toHaveLength(1);
  });
});
