import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { progressBar } from '../../src/cli/progress.js';
import type { Io } from '../../src/cli/output.js';
import { SnapshotInspectionSchema } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('inspect-');
const good = path.join(dir, 'good.snap');
const bad = path.join(dir, 'bad.snap');
writeFileSync(good, buildSnapshot({ takenAt: new Date('2026-11-26T09:00:00Z') }));
writeFileSync(bad, buildSnapshot({ meta: { Size: 1 } }));

describe('vault-change-gate snapshot inspect', () => {
  it('prints the verdict first, then the metadata, and exits 0 for a valid snapshot', async () => {
    const r = await runCli(['snapshot', 'inspect', good]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^VALID\s+vault snapshot\s+.*good\.snap$/);
    expect(r.stdout).toMatch(/Taken at\s+2026-11-26T09:00:00.000Z/);
    expect(r.stdout).toMatch(/Index\s+42/);
    expect(r.stderr).toBe('');
  });

  it('exits 1 for an invalid one, naming the problem on the first line', async () => {
    const r = await runCli(['snapshot', 'inspect', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toMatch(/^INVALID .*bad\.snap: meta\.json says state\.bin is 1 bytes/);
    expect(r.stdout).toContain('SIZE_MISMATCH');
  });

  it('--json prints one object for one file and an array for several', async () => {
    const one = await runCli(['snapshot', 'inspect', '--json', good]);
    expect(SnapshotInspectionSchema.parse(JSON.parse(one.stdout)).valid).toBe(true);
    const two = await runCli(['snapshot', 'inspect', '--json', good, bad]);
    expect(two.code).toBe(1);
    expect((JSON.parse(two.stdout) as unknown[]).map((x) => SnapshotInspectionSchema.parse(x).valid)).toEqual([
      true,
      false,
    ]);
  });

  it('exits 2 for a file that does not exist, with one line and no stack', async () => {
    const r = await runCli(['snapshot', 'inspect', path.join(dir, 'missing.snap')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^vault-change-gate: cannot read .*missing\.snap: no such file$/);
  });

  it('exits 2 for a folder (not a snapshot file), as for a missing file, and 2 without a file', async () => {
    expect((await runCli(['snapshot', 'inspect', dir])).code).toBe(2);
    expect((await runCli(['snapshot', 'inspect'])).code).toBe(2);
    expect((await runCli(['snapshot'])).code).toBe(2);
  });
});

describe('progress bar', () => {
  const io = (tty: boolean, out: string[]): Io => ({
    stdout: () => {},
    stderr: (t) => void out.push(t),
    readStdin: async () => '',
    isTTY: tty,
    stderrIsTTY: tty,
    columns: 100,
    env: {},
    cwd: dir,
  });
  it('draws on a terminal for files over 64 MiB, and clears itself', () => {
    const out: string[] = [];
    const bar = progressBar(io(true, out), 512 * 1024 * 1024, 'big.snap', true);
    bar.update(128 * 1024 * 1024);
    bar.done();
    expect(out[0]).toMatch(/^\r\[#+\.+\]\s+25% 128\.0\/512\.0 MiB \d+ MiB\/s \d+s left big\.snap/);
    expect(out.at(-1)).toMatch(/^\r\s+\r$/);
  });
  it('stays silent when not a terminal, for small files, or with --json', () => {
    const out: string[] = [];
    progressBar(io(false, out), 512 * 1024 * 1024, 'x', true).update(1);
    progressBar(io(true, out), 1024, 'x', true).update(1);
    progressBar(io(true, out), 512 * 1024 * 1024, 'x', false).update(1);
    expect(out).toEqual([]);
  });
});
