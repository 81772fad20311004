import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { buildSnapshot } from '../test/helpers/snapshot-writer.js';
import { makeSnapshot } from './snapshot.js';
import { ok, table } from './util.js';

const SIZE = 512 * 1024 * 1024;
/** The target (#19): verifying from a local S3-compatible server costs at most 1.3x reading the file. */
const TARGET = 1.3;
/** Constant memory: what the 512 MiB object may add to the peak RSS of a few-KiB one (see the table). */
const RSS_MARGIN = 64;

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '../..', 'bin/vault-change-gate.js');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** One CLI process, timed from spawn to exit; asynchronous, so that s3rver in this process keeps serving. */
function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; stdout: string; rssMiB: number }> {
  const start = process.hrtime.bigint();
  const rssFile = path.join(tmpdir(), `vcg-bench-os-rss-${process.pid}`);
  const hook =
    "data:text/javascript,import{writeFileSync}from'node:fs';" +
    "process.on('exit',()=>writeFileSync(process.env.VCG_BENCH_RSS,String(process.resourceUsage().maxRSS)))";
  const child = spawn(process.execPath, ['--import', hook, cli, ...args], {
    env: { ...process.env, ...env, VCG_BENCH_RSS: rssFile },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}: ${stderr}${stdout.slice(0, 1000)}`));
      else resolve({ ms, stdout, rssMiB: Number(readFileSync(rssFile, 'utf8')) / 1024 });
    });
  });
}

/**
 * `check --snapshot-url s3://…` against s3rver on 127.0.0.1 (the object streamed through the verifier, nothing
 * written to disk) beside `snapshot inspect` of the same 512 MiB file on disk, whole processes, in turns.
 */
export async function benchObjectStorage(): Promise<void> {
  const file = path.join(tmpdir(), 'vault-change-gate-bench-512MiB.snap');
  if (!existsSync(file) || statSync(file).size < SIZE * 0.9) {
    console.log(`\nobject storage: generating ${file} (512 MiB; once, then cached)…`);
    writeFileSync(file, '');
    await makeSnapshot(file);
  }
  if (!existsSync(path.join(here, '../..', 'dist', 'cli.bundle.cjs'))) {
    console.log('\nobject storage: skipped (run `npm run build` first)');
    return;
  }
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const directory = mkdtempSync(path.join(tmpdir(), 'vcg-bench-s3rver-'));
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: [{ name: 'bench' }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const keys = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: keys.AWS_ACCESS_KEY_ID, secretAccessKey: keys.AWS_SECRET_ACCESS_KEY },
    // s3rver stores an aws-chunked upload (the SDK's default for a streamed body) with its chunk framing.
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  try {
    const bytes = statSync(file).size;
    const upload = { Bucket: 'bench', Key: 'vault/bench.snap', Body: createReadStream(file), ContentLength: bytes };
    await client.send(new PutObjectCommand(upload));
    // A small snapshot beside it: the same command's memory for a few KiB, so that "constant" is measured.
    const small = buildSnapshot({ takenAt: new Date() });
    await client.send(new PutObjectCommand({ Bucket: 'bench', Key: 'small/small.snap', Body: small }));
    const urlOf = (prefix: string) => `s3://bench/${prefix}?endpoint=${endpoint}&forcePathStyle=true&region=us-east-1`;
    const argsFor = (prefix: string) => [
      'check',
      '--json',
      '--op',
      'POST sys/mounts/kv',
      '--snapshot-url',
      urlOf(prefix),
    ];
    const disk: number[] = [];
    const remote: number[] = [];
    let rss = 0;
    let smallRss = 0;
    for (let i = 0; i < 3; i++) {
      // In turns, so that a busy moment of the machine falls on both alike.
      disk.push((await runCli(['snapshot', 'inspect', '--json', file], {})).ms);
      const r = await runCli(argsFor('vault'), { ...keys, CI: 'true' });
      const decision = JSON.parse(r.stdout) as { verdict: string; snapshot: { file: string } | null };
      if (decision.snapshot?.file !== 's3://bench/vault/bench.snap') throw new Error(`not verified: ${r.stdout}`);
      remote.push(r.ms);
      rss = Math.max(rss, r.rssMiB);
      smallRss = Math.max(smallRss, (await runCli(argsFor('small'), { ...keys, CI: 'true' })).rssMiB);
    }
    const t = { disk: median(disk), remote: median(remote) };
    const rate = (ms: number) => `${(bytes / 1024 / 1024 / (ms / 1000)).toFixed(0)} MiB/s`;
    const ratio = t.remote / t.disk;
    table(`object storage: a ${(bytes / 1024 / 1024).toFixed(0)} MiB snapshot, whole processes, median of 3 in turns`, [
      ['snapshot inspect (file on disk)', `${t.disk.toFixed(0)} ms, ${rate(t.disk)}`, '', ''],
      ['check --snapshot-url s3:// (s3rver, 127.0.0.1)', `${t.remote.toFixed(0)} ms, ${rate(t.remote)}`, '', ''],
      ['s3 / disk', `${ratio.toFixed(2)}x`, `<= ${TARGET}x (issue #19)`, ok(ratio <= TARGET)],
      // Constant memory (#19): the 512 MiB object costs no more than a fixed margin over a few-KiB one. The margin
      // holds the verifier's buffers (read ring, inflater queue and output, trailer window) and the heap they churn.
      [
        'peak RSS of the s3 check: 512 MiB object (few-KiB object)',
        `${rss.toFixed(0)} MiB (${smallRss.toFixed(0)} MiB)`,
        `<= ${RSS_MARGIN} MiB more: constant (issue #19)`,
        ok(rss - smallRss <= RSS_MARGIN),
      ],
    ]);
  } finally {
    client.destroy();
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  }
}
