import type { Readable } from 'node:stream';
import type { StorageOptions } from '@google-cloud/storage';
import { loadSdk } from './load-sdk.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.js';
import type { SourceSpec } from './spec.js';
import type { ObjectStore, StoredObject } from './store.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The client's settings: application default credentials (GOOGLE_APPLICATION_CREDENTIALS, `gcloud auth
 * application-default login`, workload identity, the metadata server) as the SDK finds them; the endpoint from the
 * source, else STORAGE_EMULATOR_HOST as the SDK reads it. Pure.
 */
export function gcsClientOptions(spec: SourceSpec, env: Env): StorageOptions {
  const endpoint = spec.endpoint ?? env.STORAGE_EMULATOR_HOST;
  return {
    ...(endpoint ? { apiEndpoint: endpoint } : {}),
    ...(env.GOOGLE_CLOUD_PROJECT ? { projectId: env.GOOGLE_CLOUD_PROJECT } : {}),
    // Throttling is retried by withRetry (bounded, counted); the SDK's own retries would multiply it.
    retryOptions: { autoRetry: false, maxRetries: 0 },
  };
}

export async function openGcsStore(
  spec: SourceSpec,
  env: Env,
  retry: RetryPolicy = DEFAULT_RETRY,
): Promise<ObjectStore> {
  const sdk = await loadSdk('@google-cloud/storage', 'gs://', () => import('@google-cloud/storage'));
  const bucket = new sdk.Storage(gcsClientOptions(spec, env)).bucket(spec.bucket);
  return {
    async *list(prefix: string): AsyncIterable<StoredObject> {
      let pageToken: string | undefined;
      do {
        const query = { prefix, autoPaginate: false, maxResults: 1000, ...(pageToken ? { pageToken } : {}) };
        const [files, next] = await withRetry(() => bucket.getFiles(query), retry);
        for (const f of files) {
          const size = f.metadata.size === undefined ? null : Number(f.metadata.size);
          const modified = f.metadata.updated ? Date.parse(f.metadata.updated) : null;
          yield { key: f.name, size, modified };
        }
        pageToken = (next as { pageToken?: string } | null)?.pageToken;
      } while (pageToken);
    },
    async open(key: string) {
      const file = bucket.file(key);
      const [metadata] = await withRetry(() => file.getMetadata(), retry);
      const length = metadata.size === undefined ? null : Number(metadata.size);
      // The SDK checks the object's CRC32C (or MD5) at the end of the stream: a cut or altered download errors.
      // The stored bytes as they are (no decompressive transcoding): the snapshot file is what was uploaded.
      return { body: file.createReadStream({ decompress: false }) as Readable, length };
    },
  };
}
