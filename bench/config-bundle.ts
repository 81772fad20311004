import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ok, table } from './util.js';

/**
 * `config-bundle save` and `inspect` of 200 MiB of plugin binaries, each against what a careful operator would run
 * by hand, measured side by side in one run: `tar czf` (GNU tar piping to gzip at its default level 6, the level the
 * bundle uses too) for save, and `tar xzf` then `sha256sum` of every file for inspect. Whole processes, Node's
 * start included; median of 3 runs taken in turns so that a busy moment of the machine falls on both alike.
 */

const PLUGINS = 10;
const PLUGIN_SIZE = 20 * 1024 * 1024;
const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '../../bin/vault-change-gate.js');

/**
 * Plugin binaries that compress as Go binaries do (about 2:1): each 64 KiB block is half random bytes (code and
 * compressed sections) and half a repeated table of symbol-like text. Made once, then cached in the temp folder.
 */
function makePlugins(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const text = Buffer.from(
    Array.from({ length: 512 }, (_, i) => `github.com/hashicorp/vault/sdk/plugin.(*backend).Handle${i}\x00`).join(''),
  );
  for (let p = 0; p < PLUGINS; p++) {
    const file = path.join(dir, `vault-plugin-bench-${p}`);
    if (existsSync(file) && statSync(file).size === PLUGIN_SIZE) continue;
    const blocks: Buffer[] = [];
    for (let at = 0; at < PLUGIN_SIZE; at += 65536) {
      const half = 32768;
      blocks.push(randomBytes(half), text.subarray((at / 65536) % 7, ((at / 65536) % 7) + half));
    }
    writeFileSync(file, Buffer.concat(blocks).subarray(0, PLUGIN_SIZE), { mode: 0o755 });
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): { ms: number; stdout: string } {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

export async function benchConfigBundle(): Promise<void> {
  const root = path.join(tmpdir(), 'vault-change-gate-bench-config-bundle');
  const pluginDir = path.join(root, 'plugins');
  makePlugins(pluginDir);
  const config = path.join(root, 'vault.hcl');
  writeFileSync(config, `plugin_directory = "${pluginDir}"\nstorage "raft" {\n  path = "/opt/vault/data"\n}\n`);
  const bytes = PLUGINS * PLUGIN_SIZE;
  const out = path.join(root, 'out');
  const baseline = path.join(root, 'baseline.tar.gz');
  const extracted = path.join(root, 'extracted');
  const runs = { save: [] as number[], tar: [] as number[], inspect: [] as number[], untar: [] as number[] };
  let size = 0;
  let baselineSize = 0;
  for (let i = 0; i < 3; i++) {
    rmSync(out, { recursive: true, force: true });
    rmSync(baseline, { force: true });
    rmSync(extracted, { recursive: true, force: true });
    mkdirSync(extracted);
    runs.save.push(timed(process.execPath, [cli, 'config-bundle', 'save', out, '--server-config', config]).ms);
    // GNU tar pipes through gzip -6 (its default), as the bundle does: the same compression work on both sides.
    runs.tar.push(timed('tar', ['czf', baseline, '-C', root, 'vault.hcl', 'plugins']).ms);
    const bundle = path.join(out, readdirSync(out)[0] as string);
    size = statSync(bundle).size;
    baselineSize = statSync(baseline).size;
    const inspected = timed(process.execPath, [cli, 'config-bundle', 'inspect', '--json', bundle]);
    if (!(JSON.parse(inspected.stdout) as { valid: boolean }).valid) throw new Error('the bench bundle is invalid');
    runs.inspect.push(inspected.ms);
    const script = 'tar xzf "$1" -C "$2" && find "$2" -type f -print0 | xargs -0 sha256sum > /dev/null';
    runs.untar.push(timed('bash', ['-c', script, 'bench', baseline, extracted]).ms);
  }
  const t = {
    save: median(runs.save),
    tar: median(runs.tar),
    inspect: median(runs.inspect),
    untar: median(runs.untar),
  };
  const rate = (ms: number) => `${(bytes / 1024 / 1024 / (ms / 1000)).toFixed(0)} MiB/s`;
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  table(`config-bundle: ${PLUGINS} plugin binaries, ${mb(bytes)}, gzip level 6 both sides, median of 3 in turns`, [
    ['ours: config-bundle save', `${t.save.toFixed(0)} ms, ${rate(t.save)}`, `bundle ${mb(size)}`, ''],
    ['tar czf', `${t.tar.toFixed(0)} ms, ${rate(t.tar)}`, `archive ${mb(baselineSize)}`, ''],
    ['save / tar czf', `${(t.save / t.tar).toFixed(2)}x`, '<= 1.30x (issue #13)', ok(t.save <= 1.3 * t.tar)],
    ['ours: config-bundle inspect', `${t.inspect.toFixed(0)} ms, ${rate(t.inspect)}`, '', ''],
    ['tar xzf + sha256sum', `${t.untar.toFixed(0)} ms, ${rate(t.untar)}`, '', ''],
    [
      'inspect / (tar xzf + sha256sum)',
      `${(t.inspect / t.untar).toFixed(2)}x`,
      '<= 1.30x (issue #13)',
      ok(t.inspect <= 1.3 * t.untar),
    ],
  ]);
  rmSync(out, { recursive: true, force: true });
  rmSync(extracted, { recursive: true, force: true });
  rmSync(baseline, { force: true });
}
