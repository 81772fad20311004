import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  generateAccountSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AZURITE_ACCOUNT, AZURITE_KEY, startAzurite, type LocalAzure } from '../helpers/azurite.js';
import { runCli } from '../helpers/cli.js';
import { aged, big, fresh, HOUR } from '../helpers/stored-snapshots.js';

let az: LocalAzure;
beforeAll(async () => {
  az = await startAzurite();
}, 60_000);
afterAll(async () => {
  await az?.close();
});

const KEY_ENV = { AZURE_STORAGE_KEY: AZURITE_KEY };

interface Decision {
  verdict: string;
  snapshot: { file: string } | null;
  rejected: { file: string; code: string; reason: string }[];
  operations: { status: string }[];
}

async function check(url: string, env: Record<string, string> = KEY_ENV) {
  const r = await runCli(['check', '--json', '--op', 'POST sys/mounts/kv', '--snapshot-url', url], { env });
  return { ...r, decision: JSON.parse(r.stdout || 'null') as Decision };
}

describe('check --snapshot-url azure://… against Azurite, the Azure Storage emulator', () => {
  it('goes on a fresh valid snapshot read with the account key (AZURE_STORAGE_KEY)', async () => {
    await az.put('valid/vault.snap', fresh());
    const { code, decision, stderr } = await check(az.url('valid'));
    expect(stderr).toBe('');
    expect(decision.snapshot?.file).toBe(`azure://${AZURITE_ACCOUNT}/backups/valid/vault.snap`);
    expect(code).toBe(0);
  });

  it('reads with a connection string (AZURE_STORAGE_CONNECTION_STRING), and with a SAS token never printed', async () => {
    await az.put('auth/vault.snap', fresh());
    const connection =
      `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
      `BlobEndpoint=${az.endpoint};`;
    const byString = await check(az.url('auth'), { AZURE_STORAGE_CONNECTION_STRING: connection });
    expect(byString.decision.snapshot?.file).toMatch(/auth\/vault\.snap$/);
    const sas = generateAccountSASQueryParameters(
      {
        expiresOn: new Date(Date.now() + HOUR),
        permissions: AccountSASPermissions.parse('rl'),
        resourceTypes: AccountSASResourceTypes.parse('sco').toString(),
        services: AccountSASServices.parse('b').toString(),
      },
      new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
    ).toString();
    const bySas = await check(az.url('auth'), { AZURE_STORAGE_SAS_TOKEN: sas });
    expect(bySas.decision.snapshot?.file).toMatch(/auth\/vault\.snap$/);
    expect(bySas.code).toBe(0);
    const signature = new URLSearchParams(sas).get('sig') as string;
    expect(bySas.stdout + bySas.stderr).not.toContain(signature);
  });

  it('is a no-go on a stale snapshot, and refuses damaged and empty blobs with their codes', async () => {
    await az.put('mixed/a.snap', aged(3 * 24 * HOUR));
    const damaged = fresh();
    damaged[damaged.length - 6]! ^= 0xff;
    await az.put('mixed/b.snap', damaged);
    await az.put('mixed/c.snap', Buffer.alloc(0));
    const { code, decision } = await check(az.url('mixed'));
    expect(code).toBe(1);
    expect(decision.operations[0]?.status).toBe('stale');
    const codes = Object.fromEntries(decision.rejected.map((r) => [r.file.split('/').pop(), r.code]));
    expect(codes['c.snap']).toBe('EMPTY_FILE');
    expect(codes['b.snap']).toMatch(/^GZIP_/);
  });

  it('reports a wrong key as ACCESS_DENIED and a missing container as NO_SUCH_BUCKET', async () => {
    const wrongKey = Buffer.alloc(64, 1).toString('base64');
    const denied = await check(az.url('valid'), { AZURE_STORAGE_KEY: wrongKey });
    expect(denied.code).toBe(1);
    expect(denied.decision.rejected).toEqual([expect.objectContaining({ code: 'ACCESS_DENIED' })]);
    expect(denied.stdout + denied.stderr).not.toContain(wrongKey);
    const missing = await check(az.url('x').replace('/backups/', '/no-such-container/'));
    expect(missing.decision.rejected).toEqual([expect.objectContaining({ code: 'NO_SUCH_BUCKET' })]);
  });

  it('retries a throttled listing (ServerBusy), and refuses a blob whose download is cut every time', async () => {
    await az.put('faults/a-older.snap', fresh());
    await az.put('faults/b-newer.snap', big());
    let throttled = 0;
    az.proxy.fault = (req) => {
      if (req.url?.includes('comp=list') && throttled++ < 2) return 'throttle';
      return req.method === 'GET' && req.url?.includes('/faults/b-newer') ? 'cut' : null;
    };
    try {
      const { code, decision } = await check(az.url('faults'));
      expect(throttled).toBeGreaterThan(2);
      expect(decision.rejected).toContainEqual(expect.objectContaining({ code: 'STREAM_CUT' }));
      expect(decision.snapshot?.file).toMatch(/faults\/a-older\.snap$/);
      expect(code).toBe(0);
    } finally {
      az.proxy.fault = () => null;
    }
  });
});
