import type { RetryPolicy } from './retry.js';
import type { SourceSpec } from './spec.js';
import type { ObjectStore } from './store.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The store for a source. Each kind's module is loaded only here, and each SDK only inside its module, so that a
 * check without sources (and the hook) never loads any of them.
 */
export async function openStore(spec: SourceSpec, env: Env, retry?: RetryPolicy): Promise<ObjectStore> {
  if (spec.kind === 's3' || (spec.kind === 'gs' && spec.api === 's3')) {
    return (await import('./s3.js')).openS3Store(spec, env, retry);
  }
  if (spec.kind === 'azure') return (await import('./azure.js')).openAzureStore(spec, env, retry);
  return (await import('./gcs.js')).openGcsStore(spec, env, retry);
}

/** How an object of a source is named in findings and in the decision: its URL, never with a query. */
export const objectName = (spec: SourceSpec, key: string): string =>
  spec.kind === 'azure' ? `azure://${spec.account}/${spec.bucket}/${key}` : `${spec.kind}://${spec.bucket}/${key}`;
