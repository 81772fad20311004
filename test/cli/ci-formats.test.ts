import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('ci-formats-');
writeFileSync(path.join(dir, 'fresh.snap'), buildSnapshot({ takenAt: new Date(Date.now() - 60_000) }), { mode: 0o600 });
writeFileSync(path.join(dir, 'vault-change-gate.config.json'), JSON.stringify({ policy: { auth: 'warn' } }));
const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: dir, env });
const FORMATS = ['text', 'json', 'sarif', 'junit', 'github', 'gitlab'];

describe('--format, --output, --fail-on', () => {
  it('--format sarif prints SARIF alone; the exit code is still the decision', async () => {
    const r = await run(['check', '--op', 'POST sys/mounts/kv', '--format', 'sarif']);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout) as { version: string; runs: { results: { level: string }[] }[] };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0]!.results.map((x) => x.level)).toEqual(['error']);
  });

  it('--output writes the report to a file and the text still goes to the terminal', async () => {
    const r = await run([
      'check',
      '--op',
      'POST sys/mounts/kv',
      '--snapshot',
      'fresh.snap',
      '--format',
      'junit',
      '--output',
      'out/../r.xml',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^GO: /);
    expect(readFileSync(path.join(dir, 'r.xml'), 'utf8')).toMatch(/^<\?xml .*\n<testsuites /);
  });

  it('--json is --format json; two formats, an unknown one, or an empty --output is a usage error', async () => {
    const a = await run(['check', '--op', 'GET sys/health', '--json']);
    const b = await run(['check', '--op', 'GET sys/health', '--format', 'json']);
    expect(a.stdout.replace(/"decidedAt": "[^"]*"/, '')).toBe(b.stdout.replace(/"decidedAt": "[^"]*"/, ''));
    for (const bad of [
      ['--json', '--format', 'sarif'],
      ['--format', 'xml'],
      ['--format=SARIF'],
      ['--output', ''],
      ['--fail-on', 'warnings'],
    ]) {
      const r = await run(['check', '--op', 'GET sys/health', ...bad]);
      expect(r.code, bad.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), bad.join(' ')).toHaveLength(1);
    }
    const json = await run(['classify', '--json', '--format', 'json', 'GET sys/health']);
    expect(json.code).toBe(0);
  });

  it('an --output that cannot be written is one line and exit 2', async () => {
    const r = await run(['check', '--op', 'GET sys/health', '--format', 'sarif', '--output', 'missing/dir/r.sarif']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^vault-change-gate: cannot write the report missing\/dir\/r.sarif: .*\n$/);
  });

  it('check --fail-on: no-go by default, warning fails on a warned go, never reports only', async () => {
    const stale = ['check', '--op', 'POST sys/auth/oidc'];
    expect((await run(stale)).code).toBe(0); // auth is "warn" in the config: a warned go
    expect((await run([...stale, '--fail-on', 'warning'])).code).toBe(1);
    expect((await run([...stale, '--fail-on', 'never'])).code).toBe(0);
    const nogo = ['check', '--op', 'POST sys/mounts/kv'];
    expect((await run(nogo)).code).toBe(1);
    expect((await run([...nogo, '--fail-on', 'never', '--format', 'sarif'])).code).toBe(0);
    expect((await run([...nogo, '--fail-on=no-go'])).code).toBe(1);
    const covered = ['check', '--op', 'POST sys/mounts/kv', '--snapshot', 'fresh.snap'];
    expect((await run([...covered, '--fail-on', 'warning'])).code).toBe(0);
  });

  it('classify --fail-on: invalid exits 2, warning also fails what needs a backup, never is 0', async () => {
    expect((await run(['classify', 'POST sys/mounts/kv'])).code).toBe(0);
    expect((await run(['classify', '--fail-on', 'warning', 'POST sys/mounts/kv'])).code).toBe(1);
    expect((await run(['classify', '--fail-on', 'warning', 'GET sys/health'])).code).toBe(0);
    expect((await run(['classify', 'vault frobnicate'])).code).toBe(2);
    expect((await run(['classify', '--fail-on', 'never', '--format', 'gitlab', 'vault frobnicate'])).code).toBe(0);
  });

  it('--format github: the text, then workflow commands; a job summary appended to GITHUB_STEP_SUMMARY', async () => {
    const summary = path.join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const r = await run(['check', '--op', 'POST sys/mounts/kv', '--format', 'github'], {
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^NO-GO: /);
    expect(r.stdout).toContain('\n::error title=vault-change-gate%3A mounts (no-snapshot)::POST sys/mounts/kv needs');
    const md = readFileSync(summary, 'utf8');
    expect(md).toMatch(/^# earlier step\n### vault-change-gate check: failed\n/);
    expect(md).toContain('| ❌ | `POST sys/mounts/kv` |');
  });

  it('exec takes --format and --output (the report on stderr or in the file) but refuses --fail-on', async () => {
    const node = process.execPath;
    const r = await run([
      'exec',
      '--op',
      'GET sys/health',
      '--format',
      'gitlab',
      '--output',
      'e.json',
      '--',
      node,
      '-e',
      '',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, 'e.json'), 'utf8'))).toEqual([]);
    expect(r.stderr).toMatch(/^GO: /);
    const refused = await run(['exec', '--op', 'POST sys/mounts/kv', '--fail-on', 'never', '--', node, '-e', '']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--fail-on is for check and classify');
  });
});

describe('secrets stay redacted in every format', () => {
  const SECRETS = ['hvs.CLISECRET0001', 'hunter2pass', 'hvs.CURLSECRET02', 'unsealkeyshare03', 's3cr3tquery'];
  const script = [
    'vault login hvs.CLISECRET0001',
    'VAULT_TOKEN=hvs.CLISECRET0001 vault operator rekey -init',
    'vault write auth/userpass/users/ada password=hunter2pass',
    'curl -H "X-Vault-Token: hvs.CURLSECRET02" -X PUT https://vault:8200/v1/sys/unseal -d key=unsealkeyshare03',
    'curl -X POST "https://vault:8200/v1/sys/mounts/kv?token=s3cr3tquery"',
    'vault frobnicate --token=hvs.CLISECRET0001 hunter2pass',
    'vault operator unseal unsealkeyshare03',
  ].join('\n');
  writeFileSync(path.join(dir, 'secret-runbook.sh'), `${script}\n`);
  const summary = path.join(dir, 'secret-summary.md');

  it.each(FORMATS)('%s: classify and check, stdout, stderr, --output and the job summary', async (format) => {
    for (const command of ['classify', 'check']) {
      const args = [command, '--script', 'secret-runbook.sh', '--stdin', '--format', format];
      for (const output of [[], ['--output', `secret.${format}`]]) {
        writeFileSync(summary, '');
        const r = await runCli([...args, ...output], {
          cwd: dir,
          stdin: script,
          env: { GITHUB_STEP_SUMMARY: summary },
        });
        expect([0, 1, 2]).toContain(r.code);
        const file = output.length ? readFileSync(path.join(dir, `secret.${format}`), 'utf8') : '';
        const all = r.stdout + r.stderr + file + readFileSync(summary, 'utf8');
        expect(all).toMatch(/<redacted>|&lt;redacted&gt;/);
        for (const secret of SECRETS) expect(all, `${command} ${format} ${output.join(' ')}`).not.toContain(secret);
      }
    }
  });
});
