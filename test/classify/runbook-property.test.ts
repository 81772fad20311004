import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderClassifications } from '../../src/cli/render-classifications.js';
import { classify, classifyScript } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/** Command lines that need a backup first, as runbooks write them. */
const BACKUP_FIRST = [
  'vault operator seal',
  'vault secrets enable -path=team kv-v2',
  'vault write -policy-override sys/mounts/x type=kv',
  'vault operator raft remove-peer vault-2',
  'vault write -f sys/replication/dr/primary/enable',
  'vault operator raft snapshot restore -force backup.snap',
  'curl -sXPOST $VAULT_ADDR/v1/sys/rotate',
  'curl --request PUT --data @x.json https://vault:8200/v1/sys/config/auditing/request-headers/x',
];

const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
let heredocs = 0;
/** Every supported way of running a command line through something else. */
const WRAPPERS: ((c: string) => string)[] = [
  (c) => `retry 3 ${c}`,
  (c) => `timeout -s KILL 30 ${c}`,
  (c) => `sudo -u vault -E ${c}`,
  (c) => `/usr/bin/env VAULT_FORMAT=json ${c}`,
  (c) => `env -u X ${c}`,
  (c) => `nice -n 5 ${c}`,
  (c) => `flock /tmp/lock ${c}`,
  (c) => `exec -a step ${c}`,
  (c) => `nohup ${c}`,
  (c) => `bash -c ${sq(c)}`,
  (c) => `sh -ec ${sq(c)}`,
  (c) => `bash -lc ${sq(c)}`,
  (c) => `eval ${sq(c)}`,
  (c) => `su vault -c ${sq(c)}`,
  (c) => `runuser -u vault -- ${c}`,
  (c) => `flock -n /tmp/l -c ${sq(c)}`,
  (c) => `kubectl exec -n vault vault-0 -- ${c}`,
  (c) => `ssh admin@vault-1 ${sq(c)}`,
  (c) => `echo ${sq(c)} | sh`,
  (c) => `pe ${sq(c)}`,
  (c) => `if ${c}; then echo ok; fi`,
  (c) => `X=$(${c})`,
  (c) => {
    const tag = `EOF${++heredocs}`;
    return `bash <<'${tag}'\n${c}\n${tag}`;
  },
  // A command in a variable runs as `$STEP` when it is a plain command; anything else needs `eval "$STEP"`.
  (c) =>
    /^(vault|curl|retry|timeout|sudo|nice|env) [^'"$();|&\n]*$/.test(c)
      ? `STEP=${sq(c)}\n$STEP`
      : `STEP=${sq(c)}\neval "$STEP"`,
  (c) => `run_as=/usr/bin/sudo\n$run_as ${c}`,
];
/** Variable indirection of the binary itself. */
const viaVariable = (c: string): string =>
  c.startsWith('vault ') ? `bin=/opt/vault/bin/vault\n$bin ${c.slice(6)}` : c;

describe('property: wrapping never lowers a backup-first command', () => {
  it('any supported wrapper or variable indirection, nested, never yields excluded, read-only or not-sys', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...BACKUP_FIRST),
        fc.boolean(),
        fc.array(fc.nat(WRAPPERS.length - 1), { maxLength: 3 }),
        (command, indirect, chain) => {
          let script = indirect ? viaVariable(command) : command;
          for (const k of chain) {
            const wrap = WRAPPERS[k] as (c: string) => string;
            // A wrapper takes one command: a script of several lines is a function it calls (the body runs too).
            script = script.includes('\n') ? `step() {\n${script}\n}\n${wrap('step')}` : wrap(script);
          }
          const out = classifyScript(script);
          expect(out.length, script).toBeGreaterThan(0);
          for (const c of out)
            expect(['backup-first', 'invalid'], `${script}\n=> ${c.verdict} ${c.reason}`).toContain(c.verdict);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('an unknown wrapper yields invalid, never nothing', () => {
    fc.assert(
      fc.property(fc.constantFrom(...BACKUP_FIRST), fc.stringMatching(/^[a-z][a-z0-9_-]{2,12}$/), (command, name) => {
        const out = classifyScript(`zz_${name} ${command}`);
        expect(out.map((c) => c.verdict)).toEqual(['invalid']);
      }),
      { numRuns: 200 },
    );
  });
});

/** Lines that carry a secret where runbooks put one; `SECRET` is replaced by the planted value. */
const SECRET_LINES = [
  'vault login SECRET',
  'vault write -header=X-Vault-Token=SECRET sys/mounts/x type=kv',
  'vault token create -id=SECRET -policy=ops',
  'vault operator unseal SECRET',
  'vault unseal SECRET',
  'vault -address=https://ops:SECRET@vault:8200 operator seal',
  'vault read "sys/mounts?token=SECRET"',
  'curl --data-ascii SECRET $VAULT_ADDR/v1/sys/seal',
  'curl -sd SECRET $VAULT_ADDR/v1/sys/seal',
  'curl --data-raw \'{"token":"SECRET"}\' $VAULT_ADDR/v1/sys/seal',
  'curl -sXPOST -dSECRET $VAULT_ADDR/v1/sys/seal',
  'curl -U ops:SECRET -x http://proxy:3128 $VAULT_ADDR/v1/sys/seal',
  'curl --proxy-user ops:SECRET $VAULT_ADDR/v1/sys/seal',
  'curl --cert client.pem:SECRET $VAULT_ADDR/v1/sys/seal',
  'curl -E client.pem:SECRET $VAULT_ADDR/v1/sys/seal',
  'curl http://ops:SECRET@vault:8200/v1/sys/seal',
  'curl "$VAULT_ADDR/v1/sys/seal?token=SECRET&x=1"',
  'curl -H "Authorization: Bearer SECRET" $VAULT_ADDR/v1/sys/seal',
  'export VAULT_TOKEN=SECRET; vault operator seal',
  'env VAULT_TOKEN=SECRET vault operator seal',
  'sudo VAULT_TOKEN=SECRET vault operator seal',
  'my_wrapper --token SECRET vault operator seal',
  'my_wrapper SECRET vault operator seal',
  'my_wrapper --token lower-SECRET vault operator seal',
  'my_wrapper -p SECRET/x vault operator seal',
  'wget --header="X-Vault-Token: SECRET" http://v:8200/v1/sys/seal',
  'vault write sys/mounts/x "type=kv SECRET',
  "curl -X POST 'http://ops:SECRET@v:8200/v1/sys/seal",
  'PUT sys/seal?token=SECRET',
  'vault operator generate-root -otp=SECRET',
  'VAULT_ADDR=https://ops:SECRET@vault:8200 vault operator seal',
  'export VAULT_ADDR=https://ops:SECRET@vault:8200\ncurl -X PUT $VAULT_ADDR/v1/sys/seal',
  'curl --url-query token=SECRET $VAULT_ADDR/v1/sys/seal',
  'vault nosuchcommand SECRET',
];

describe('property: a planted secret never comes back out', () => {
  it('in any classification field, the table, or reasons, for lines, scripts and wrapped scripts', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SECRET_LINES),
        fc.stringMatching(/^[A-Za-z0-9._~+-]{8,24}$/).map((s) => `Zq9${s}`),
        fc.array(fc.nat(WRAPPERS.length - 1), { maxLength: 2 }),
        (line, secret, chain) => {
          const planted = line.replace('SECRET', secret);
          let script = planted;
          for (const k of chain)
            script = script.includes('\n') ? script : (WRAPPERS[k] as (c: string) => string)(script);
          const results = [classify(planted), ...classifyScript(script), ...classifyScript(planted)];
          const text = JSON.stringify(results) + renderClassifications(results, { color: false } as never);
          expect(text, `${script}`).not.toContain(secret);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('in the CLI table and --json', async () => {
    const secret = 'Zq9PLANTED-secret-0042';
    const dir = tempDir('secret-');
    writeFileSync(
      path.join(dir, 'run.sh'),
      SECRET_LINES.filter((l) => !/"type=kv|'http/.test(l))
        .map((l) => l.replace('SECRET', secret))
        .join('\n'),
    );
    const table = await runCli(['classify', '--script', 'run.sh'], { cwd: dir });
    const json = await runCli(['classify', '--json', '--script', 'run.sh'], { cwd: dir });
    for (const out of [table.stdout, table.stderr, json.stdout, json.stderr]) expect(out).not.toContain(secret);
    expect(JSON.parse(json.stdout).length).toBeGreaterThan(10);
  });
});

describe('property: any text is a result, never a throw', () => {
  it('classifyScript and classify give schema-valid classifications for arbitrary shell-ish text', async () => {
    const { ClassificationSchema } = await import('../../src/index.js');
    const pieces = fc.constantFrom(
      'vault ',
      'operator ',
      'seal',
      ' sys/mounts/x',
      '$(',
      ')',
      '`',
      "'",
      '"',
      '\\\n',
      '\n',
      ' | sh',
      '<<EOF\n',
      'EOF\n',
      'eval ',
      'sudo ',
      'bash -c ',
      '$((1<<2))',
      '<(',
      'curl -sXPOST ',
      '$VAULT_ADDR/v1/sys/seal',
      '\x1b[2K',
      '\r',
      'x=',
      '$x ',
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        for (const c of [...classifyScript(text), classify(text)])
          expect(ClassificationSchema.safeParse(c).success, text).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
