import { describe, expect, it } from 'vitest';
import { azureAuth } from '../../src/sources/azure.js';
import { locateObject, sourceFor } from '../../src/sources/object-url.js';
import { s3ClientConfig } from '../../src/sources/s3.js';
import { parseSource, SourceUrlError } from '../../src/sources/spec.js';

describe('source URLs', () => {
  it('parses each form, the prefix as a folder, settings from the query over the config entry', () => {
    expect(parseSource('s3://backups/vault/daily?region=eu-west-1', { region: 'us-east-1' })).toMatchObject({
      kind: 's3',
      bucket: 'backups',
      prefix: 'vault/daily/',
      region: 'eu-west-1',
      name: 's3://backups/vault/daily/',
    });
    expect(parseSource('s3://backups')).toMatchObject({ prefix: '', name: 's3://backups/' });
    expect(parseSource('azure://acct/snaps/raft/')).toMatchObject({
      kind: 'azure',
      account: 'acct',
      bucket: 'snaps',
      prefix: 'raft/',
    });
    expect(parseSource('gs://b/p?api=s3')).toMatchObject({ kind: 'gs', api: 's3' });
    expect(parseSource('s3://b/p?forcePathStyle=true&endpoint=http://127.0.0.1:4569').forcePathStyle).toBe(true);
  });

  it('never keeps the query in the name it shows (an Azure SAS token, say), and refuses what it cannot read', () => {
    expect(() => parseSource('azure://acct/c/p?sig=SECRET')).toThrow(SourceUrlError);
    try {
      parseSource('azure://acct/c/p?sig=SECRET');
    } catch (error) {
      expect((error as Error).message).not.toContain('SECRET');
    }
    for (const bad of ['http://x/y', 's3://', 'azure://acct', 's3://b/../x', 'S3://b', 's3://b/p?forcePathStyle=yes']) {
      expect(() => parseSource(bad), bad).toThrow(SourceUrlError);
    }
    expect(() => parseSource('s3://b/p?api=s3')).toThrow(/gs:\/\/ sources only/);
  });
});

describe('credentials and endpoints, as each platform takes them', () => {
  const s3 = parseSource('s3://b/p');
  it('S3: the source endpoint, else AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL; keys from the environment', () => {
    const env = { AWS_ENDPOINT_URL: 'http://all', AWS_ENDPOINT_URL_S3: 'http://s3', AWS_REGION: 'eu-central-1' };
    expect(s3ClientConfig(s3, env)).toMatchObject({ endpoint: 'http://s3', region: 'eu-central-1' });
    expect(s3ClientConfig(s3, { AWS_ENDPOINT_URL: 'http://all' }).endpoint).toBe('http://all');
    expect(s3ClientConfig(parseSource('s3://b?endpoint=http://given'), env).endpoint).toBe('http://given');
    expect(s3ClientConfig(s3, { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }).endpoint).toBeUndefined();
    const keys = s3ClientConfig(s3, { AWS_ACCESS_KEY_ID: 'id', AWS_SECRET_ACCESS_KEY: 'sk', AWS_SESSION_TOKEN: 't' });
    expect(keys.credentials).toEqual({ accessKeyId: 'id', secretAccessKey: 'sk', sessionToken: 't' });
    // No keys given: the SDK's own chain (profiles, web identity, SSO, instance roles), with AWS_PROFILE.
    const chain = s3ClientConfig(s3, { AWS_PROFILE: 'backup-reader' });
    expect(chain.credentials).toBeUndefined();
    expect(chain.profile).toBe('backup-reader');
    expect(s3ClientConfig(s3, {}).region).toBe('us-east-1');
  });

  it("GCS through its S3-compatible API: Google's endpoint and the auto region unless given", () => {
    const config = s3ClientConfig(parseSource('gs://b/p?api=s3'), {});
    expect(config).toMatchObject({ endpoint: 'https://storage.googleapis.com', region: 'auto' });
  });

  it('Azure: connection string, then account key, then SAS, then DefaultAzureCredential', () => {
    expect(azureAuth({ AZURE_STORAGE_CONNECTION_STRING: 'cs', AZURE_STORAGE_KEY: 'k' }).kind).toBe('connection-string');
    expect(azureAuth({ AZURE_STORAGE_KEY: 'k', AZURE_STORAGE_SAS_TOKEN: 's' }).kind).toBe('account-key');
    expect(azureAuth({ AZURE_STORAGE_SAS_TOKEN: '?sv=1&sig=x' })).toEqual({ kind: 'sas', token: 'sv=1&sig=x' });
    expect(azureAuth({}).kind).toBe('default-credential');
  });
});

describe('an automated snapshot URL, matched to a configured source', () => {
  it('reads the forms the services use', () => {
    const forms: [string, object][] = [
      ['s3://b/k/x.snap', { kind: 's3', bucket: 'b', key: 'k/x.snap' }],
      ['https://b.s3.eu-west-1.amazonaws.com/k/x.snap', { kind: 's3', bucket: 'b', key: 'k/x.snap' }],
      ['https://b.s3.amazonaws.com/k/x.snap', { kind: 's3', bucket: 'b', key: 'k/x.snap' }],
      ['https://s3.eu-west-1.amazonaws.com/b/k/x.snap', { kind: 's3', bucket: 'b', key: 'k/x.snap' }],
      ['https://storage.googleapis.com/b/k/x.snap', { kind: 'gs', bucket: 'b', key: 'k/x.snap' }],
      [
        'https://acct.blob.core.windows.net/c/k/x.snap',
        { kind: 'azure', account: 'acct', bucket: 'c', key: 'k/x.snap' },
      ],
    ];
    for (const [url, want] of forms) expect(locateObject(url), url).toMatchObject(want);
    expect(locateObject('file:///opt/vault/x.snap')).toBeNull();
    expect(locateObject('https://example.com/b/k')).toBeNull();
  });

  it('picks the source of the same bucket, preferring the one whose prefix holds the object', () => {
    const sources = [parseSource('s3://b/other'), parseSource('s3://b/k'), parseSource('gs://b/k')];
    expect(sourceFor(locateObject('s3://b/k/x.snap')!, sources)?.name).toBe('s3://b/k/');
    expect(sourceFor(locateObject('s3://b/z/x.snap')!, sources)?.name).toBe('s3://b/other/');
    expect(sourceFor(locateObject('s3://c/k/x.snap')!, sources)).toBeNull();
  });
});
