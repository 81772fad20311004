import type { Readable } from 'node:stream';
import type { BlobServiceClient, StoragePipelineOptions } from '@azure/storage-blob';
import { loadSdk } from './load-sdk.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.js';
import type { SourceSpec } from './spec.js';
import { SourceFailure, type ObjectStore, type StoredObject } from './store.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Which credential the Azure CLI's environment names, in the order the CLI itself prefers them. */
export type AzureAuth =
  | { kind: 'connection-string'; connectionString: string }
  | { kind: 'account-key'; key: string }
  | { kind: 'sas'; token: string }
  | { kind: 'default-credential' };

/**
 * AZURE_STORAGE_CONNECTION_STRING, else AZURE_STORAGE_KEY (the account's key), else AZURE_STORAGE_SAS_TOKEN, else
 * DefaultAzureCredential (environment service principal, workload identity, managed identity, `az login`). Pure.
 */
export function azureAuth(env: Env): AzureAuth {
  if (env.AZURE_STORAGE_CONNECTION_STRING) {
    return { kind: 'connection-string', connectionString: env.AZURE_STORAGE_CONNECTION_STRING };
  }
  if (env.AZURE_STORAGE_KEY) return { kind: 'account-key', key: env.AZURE_STORAGE_KEY };
  if (env.AZURE_STORAGE_SAS_TOKEN) return { kind: 'sas', token: env.AZURE_STORAGE_SAS_TOKEN.replace(/^\?/, '') };
  return { kind: 'default-credential' };
}

export async function openAzureStore(
  spec: SourceSpec,
  env: Env,
  retry: RetryPolicy = DEFAULT_RETRY,
): Promise<ObjectStore> {
  const sdk = await loadSdk('@azure/storage-blob', 'azure://', () => import('@azure/storage-blob'));
  const account = spec.account as string;
  const endpoint = (spec.endpoint ?? `https://${account}.blob.core.windows.net`).replace(/\/+$/, '');
  // Throttling is retried by withRetry (bounded, counted); the SDK's own retries would multiply it.
  const options: StoragePipelineOptions = { retryOptions: { maxTries: 1 } };
  const auth = azureAuth(env);
  let service: BlobServiceClient;
  if (auth.kind === 'connection-string') {
    service = sdk.BlobServiceClient.fromConnectionString(auth.connectionString, options);
    if (service.accountName && service.accountName !== account) {
      const named = `AZURE_STORAGE_CONNECTION_STRING is for the account ${service.accountName}`;
      throw new SourceFailure('ACCESS_DENIED', `${named}, not ${account}.`);
    }
  } else if (auth.kind === 'account-key') {
    service = new sdk.BlobServiceClient(endpoint, new sdk.StorageSharedKeyCredential(account, auth.key), options);
  } else if (auth.kind === 'sas') {
    service = new sdk.BlobServiceClient(`${endpoint}?${auth.token}`, new sdk.AnonymousCredential(), options);
  } else {
    const identity = await loadSdk(
      '@azure/identity',
      'azure:// (DefaultAzureCredential)',
      () => import('@azure/identity'),
    );
    service = new sdk.BlobServiceClient(endpoint, new identity.DefaultAzureCredential(), options);
  }
  const container = service.getContainerClient(spec.bucket);
  return {
    async *list(prefix: string): AsyncIterable<StoredObject> {
      let token: string | undefined;
      do {
        const page = await withRetry(async () => {
          const pages = container.listBlobsFlat({ prefix }).byPage({ maxPageSize: 5000, continuationToken: token });
          return (await pages.next()).value;
        }, retry);
        for (const b of page?.segment.blobItems ?? []) {
          const size = b.properties.contentLength ?? null;
          yield { key: b.name, size, modified: b.properties.lastModified?.getTime() ?? null };
        }
        token = page?.continuationToken || undefined;
      } while (token);
    },
    async open(key: string) {
      const blob = container.getBlobClient(key);
      // A broken download is resumed from where it stopped, a bounded number of times (the SDK does it by range).
      const got = await withRetry(() => blob.download(0, undefined, { maxRetryRequests: 2 }), retry);
      return { body: got.readableStreamBody as Readable, length: got.contentLength ?? null };
    },
  };
}
