import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DecisionSchema } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/shared.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { tempFiles } from '../helpers/tmp.js';

// Moved from test/gate/check.e2e.test.ts: how `check` finds, reads and rejects vault-change-gate.config.json.
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);
const workspace = (files: Record<string, Buffer | string>): string => tempFiles(files, 'config-');
const json = async (argv: string[], cwd: string) => {
  const r = await runCli([...argv, '--json'], { cwd });
  return { code: r.code, decision: r.stdout ? DecisionSchema.parse(JSON.parse(r.stdout)) : null };
};

describe('the configuration file', () => {
  it('is found in the current folder, resolves paths from its own folder, and sets limits', async () => {
    const dir = workspace({
      'vault-change-gate.config.json': JSON.stringify({ snapshots: { dir: 'backups', maxAge: { mounts: '30m' } } }),
      'backups/a.snap': buildSnapshot({ takenAt: ago(45) }),
    });
    const r = await json(['check', '--op', 'POST sys/mounts/kv'], dir);
    expect(r.code).toBe(1);
    expect(r.decision?.operations[0]?.maxAge).toBe('30m');
  });

  it('is found at the git root from a sub-folder', async () => {
    const dir = workspace({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'vault-change-gate.config.json': JSON.stringify({ snapshots: { dir: 'b' } }),
      'b/a.snap': buildSnapshot({ takenAt: ago(5) }),
      'sub/x': '',
    });
    expect((await json(['check', '--op', 'POST sys/mounts/kv'], path.join(dir, 'sub'))).code).toBe(0);
  });

  it.each([
    [{ snapshots: { maxAge: { upgradee: '1h' } } }, 'snapshots.maxAge.upgradee: unknown key'],
    [{ snapshot: {} }, 'snapshot: unknown key'],
    [{ clockSkew: '5 minutes' }, 'clockSkew: expected a duration'],
    [{ policy: { mounts: 'maybe' } }, 'policy.mounts: Invalid option'],
    [{ allowDowngrade: 'yes' }, 'allowDowngrade: Invalid input'],
  ])('a bad file is exit 2 with the problem in one line: %j', async (config, message) => {
    const dir = workspace({ 'vault-change-gate.config.json': JSON.stringify(config) });
    const r = await runCli(['check', '--op', 'GET sys/health'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('not JSON, and a --config that does not exist, are exit 2', async () => {
    const dir = workspace({ 'vault-change-gate.config.json': '{ nope' });
    expect((await runCli(['check', '--op', 'GET sys/health'], { cwd: dir })).stderr).toMatch(/not valid JSON/);
    expect(
      (await runCli(['check', '--op', 'GET sys/health', '--config', 'missing.json'], { cwd: dir })).stderr,
    ).toMatch(/cannot read the config file .*missing\.json: no such file/);
  });

  it('the shipped JSON Schema is the one generated from the zod schema', async () => {
    const { configJsonSchema } = await import('../../src/unstable.js');
    const shipped = JSON.parse(
      readFileSync(path.join(repoRoot, 'schema/vault-change-gate.config.schema.json'), 'utf8'),
    );
    expect(shipped).toEqual(configJsonSchema());
  });
});
