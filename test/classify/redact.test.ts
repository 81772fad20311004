import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify, classifyScript } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/** Secrets on a command line never come back out: not in `input`, the table, --json, or the decision log. */
const cases: [op: string, secret: string, shown: string][] = [
  ['vault login hvs.SECRET-1', 'SECRET-1', 'vault login <redacted>'],
  [
    'vault login -method=userpass username=alice password=hunter2',
    'hunter2',
    'vault login -method=userpass username=<redacted> password=<redacted>',
  ],
  [
    'vault write auth/userpass/users/alice password=hunter3',
    'hunter3',
    'vault write auth/userpass/users/alice password=<redacted>',
  ],
  ['vault kv put secret/app api_key=SECRET-2', 'SECRET-2', 'vault kv put secret/app api_key=<redacted>'],
  ['VAULT_TOKEN=hvs.SECRET-3 vault status', 'SECRET-3', 'VAULT_TOKEN=<redacted> vault status'],
  ['vault operator unseal KEYSHARE-1', 'KEYSHARE-1', 'vault operator unseal <redacted>'],
  ['vault operator rekey -nonce=n KEYSHARE-2', 'KEYSHARE-2', 'vault operator rekey -nonce=n <redacted>'],
  [
    'vault operator generate-root -decode=ENCODED-1 -otp=OTP-1',
    'OTP-1',
    'vault operator generate-root -decode=<redacted> -otp=<redacted>',
  ],
  ['vault token capabilities hvs.SECRET-4 sys/mounts', 'SECRET-4', 'vault token capabilities <redacted> sys/mounts'],
  ['vault unwrap hvs.SECRET-5', 'SECRET-5', 'vault unwrap <redacted>'],
  [
    'curl -H "X-Vault-Token: hvs.SECRET-6" -X PUT -d @payload.json http://v:8200/v1/sys/unseal',
    'SECRET-6',
    "curl -H 'X-Vault-Token: <redacted>' -X PUT -d '<redacted>' http://v:8200/v1/sys/unseal",
  ],
  [
    'curl --header "Authorization: Bearer SECRET-7" http://v:8200/v1/sys/mounts',
    'SECRET-7',
    "curl --header 'Authorization: <redacted>' http://v:8200/v1/sys/mounts",
  ],
];

describe('secrets on command lines are redacted', () => {
  it.each(cases)('%s', (op, secret, shown) => {
    const c = classify(op);
    expect(c.input).toBe(shown);
    expect(JSON.stringify(c)).not.toContain(secret);
  });

  it('leaves commands without secrets exactly as given', () => {
    expect(classify('vault secrets enable -path="team kv" kv').input).toBe('vault secrets enable -path="team kv" kv');
    expect(classify('VAULT_NAMESPACE=team vault status').input).toBe('VAULT_NAMESPACE=team vault status');
  });

  it('in runbooks, in the CLI output and in the decision log', async () => {
    const script = cases.map(([op]) => op).join('\n');
    const out = JSON.stringify(
      classifyScript(`sudo -u vault ${cases[5]?.[0]}\nenv VAULT_TOKEN=hvs.SECRET-8 vault status\n${script}`),
    );
    for (const [, secret] of cases) expect(out).not.toContain(secret);
    expect(out).not.toContain('SECRET-8');
    const dir = tempDir('redact-');
    writeFileSync(path.join(dir, 'run.sh'), script);
    writeFileSync(path.join(dir, 'vault-change-gate.config.json'), JSON.stringify({ decisionLog: 'decisions.jsonl' }));
    const table = await runCli(['classify', '--script', 'run.sh'], { cwd: dir });
    const decision = await runCli(['check', '--json', '--script', 'run.sh', '--override', 'test'], { cwd: dir });
    const log = readFileSync(path.join(dir, 'decisions.jsonl'), 'utf8');
    for (const [, secret] of cases)
      for (const text of [table.stdout, decision.stdout, decision.stderr, log]) expect(text).not.toContain(secret);
  });
});
