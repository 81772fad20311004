import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { tempDir } from './tmp.js';

/** s3rver's own keys: it checks every request's signature against them. */
export const S3RVER_ENV = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' } as const;

export interface LocalS3 {
  /** The fault proxy in front of s3rver: what the gate is pointed at. */
  readonly proxy: FaultProxy;
  readonly bucket: string;
  /** `s3://BUCKET/PREFIX?endpoint=…&forcePathStyle=true&region=us-east-1` */
  url(prefix: string): string;
  put(key: string, body: Buffer): Promise<void>;
  close(): Promise<void>;
}

/** s3rver (an S3-compatible server from npm) on 127.0.0.1, a free port, a temp folder; a fault proxy before it. */
export async function startLocalS3(bucket = 'backups'): Promise<LocalS3> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: tempDir('s3rver-'),
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const direct = `http://127.0.0.1:${port}`;
  const proxy = await startFaultProxy(direct);
  const client = new S3Client({
    endpoint: direct,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: S3RVER_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: S3RVER_ENV.AWS_SECRET_ACCESS_KEY },
  });
  return {
    proxy,
    bucket,
    url: (prefix) => `s3://${bucket}/${prefix}?endpoint=${proxy.endpoint}&forcePathStyle=true&region=us-east-1`,
    put: async (key, body) => void (await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }))),
    close: async () => {
      client.destroy();
      await proxy.close();
      await server.close();
    },
  };
}
