import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { tarHeader, uvarint } from '../test/helpers/snapshot-writer.js';
import { ok, table } from './util.js';

const SIZE = 512 * 1024 * 1024;
const VALUE = 4096;

const header = (name: string, size: number, mtime: number): Buffer =>
  tarHeader({ name, data: Buffer.alloc(0), mtime }, size);

/** A 512 MiB Vault-like snapshot: sorted keys, 4 KiB values of random bytes (as encrypted data is), gzip level 6. */
export async function makeSnapshot(file: string): Promise<void> {
  const stateFile = `${file}.state`;
  const hash = createHash('sha256');
  let size = 0;
  const records = function* () {
    for (let i = 0; size < SIZE; i++) {
      const key = Buffer.from(`logical/0b1c2d3e-bench/data/${i.toString().padStart(9, '0')}`);
      const value = Buffer.concat([Buffer.from([0, 0, 0, 1, 2]), randomBytes(VALUE - 5)]);
      const msg = Buffer.concat([
        Buffer.from([0x0a]),
        uvarint(key.length),
        key,
        Buffer.from([0x12]),
        uvarint(value.length),
        value,
      ]);
      const rec = Buffer.concat([uvarint(msg.length), msg]);
      size += rec.length;
      hash.update(rec);
      yield rec;
    }
  };
  await pipeline(Readable.from(records()), createWriteStream(stateFile));
  const mtime = Math.floor(Date.now() / 1000);
  const meta = Buffer.from(
    `${JSON.stringify({ Version: 1, ID: 'bolt-snapshot', Index: 1000, Term: 3, Peers: null, Configuration: { Servers: [{ Suffrage: 0, ID: 'vault-0', Address: 'vault-0:8201' }] }, ConfigurationIndex: 1, Size: size })}\n`,
  );
  const sums = Buffer.from(
    `${createHash('sha256').update(meta).digest('hex')}  meta.json\n${hash.digest('hex')}  state.bin\n`,
  );
  const sealed = Buffer.alloc(185, 1);
  const pad = (n: number) => Buffer.alloc((512 - (n % 512)) % 512);
  const parts = async function* () {
    yield header('meta.json', meta.length, mtime);
    yield Buffer.concat([meta, pad(meta.length)]);
    yield header('state.bin', size, mtime);
    for await (const chunk of createReadStream(stateFile, { highWaterMark: 1 << 20 })) yield chunk as Buffer;
    yield pad(size);
    yield header('SHA256SUMS', sums.length, mtime);
    yield Buffer.concat([sums, pad(sums.length)]);
    yield header('SHA256SUMS.sealed', sealed.length, mtime);
    yield Buffer.concat([sealed, pad(sealed.length), Buffer.alloc(1024)]);
  };
  await pipeline(Readable.from(parts()), createGzip({ level: 6 }), createWriteStream(file));
  execFileSync('rm', ['-f', stateFile]);
}

interface Run {
  ms: number;
  maxRssKiB: number;
  /** User + system CPU time of the process, all threads: on a busy machine, a steadier measure than wall time. */
  cpuMs: number;
  stdout: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '../..');
const cli = path.join(root, 'bin/vault-change-gate.js');
/** Loaded before the measured program: it writes the process's peak RSS and CPU time to a file as it exits. */
const RSS_HOOK =
  "data:text/javascript,import{writeFileSync}from'node:fs';process.on('exit',()=>{const u=process.resourceUsage();" +
  'writeFileSync(process.env.VCG_BENCH_RSS,JSON.stringify([u.maxRSS,(u.userCPUTime+u.systemCPUTime)/1000]))})';

/** One whole Node process, timed from spawn to exit. */
function runNode(args: string[]): Run {
  const rssFile = path.join(tmpdir(), `vcg-bench-rss-${process.pid}`);
  const start = process.hrtime.bigint();
  const env = { ...process.env, VCG_BENCH_RSS: rssFile };
  const r = spawnSync(process.execPath, ['--import', RSS_HOOK, ...args], { encoding: 'utf8', env });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout.slice(0, 2000)}`);
  const [maxRssKiB, cpuMs] = JSON.parse(readFileSync(rssFile, 'utf8')) as [number, number];
  rmSync(rssFile, { force: true });
  return { ms, maxRssKiB, cpuMs, stdout: r.stdout };
}

/** `snapshot inspect --json` as a user runs it: the bundled CLI, startup included. */
function runOurs(file: string): Run {
  const run = runNode([cli, 'snapshot', 'inspect', '--json', file]);
  const r = JSON.parse(run.stdout) as { valid: boolean; problems: unknown[] };
  if (!r.valid) throw new Error(`benchmark snapshot is invalid: ${JSON.stringify(r.problems)}`);
  return run;
}

interface FloorSettings {
  readKiB: number;
  inflateKiB: number;
  mode: 'pipe' | 'overlap';
}
const describe = (f: FloorSettings) => `read ${f.readKiB} KiB, inflate chunk ${f.inflateKiB} KiB, ${f.mode}`;
const runFloor = (file: string, f: FloorSettings): Run =>
  runNode([path.join(here, 'snapshot-worker.js'), file, String(f.readKiB), String(f.inflateKiB), f.mode]);

function runPipeline(file: string): Run {
  const start = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', 'gzip -dc "$1" | sha256sum', 'bench', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, maxRssKiB: 0, cpuMs: 0, stdout: r.stdout };
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Tunes the floor one setting at a time (inflate chunk, then read size, then how hashing meets zlib), keeping a
 * change only while it makes the floor faster; each setting is timed twice and its best run counts, since a
 * floor is what the machine can do at best.
 */
function tuneFloor(file: string): { best: FloorSettings; tried: string[] } {
  const seen = new Map<string, number>();
  const time = (f: FloorSettings): number => {
    const key = describe(f);
    let ms = seen.get(key);
    if (ms === undefined) {
      ms = Math.min(runFloor(file, f).ms, runFloor(file, f).ms);
      seen.set(key, ms);
    }
    return ms;
  };
  let best: FloorSettings = { readKiB: 1024, inflateKiB: 1024, mode: 'overlap' };
  const axes: ((f: FloorSettings) => FloorSettings[])[] = [
    (f) => [256, 1024, 4096, 16384].map((inflateKiB) => ({ ...f, inflateKiB })),
    (f) => [256, 1024, 4096].map((readKiB) => ({ ...f, readKiB })),
    (f) => (['pipe', 'overlap'] as const).map((mode) => ({ ...f, mode })),
  ];
  for (const axis of axes) {
    for (const candidate of axis(best)) if (time(candidate) < time(best)) best = candidate;
  }
  const tried = [...seen].sort((a, b) => a[1] - b[1]).map(([k, ms]) => `${ms.toFixed(0).padStart(6)} ms  ${k}`);
  return { best, tried };
}

export async function benchSnapshot(): Promise<void> {
  const file = path.join(tmpdir(), 'vault-change-gate-bench-512MiB.snap');
  if (!existsSync(file) || statSync(file).size < SIZE * 0.9) {
    console.log(`\nsnapshot: generating ${file} (512 MiB of incompressible values; once, then cached)…`);
    writeFileSync(file, '');
    await makeSnapshot(file);
  }
  assertBuilt();
  const bytes = statSync(file).size;
  const { best, tried } = tuneFloor(file);
  console.log('\nsnapshot floor tuning (best of 2 runs each; fastest first):');
  for (const line of tried) console.log(`  ${line}`);
  const runs = { ours: [] as Run[], floor: [] as Run[], pipe: [] as Run[] };
  for (let i = 0; i < 3; i++) {
    // In turns, so that a busy moment of the machine falls on all three alike.
    runs.ours.push(runOurs(file));
    runs.floor.push(runFloor(file, best));
    runs.pipe.push(runPipeline(file));
  }
  const ms = (rs: Run[]) => median(rs.map((r) => r.ms));
  const t = { ours: ms(runs.ours), floor: ms(runs.floor), pipe: ms(runs.pipe) };
  const rate = (ms: number) => `${(bytes / 1024 / 1024 / (ms / 1000)).toFixed(0)} MiB/s`;
  const cpu = { ours: median(runs.ours.map((r) => r.cpuMs)), floor: median(runs.floor.map((r) => r.cpuMs)) };
  const cpuRatio = (cpu.ours / cpu.floor).toFixed(2);
  const rss = Math.max(...runs.ours.map((r) => r.maxRssKiB)) / 1024;
  const floorRss = Math.max(...runs.floor.map((r) => r.maxRssKiB)) / 1024;
  table(`snapshot inspect: ${(bytes / 1024 / 1024).toFixed(0)} MiB file, whole processes, median of 3 runs in turns`, [
    ['ours: snapshot inspect --json', `${t.ours.toFixed(0)} ms, ${rate(t.ours)}`, '', ''],
    ['tuned floor: Node gunzip + SHA-256', `${t.floor.toFixed(0)} ms, ${rate(t.floor)}`, describe(best), ''],
    ['gzip -dc | sha256sum', `${t.pipe.toFixed(0)} ms, ${rate(t.pipe)}`, '', ''],
    ['ours / tuned floor', `${(t.ours / t.floor).toFixed(2)}x`, '<= 1.25x (issue #17)', ok(t.ours <= 1.25 * t.floor)],
    ['ours vs gzip pipeline', `${(t.ours / t.pipe).toFixed(2)}x`, '< 1.00x: faster (issue #17)', ok(t.ours < t.pipe)],
    ['CPU time, ours / floor', `${cpu.ours.toFixed(0)} / ${cpu.floor.toFixed(0)} ms = ${cpuRatio}x`, 'all threads', ''],
    [
      'peak RSS, ours (floor)',
      `${rss.toFixed(0)} MiB (${floorRss.toFixed(0)} MiB)`,
      '<= 128 MiB (issue #17)',
      ok(rss <= 128),
    ],
  ]);
}

/** The CLI runs from dist/: refuse to time a bundle older than the sources. */
function assertBuilt(): void {
  const bundle = path.join(root, 'dist/cli.bundle.cjs');
  const built = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
  const sources = readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' });
  const newest = Math.max(...sources.map((f) => statSync(path.join(root, 'src', f)).mtimeMs));
  if (built < newest) throw new Error('dist/cli.bundle.cjs is missing or older than src/: run npm run build first');
}
