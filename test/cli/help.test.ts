import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/output.js';
import { usages } from '../../src/cli/usage.js';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/shared.js';

/** An Io whose standard input must never be read: help is printed before any command runs. */
function noStdin(): { io: Io; out: () => string } {
  let stdout = '';
  const io: Io = {
    stdout: (t) => void (stdout += t),
    stderr: () => {},
    readStdin: () => Promise.reject(new Error('stdin was read for --help')),
    isTTY: false,
    stderrIsTTY: false,
    columns: 80,
    env: { NO_COLOR: '1' },
    cwd: process.cwd(),
  };
  return { io, out: () => stdout };
}

const commands = usages.map((u) => u.command);

describe('help on every command and subcommand', () => {
  it('covers the commands the issue names', () => {
    for (const c of [
      'classify',
      'check',
      'exec',
      'snapshot inspect',
      'snapshot save',
      'config schema',
      'config check',
      'install-hook',
      'uninstall-hook',
      'hook pre-push',
    ])
      expect(commands).toContain(c);
  });

  it.each(commands)('%s answers --help, -h and help COMMAND with usage, options and an example, exit 0', async (c) => {
    const words = c.split(' ');
    for (const argv of [
      [...words, '--help'],
      [...words, '-h'],
      ['help', ...words],
    ]) {
      const { io, out } = noStdin();
      expect(await main(argv, io), argv.join(' ')).toBe(0);
      expect(out()).toMatch(new RegExp(`^Usage: vault-change-gate ${c}(\\s|$)`));
      expect(out()).toContain('\nOptions:\n');
      expect(out()).toMatch(/\nExamples?:\n {2}vault-change-gate \S/);
    }
  });

  it('answers help even after other options, but not for the command exec runs, nor as the value of an option', async () => {
    const { io, out } = noStdin();
    expect(await main(['check', '--op', 'GET sys/health', '--json', '-h'], io)).toBe(0);
    expect(out()).toMatch(/^Usage: vault-change-gate check /);
    const run = await runCli(['exec', '--op', 'GET sys/health', '--', 'true', '--help']);
    expect(run.stdout).not.toContain('Usage:');
    expect(run.code).toBe(0);
    const value = await runCli(['check', '--override', '-h', '--op', 'GET sys/health']);
    expect(value.stdout).not.toContain('Usage:');
  });

  it('shows a group of subcommands for snapshot --help, config -h and help hook', async () => {
    expect((await runCli(['snapshot', '--help'])).stdout).toMatch(/snapshot inspect[\s\S]*snapshot save[\s\S]*demo/);
    expect((await runCli(['config', '-h'])).stdout).toMatch(/config schema[\s\S]*config check/);
    expect((await runCli(['help', 'hook'])).stdout).toContain('hook pre-push');
  });

  it('lists every command and --version in the global help, and refuses help for an unknown command', async () => {
    const help = (await runCli(['--help'])).stdout;
    for (const c of commands) expect(help).toContain(`  vault-change-gate ${c}`);
    expect(help).toMatch(/^ {2}vault-change-gate --version /m);
    expect(help).toContain('github.com/vault-change-gate/vault-change-gate/issues');
    const unknown = await runCli(['help', 'frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('hook pre-push --help answers at once from the installed CLI while stdin stays open (as under git)', async () => {
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, 'bin', 'vault-change-gate.js'), 'hook', 'pre-push', '-h'],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    // stdin is never ended: a command that read it would never exit.
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.stdin.destroy();
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: vault-change-gate hook pre-push/);
  });
});
