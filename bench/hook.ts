import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GitDir } from '../test/helpers/gitdir.js';
import { buildSnapshot } from '../test/helpers/snapshot-writer.js';
import { now, ok, table } from './util.js';

const resource = (i: number, rev: number) =>
  `resource "vault_mount" "m${i}" {\n  path = "team-${i}"\n  type = "kv"\n  description = "revision ${rev}"\n}\n\nresource "vault_kv_secret_v2" "s${i}" {\n  mount = vault_mount.m${i}.path\n  name  = "config"\n  data_json = jsonencode({ rev = ${rev} })\n}\n`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Pushes of `changed` modified .tf files (of 30) to a local bare remote, with and without the hook, in turns. */
function measure(changed: number, rounds: number): { withHook: number; without: number; bareNode: number } {
  const base = mkdtempSync(path.join(tmpdir(), 'vcg-bench-hook-'));
  const remote = new GitDir(path.join(base, 'remote.git'), { bare: true });
  const work = new GitDir(path.join(base, 'work'));
  work.git('remote', 'add', 'origin', remote.dir);
  const backups = path.join(base, 'backups');
  mkdirSync(backups, { mode: 0o700 });
  writeFileSync(path.join(backups, 'vault.snap'), buildSnapshot({ takenAt: new Date() }), { mode: 0o600 });
  const files: Record<string, string> = {
    'vault-change-gate.config.json': JSON.stringify({ snapshots: { dir: backups } }),
  };
  for (let i = 0; i < 30; i++) files[`team-${i}.tf`] = resource(i, 0);
  work.commit(files, 'base');
  const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../bin/vault-change-gate.js');
  spawnSync(process.execPath, [cli, 'install-hook', '--repo', work.dir]);
  work.git('push', '-q', '--no-verify', 'origin', 'main');
  const withHook: number[] = [];
  const without: number[] = [];
  let rev = 1;
  const pushOnce = (verify: boolean) => {
    const change: Record<string, string> = {};
    for (let i = 0; i < changed; i++) change[`team-${i}.tf`] = resource(i, rev);
    rev++;
    work.commit(change);
    const t = now();
    const r = spawnSync('git', ['push', '-q', ...(verify ? [] : ['--no-verify']), 'origin', 'main'], {
      cwd: work.dir,
      env: work.env,
      encoding: 'utf8',
    });
    const ms = now() - t;
    if (r.status !== 0) throw new Error(`push failed: ${r.stderr}`);
    (verify ? withHook : without).push(ms);
  };
  // Node's own start-up in the same turns: what the machine's load makes of the ~0.1 s it takes on an idle one.
  const bareNode: number[] = [];
  for (let i = 0; i < rounds; i++) {
    pushOnce(true);
    pushOnce(false);
    const t = now();
    spawnSync(process.execPath, ['-e', '0']);
    bareNode.push(now() - t);
  }
  return { withHook: median(withHook), without: median(without), bareNode: median(bareNode) };
}

/** The target (#17): the hook adds at most this much to a push at the median, for 1, 10 and 30 files. */
const TARGET_MS = 250;

export function benchHook(): void {
  const one = measure(1, 11);
  const ten = measure(10, 9);
  const thirty = measure(30, 9);
  const added = (m: { withHook: number; without: number }) => m.withHook - m.without;
  const slope = (added(thirty) - added(one)) / 29;
  const row = (n: number, m: { withHook: number; without: number }): [string, string, string, string] => {
    const what = `added by the hook, ${n} changed file${n > 1 ? 's' : ''}`;
    return [what, `${added(m).toFixed(0)} ms`, `<= ${TARGET_MS} ms`, ok(added(m) <= TARGET_MS)];
  };
  table('pre-push hook: pushes to a local bare remote, with and without the hook, in turns (medians)', [
    ['push without the hook (1 of 30 files changed)', `${one.without.toFixed(0)} ms`, '', ''],
    ['push with the hook (1 of 30 files changed)', `${one.withHook.toFixed(0)} ms`, '', ''],
    ['bare `node -e 0`, in the same turns', `${one.bareNode.toFixed(0)} ms`, '0.10-0.12 s on this machine idle', ''],
    row(1, one),
    row(10, ten),
    row(30, thirty),
    ['cost per extra changed file', `${slope.toFixed(1)} ms`, 'small and constant', ok(slope < 10)],
  ]);
}
