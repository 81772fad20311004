import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';

/** Azurite's one development account and its key, as Microsoft's Azurite documentation publishes them. */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface LocalAzure {
  readonly proxy: FaultProxy;
  /** The blob endpoint through the proxy: http://127.0.0.1:PORT/devstoreaccount1 */
  readonly endpoint: string;
  readonly container: string;
  url(prefix: string): string;
  put(name: string, body: Buffer): Promise<void>;
  readonly service: BlobServiceClient;
  close(): Promise<void>;
}

/**
 * Microsoft's Azure Storage emulator (azurite, from npm), blob service only, on 127.0.0.1 and a free port, in
 * memory, telemetry off; a fault proxy before it.
 */
export async function startAzurite(container = 'backups'): Promise<LocalAzure> {
  const main = path.join(
    path.dirname(createRequire(import.meta.url).resolve('azurite/package.json')),
    'dist/src/blob/main.js',
  );
  const args = [
    '--blobHost',
    '127.0.0.1',
    '--blobPort',
    '0',
    '--inMemoryPersistence',
    '--disableTelemetry',
    '--skipApiVersionCheck',
  ];
  const child: ChildProcess = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`azurite exited (${code}): ${out}`)));
  });
  const direct = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  const proxy = await startFaultProxy(`http://127.0.0.1:${port}`);
  const endpoint = `${proxy.endpoint}/${AZURITE_ACCOUNT}`;
  const service = new BlobServiceClient(direct, new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY));
  await service.getContainerClient(container).createIfNotExists();
  return {
    proxy,
    endpoint,
    container,
    service,
    url: (prefix) => `azure://${AZURITE_ACCOUNT}/${container}/${prefix}?endpoint=${endpoint}`,
    put: async (name, body) => {
      await service.getContainerClient(container).getBlockBlobClient(name).uploadData(body);
    },
    close: async () => {
      await proxy.close();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
