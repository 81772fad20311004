import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyScript } from '../../src/index.js';
import { repoRoot } from '../helpers/shared.js';

const summary = (text: string, env = {}) =>
  classifyScript(text, { env }).map(
    (c) => `${c.line} ${c.verdict} ${c.method ?? '-'} ${c.path ?? '-'}${c.namespace ? ` @${c.namespace}` : ''}`,
  );

describe('runbook scripts', () => {
  it('finds vault commands and curl calls with their lines, across continuations', () => {
    const script = [
      '#!/bin/sh',
      'set -e',
      'vault status',
      'vault secrets enable \\',
      '  -path=team/kv \\',
      '  kv-v2',
      'curl -sS -X POST --data @payload.json "$VAULT_ADDR/v1/sys/policies/acl/ops"',
      'curl --request=DELETE https://vault:8200/v1/sys/mounts/old # a comment',
      'curl -d x=1 $VAULT_ADDR/v1/sys/rotate',
      'curl https://example.com/healthz',
      'echo vault secrets disable kv',
    ].join('\n');
    expect(summary(script)).toEqual([
      '3 read-only GET sys/seal-status',
      '4 backup-first POST sys/mounts/team/kv',
      '7 excluded POST sys/policies/acl/ops',
      '8 backup-first DELETE sys/mounts/old',
      '9 backup-first POST sys/rotate',
    ]);
  });

  it('follows export/unset VAULT_NAMESPACE and inline assignments', () => {
    const script =
      'export VAULT_NAMESPACE=team-a\nvault auth enable approle\nVAULT_NAMESPACE=team-b vault auth enable jwt\nunset VAULT_NAMESPACE\nvault auth enable oidc\n';
    expect(summary(script)).toEqual([
      '2 backup-first POST sys/auth/approle @team-a',
      '3 backup-first POST sys/auth/jwt @team-b',
      '5 backup-first POST sys/auth/oidc',
    ]);
  });

  it('reads commands in pipelines, conditionals, substitutions and after sudo/env/timeout', () => {
    const script = [
      'if vault status >/dev/null 2>&1; then vault operator step-down; fi',
      'TOKEN=$(vault token create -field=token -policy=ops)',
      'sudo -E vault operator rotate && echo done || exit 1',
      'env VAULT_NAMESPACE=x timeout 30 vault secrets list | tee out.txt',
      'vault policy write ops - <<EOF',
      'vault operator seal',
      'EOF',
    ].join('\n');
    expect(summary(script)).toEqual([
      '1 read-only GET sys/seal-status',
      '1 backup-first PUT sys/step-down',
      '2 not-sys POST auth/token/create',
      '3 backup-first PUT sys/rotate',
      '4 read-only GET sys/mounts @x',
      '5 excluded PUT sys/policies/acl/ops',
    ]);
  });

  it('fails closed on an unexpanded variable where sys/ could be, naming the line', () => {
    const out = classifyScript(
      'vault status\nvault write $TARGET/config a=b\nvault write sys/$FAMILY/x a=b\nvault write sys/mounts/$NAME type=kv\n',
    );
    expect(out.map((c) => `${c.line} ${c.verdict}`)).toEqual([
      '1 read-only',
      '2 invalid',
      '3 invalid',
      '4 backup-first',
    ]);
    expect(out[1]?.reason).toMatch(/unexpanded variable/);
  });

  it('reports a script it cannot read as invalid at the line', () => {
    const out = classifyScript('vault status\necho "unterminated\nvault operator seal\n', { file: 'x.sh' });
    const last = out.at(-1)!;
    expect(last.verdict).toBe('invalid');
    expect(last.line).toBe(2);
    expect(last.reason).toMatch(/x.sh|line 2/);
  });

  it('classifies the bundled example runbook', () => {
    const file = path.join(repoRoot, 'examples', 'upgrade-runbook.sh');
    const out = classifyScript(readFileSync(file, 'utf8'), { file: 'examples/upgrade-runbook.sh' });
    expect(out.filter((c) => c.verdict === 'backup-first').map((c) => c.category)).toEqual([
      'raft',
      'loggers',
      'leadership',
      'mounts',
    ]);
    expect(out.every((c) => c.file === 'examples/upgrade-runbook.sh')).toBe(true);
  });
});

describe('runbooks that run vault through something else', () => {
  it('finds vault inside kubectl/docker exec, ssh, sh -c, and behind a variable that names it', () => {
    const script = [
      'kubectl exec -n vault vault-0 -- vault operator raft snapshot save /tmp/x.snap',
      'kubectl exec -n vault vault-0 -- vault operator step-down',
      'docker exec -it vault vault operator rekey -init',
      "ssh admin@vault-1 'vault operator seal'",
      "bash -c 'vault secrets enable kv && echo done'",
      '"${VAULT_BIN:-vault}" auth enable approle',
      'sudo -u vault vault operator rotate',
      'echo vault secrets disable kv',
      'python3 tool.py vault',
    ].join('\n');
    expect(summary(script)).toEqual([
      '1 read-only GET sys/storage/raft/snapshot',
      '2 backup-first PUT sys/step-down',
      '3 backup-first PUT sys/rekey/init',
      '4 backup-first PUT sys/seal',
      '5 backup-first POST sys/mounts/kv',
      '6 backup-first POST sys/auth/approle',
      '7 backup-first PUT sys/rotate',
    ]);
  });
});
