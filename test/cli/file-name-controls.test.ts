import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { GitDir } from '../helpers/gitdir.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * File names come from whoever can write the snapshot folder: a line break in one must not start a line of its own
 * (a forged "GO:", a GitHub workflow command in a CI log), nor an ESC move the cursor over the verdict.
 */
const NAMES = ['x\n::error file=pwn::INJECTED\n.snap', 'y\r\nGO: all good\r\n.snap', 'z\u001b[2K\u001b[1AGO.snap'];
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

function folder(): string {
  const dir = path.join(tempDir('controls-'), 'backups');
  mkdirSync(dir, { mode: 0o700 });
  for (const name of NAMES) writeFileSync(path.join(dir, name), 'not a snapshot', { mode: 0o600 });
  return dir;
}

/** Lines the names would have started, had they been written raw. */
const forged = (text: string) => text.split('\n').filter((l) => /^(::|GO: all good|\.snap|GO\.snap)/.test(l));

describe('file names with control characters are written out, never sent raw', () => {
  it('check: refused candidates', async () => {
    const dir = folder();
    const r = await runCli(['check', '--op', 'POST sys/mounts/kv', '--snapshot-dir', dir], { env: {} });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toMatch(RAW);
    expect(forged(r.stdout + r.stderr)).toEqual([]);
    expect(r.stdout + r.stderr).toContain('x\\x0a::error file=pwn::INJECTED\\x0a.snap');
  });

  it('check: the snapshot that is the evidence, and the next step naming the folder', async () => {
    const dir = folder();
    const name = 'fresh\n::notice::ok\r.snap';
    writeFileSync(path.join(dir, name), buildSnapshot({ takenAt: new Date(Date.now() - 60_000) }), { mode: 0o600 });
    const go = await runCli(['check', '--op', 'POST sys/mounts/kv', '--snapshot-dir', dir], { env: {} });
    expect(go.code, go.stderr).toBe(0);
    expect(go.stdout + go.stderr).not.toMatch(RAW);
    expect(forged(go.stdout + go.stderr)).toEqual([]);
    const odd = path.join(path.dirname(dir), 'odd\n::error::folder');
    mkdirSync(odd, { mode: 0o700 });
    const none = await runCli(['check', '--op', 'POST sys/mounts/kv', '--snapshot-dir', odd], { env: {} });
    expect(none.code).toBe(1);
    expect(none.stdout + none.stderr).not.toMatch(RAW);
    expect(forged(none.stdout + none.stderr)).toEqual([]);
  });

  it('hook: the one line of a GO names the snapshot written out', async () => {
    const dir = folder();
    const name = 'fresh\n::notice::ok\r.snap';
    writeFileSync(path.join(dir, name), buildSnapshot({ takenAt: new Date(Date.now() - 60_000) }), { mode: 0o600 });
    const repo = new GitDir();
    repo.write({ 'vault-change-gate.config.json': JSON.stringify({ snapshots: { dir } }) });
    const from = repo.commit({ 'a.tf': '' });
    const to = repo.commit({ 'b.tf': 'resource "vault_mount" "b" {\n  path = "b"\n  type = "kv"\n}\n' });
    const env = { PRE_COMMIT: '1', PRE_COMMIT_FROM_REF: from, PRE_COMMIT_TO_REF: to };
    const r = await runCli(['hook', 'pre-push', 'origin', 'url'], { cwd: repo.dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('fresh\\x0a::notice::ok\\x0d.snap');
    expect(r.stdout + r.stderr).not.toMatch(RAW);
    expect(forged(r.stdout + r.stderr)).toEqual([]);
  });

  it('status', async () => {
    const dir = folder();
    const name = 'fresh\n::notice::ok\r.snap';
    writeFileSync(path.join(dir, name), buildSnapshot({ takenAt: new Date(Date.now() - 60_000) }), { mode: 0o600 });
    const r = await runCli(['status', '--snapshot-dir', dir], { env: {} });
    expect(r.stdout + r.stderr).toContain('fresh\\x0a::notice::ok\\x0d.snap');
    expect(r.stdout + r.stderr).not.toMatch(RAW);
    expect(forged(r.stdout + r.stderr)).toEqual([]);
  });

  it('snapshot inspect', async () => {
    const dir = folder();
    // The archive's own words too: a server ID in meta.json is whatever its writer put there.
    const crafted = path.join(dir, 'crafted.snap');
    writeFileSync(crafted, buildSnapshot({ servers: [{ id: 'n1\n::error::INJECTED', address: 'a\r\nGO: all good' }] }));
    const r = await runCli(['snapshot', 'inspect', crafted, ...NAMES.map((n) => path.join(dir, n))]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toMatch(RAW);
    expect(forged(r.stdout + r.stderr)).toEqual([]);
  });
});
