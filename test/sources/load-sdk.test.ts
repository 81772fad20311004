import { describe, expect, it } from 'vitest';
import { collectFromSource } from '../../src/sources/collect.js';
import { loadSdk } from '../../src/sources/load-sdk.js';
import { parseSource } from '../../src/sources/spec.js';
import type { ObjectStore } from '../../src/sources/store.js';

const notFound = () =>
  Object.assign(new Error("Cannot find package '@aws-sdk/client-s3'"), { code: 'ERR_MODULE_NOT_FOUND' });

describe('an SDK loaded only when its kind of source is used', () => {
  it('names the package to install when it is missing, as a finding (SOURCE_SDK_MISSING)', async () => {
    const missing = () => loadSdk('@aws-sdk/client-s3', 's3://', () => Promise.reject(notFound()));
    await expect(missing()).rejects.toMatchObject({
      code: 'SOURCE_SDK_MISSING',
      message: expect.stringContaining('npm install @aws-sdk/client-s3'),
    });
    const store: ObjectStore = {
      list: () => ({
        [Symbol.asyncIterator]: () => ({ next: () => missing() }),
      }),
      open: () => Promise.reject(new Error('not reached')),
    };
    const got = await collectFromSource(parseSource('s3://b/p'), {
      env: {},
      pattern: '**/*.snap',
      accept: () => true,
      store,
    });
    expect(got.refused).toEqual([expect.objectContaining({ file: 's3://b/p/', code: 'SOURCE_SDK_MISSING' })]);
  });

  it('passes any other load failure on (a bug, not a missing package)', async () => {
    await expect(loadSdk('x', 's3://', () => Promise.reject(new TypeError('boom')))).rejects.toThrow(TypeError);
  });

  it('is not in the CLI bundle: the hook and other commands never load it', async () => {
    const { readFileSync } = await import('node:fs');
    const bundle = readFileSync(new URL('../../dist/cli.bundle.cjs', import.meta.url), 'utf8');
    for (const sdk of ['@aws-sdk/client-s3', '@azure/storage-blob', '@azure/identity', '@google-cloud/storage']) {
      // The bundle is a script the bin compiles with a code cache: its import() calls go through the bin's own.
      expect(bundle).toContain(`__vcgImport("${sdk}")`);
      expect(bundle).not.toMatch(new RegExp(`require\\("${sdk.replace('/', '\\/')}"\\)`));
    }
  });
});
