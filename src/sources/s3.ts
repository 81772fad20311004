import type { Readable } from 'node:stream';
import type { S3Client as S3ClientType, S3ClientConfig } from '@aws-sdk/client-s3';
import { loadSdk } from './load-sdk.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.js';
import type { SourceSpec } from './spec.js';
import type { ObjectStore, StoredObject } from './store.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Cloud Storage's S3-compatible (XML API) endpoint, for gs:// sources read with HMAC keys. */
export const GCS_INTEROP_ENDPOINT = 'https://storage.googleapis.com';

/**
 * The client's settings as the AWS CLI would take them: the endpoint from the source, else AWS_ENDPOINT_URL_S3,
 * else AWS_ENDPOINT_URL (unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS); keys from the environment given, else the
 * SDK's own chain (AWS_PROFILE or the source's profile, shared config and credentials files, web identity, SSO,
 * container and instance roles). Pure.
 */
export function s3ClientConfig(spec: SourceSpec, env: Env): S3ClientConfig {
  const interop = spec.kind === 'gs';
  const ignoreEnv = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true';
  const endpoint =
    spec.endpoint ??
    (ignoreEnv ? undefined : (env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL)) ??
    (interop ? GCS_INTEROP_ENDPOINT : undefined);
  const region = spec.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? (interop ? 'auto' : 'us-east-1');
  const profile = spec.profile ?? env.AWS_PROFILE;
  const keys =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY && !spec.profile
      ? {
          credentials: {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          },
        }
      : {};
  return {
    region,
    ...(endpoint ? { endpoint } : {}),
    ...(spec.forcePathStyle !== undefined ? { forcePathStyle: spec.forcePathStyle } : {}),
    ...(profile && !keys.credentials ? { profile } : {}),
    ...keys,
    // Checksums only where the service requires them: Cloud Storage's XML API does not know the newer ones.
    ...(interop ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
    // A bucket in another region answers with a redirect: follow it rather than fail on a guessed region.
    followRegionRedirects: true,
    // Throttling is retried by withRetry (bounded, counted); the SDK's own retries would multiply it.
    maxAttempts: 1,
    // A stalled transfer ends as a cut stream rather than hanging the check.
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
  };
}

export async function openS3Store(
  spec: SourceSpec,
  env: Env,
  retry: RetryPolicy = DEFAULT_RETRY,
): Promise<ObjectStore> {
  // The SDK warns on every start under Node 20 about its own future releases: noise in a hook's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const sdk = await loadSdk('@aws-sdk/client-s3', `${spec.kind}://`, () => import('@aws-sdk/client-s3'));
  const client: S3ClientType = new sdk.S3Client(s3ClientConfig(spec, env));
  const Bucket = spec.bucket;
  return {
    async *list(prefix: string): AsyncIterable<StoredObject> {
      let token: string | undefined;
      do {
        const input = { Bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) };
        const page = await withRetry(() => client.send(new sdk.ListObjectsV2Command(input)), retry);
        for (const o of page.Contents ?? []) {
          if (o.Key === undefined) continue;
          yield { key: o.Key, size: o.Size ?? null, modified: o.LastModified?.getTime() ?? null };
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },
    async open(key: string) {
      const got = await withRetry(() => client.send(new sdk.GetObjectCommand({ Bucket, Key: key })), retry);
      return { body: got.Body as Readable, length: got.ContentLength ?? null };
    },
  };
}
