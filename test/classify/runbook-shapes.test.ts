import { describe, expect, it } from 'vitest';
import { classify, classifyScript } from '../../src/index.js';

const rows = (text: string, options = {}) =>
  classifyScript(text, options).map((c) => `${c.line} ${c.verdict} ${c.method ?? '-'} ${c.path ?? c.to ?? '-'}`);
const one = (text: string) => {
  const out = classifyScript(text);
  expect(out, text).toHaveLength(1);
  return out[0]!;
};

describe('the binary or the whole command in a variable', () => {
  it.each([
    // HashiCorp's enos scripts: the binary path in a variable whose name does not say VAULT.
    [
      'binpath=${VAULT_INSTALL_DIR}/vault\n$binpath write -f sys/replication/dr/primary/enable',
      '2 backup-first PUT sys/replication/dr/primary/enable',
    ],
    [
      'export bin="/opt/vault/bin/vault"\n"$bin" operator raft remove-peer vault-2',
      '2 backup-first PUT sys/storage/raft/remove-peer',
    ],
    ['f() {\n  local v=/usr/local/bin/vault\n  $v operator step-down\n}', '3 backup-first PUT sys/step-down'],
    ['readonly VBIN=vault\n${VBIN} secrets disable kv', '2 backup-first DELETE sys/mounts/kv'],
    // A tutorial repository: the whole command in a variable.
    [
      'SECRETS_TUNE_CMD="vault secrets tune"\n$SECRETS_TUNE_CMD -max-lease-ttl=50000h pki',
      '2 backup-first POST sys/mounts/pki/tune',
    ],
    ['CMD="vault operator"\n$CMD seal', '2 backup-first PUT sys/seal'],
    ['MOUNT=team\nvault secrets disable "$MOUNT"', '2 backup-first DELETE sys/mounts/team'],
  ])('%s', (script, expected) => {
    expect(rows(script)).toEqual([expected]);
  });
});

describe('wrappers that run their arguments as a command', () => {
  const seal = 'backup-first PUT sys/seal';
  it.each([
    'retry 5 vault operator seal',
    'retry 3 10s vault operator seal',
    'eval "vault operator seal"',
    'echo sys | xargs -I{} vault operator seal',
    'nice -n 10 vault operator seal',
    'nice vault operator seal',
    'timeout -s KILL 30 vault operator seal',
    'timeout --signal=TERM 5m vault operator seal',
    'flock /var/lock/vault.lock vault operator seal',
    'flock -n /tmp/l -c "vault operator seal"',
    'env -u VAULT_FORMAT vault operator seal',
    '/usr/bin/env VAULT_ADDR=https://v:8200 vault operator seal',
    '/usr/bin/sudo -E vault operator seal',
    'sudo -u vault -H vault operator seal',
    'exec -a sealer vault operator seal',
    "su vault -c 'vault operator seal'",
    "su - vault -s /bin/bash -c 'vault operator seal'",
    'runuser -u vault -- vault operator seal',
    "runuser -l vault -c 'vault operator seal'",
    "bash -lc 'vault operator seal'",
    'sh -ec "vault operator seal"',
    "bash -o pipefail -c 'vault status && vault operator seal'",
    'echo "vault operator seal" | sh',
    "printf 'vault operator seal\\n' | bash -s",
    'docker-compose exec vault vault operator seal',
    'docker compose exec -T vault vault operator seal',
    'docker exec -i vault-0 sh -c "vault operator seal"',
    'docker run --rm -e VAULT_ADDR=http://v:8200 hashicorp/vault:1.17.0 vault operator seal',
    'docker run --rm --network host hashicorp/vault:1.17.0 operator seal',
    'kubectl exec -n vault vault-0 -c vault -- vault operator seal',
    'kubectl exec vault-0 -- sh -c "vault operator seal"',
    'oc rsh vault-0 vault operator seal',
    'pe "vault operator seal"',
    'p "vault operator seal"',
    'watch -n 5 vault operator seal',
    'nohup vault operator seal &',
    "trap 'vault operator seal' EXIT",
    'if ! vault operator seal; then exit 1; fi',
    'time vault operator seal',
    'ssh -i key.pem admin@vault-1 vault operator seal',
    "ssh -o StrictHostKeyChecking=no admin@vault-1 'sudo vault operator seal'",
  ])('%s', (script) => {
    const out = rows(script);
    expect(out.length, out.join('\n')).toBeGreaterThan(0);
    expect(out.at(-1)).toBe(`1 ${seal}`);
  });

  it('reads here-documents fed to a shell or to ssh, with their own lines', () => {
    const script = [
      'echo start',
      'bash <<EOF',
      'vault status',
      'vault operator raft remove-peer vault-2',
      'EOF',
      "ssh admin@vault-1 <<'EOF'",
      '  sudo vault secrets disable old',
      'EOF',
      'kubectl exec -i vault-0 -- sh <<-EOF',
      '\tvault auth disable userpass',
      '\tEOF',
      'cat <<EOF | sh',
      'vault operator step-down',
      'EOF',
      'vault policy write ops - <<EOF',
      'path "sys/*" { capabilities = ["sudo"] }',
      'vault operator seal',
      'EOF',
    ].join('\n');
    expect(rows(script)).toEqual([
      '3 read-only GET sys/seal-status',
      '4 backup-first PUT sys/storage/raft/remove-peer',
      '7 backup-first DELETE sys/mounts/old',
      '10 backup-first DELETE sys/auth/userpass',
      '13 backup-first PUT sys/step-down',
      '15 excluded PUT sys/policies/acl/ops',
    ]);
  });

  it('reads process substitution and xargs with an unknown input', () => {
    expect(rows('diff <(vault secrets list) <(vault auth list)')).toEqual([
      '1 read-only GET sys/mounts',
      '1 read-only GET sys/auth',
    ]);
    expect(rows('cat mounts.txt | xargs -n1 vault secrets disable')).toEqual([
      '1 backup-first DELETE sys/mounts/$XARGS_INPUT',
    ]);
    expect(one('ls | xargs -I % vault write %/config a=b').verdict).toBe('invalid');
  });

  it.each([
    ['myretry 3 vault operator raft remove-peer n2', 'myretry'],
    ['with_backoff "vault operator seal"', 'with_backoff'],
    ['parallel-ssh -h hosts vault operator step-down', 'parallel-ssh'],
    ['awk \'BEGIN { system("vault operator seal") }\'', 'awk'],
    ['wget --method=POST --body-data=x http://127.0.0.1:8200/v1/sys/seal', 'wget'],
    ['http POST $VAULT_ADDR/v1/sys/mounts/kv type=kv', 'http'],
    ['make_it_so vault secrets enable kv', 'make_it_so'],
  ])('an unknown wrapper is invalid, never nothing: %s', (script, name) => {
    const c = one(script);
    expect(c.verdict).toBe('invalid');
    expect(c.reason).toContain(`"${name}"`);
    expect(c.reason).toMatch(/runbooks\.wrappers/);
  });

  it('a wrapper named in the configuration is followed', () => {
    expect(rows('myretry 3 vault operator raft remove-peer n2', { wrappers: ['myretry'] })).toEqual([
      '1 backup-first PUT sys/storage/raft/remove-peer',
    ]);
    expect(rows('with_backoff "vault operator seal"', { wrappers: ['with_backoff'] })).toEqual([
      '1 backup-first PUT sys/seal',
    ]);
  });

  it.each([
    'echo vault operator seal',
    'printf "%s\\n" "vault operator seal"',
    'grep -q "vault operator seal" notes.txt',
    'systemctl restart vault',
    'useradd --system vault',
    'chown -R vault:vault /opt/vault',
    'mkdir -p /etc/vault.d',
    'cp vault /usr/local/bin/vault',
    'command -v vault',
    'type vault',
    'which vault',
    'vault () { command vault "$@"; }',
    'function vault { command vault "$@"; }',
    'echo $((1<<2))',
    'x=$(( 1 << 2 ))\nvault status',
  ])('data, idioms and definitions are not operations: %s', (script) => {
    expect(classifyScript(script).filter((c) => c.verdict !== 'read-only')).toEqual([]);
  });

  it('a function that passes its arguments to vault makes calls to it vault commands', () => {
    expect(rows('v() {\n  vault "$@"\n}\nv operator seal')).toEqual(['4 backup-first PUT sys/seal']);
  });
});

describe('curl as runbooks write it', () => {
  it.each([
    ['curl -sXPOST $VAULT_ADDR/v1/sys/seal', 'POST sys/seal'],
    ['curl -sX PUT ${VAULT_ADDR}v1/sys/step-down', 'PUT sys/step-down'],
    ['curl -sLX POST "$VAULT_ADDR/v1/sys/rotate"', 'POST sys/rotate'],
    ['curl -sd \'{"type":"kv"}\' $VAULT_ADDR/v1/sys/mounts/kv', 'POST sys/mounts/kv'],
    ['curl --data-ascii @body.json $VAULT_ADDR/v1/sys/mounts/kv', 'POST sys/mounts/kv'],
    ['curl --data-raw "{}" $VAULT_ADDR/v1/sys/mounts/kv', 'POST sys/mounts/kv'],
    ['curl --form-string a=b $VAULT_ADDR/v1/sys/mounts/kv', 'POST sys/mounts/kv'],
    ['curl -fsSL --header "X-Vault-Token: $T" --request DELETE $VAULT_ADDR/v1/sys/mounts/kv', 'DELETE sys/mounts/kv'],
    ['URL="$VAULT_ADDR/v1/sys/raw/core/x"\ncurl -X DELETE "$URL"', 'DELETE sys/raw/core/x'],
  ])('%s', (script, expected) => {
    const out = classifyScript(script);
    expect(out.map((c) => `${c.method} ${c.path}`)).toEqual([expected]);
    expect(out[0]?.verdict).toBe('backup-first');
  });

  it('several URLs in one call are each a request', () => {
    expect(rows('curl -X PUT http://a:8200/v1/sys/seal http://b:8200/v1/sys/leases/revoke/x')).toEqual([
      '1 backup-first PUT sys/seal',
      '1 excluded PUT sys/leases/revoke/x',
    ]);
    expect(classify('curl -X PUT http://a:8200/v1/sys/leases/renew http://b:8200/v1/sys/seal').verdict).toBe(
      'backup-first',
    );
  });

  it('an address whose API path the gate cannot see is invalid', () => {
    expect(one('curl -X POST "$VAULT_ADDR/$ENDPOINT"').verdict).toBe('invalid');
  });
});

describe('vault command lines as documented', () => {
  it.each([
    ['vault write -policy-override sys/mounts/x type=kv', 'backup-first', 'sys/mounts/x'],
    ['vault write -non-interactive -wrap-ttl=5m sys/mounts/x type=kv', 'backup-first', 'sys/mounts/x'],
    ['vault write -mfa=abc -header=X-Custom=1 -agent-address=http://a sys/rotate', 'backup-first', 'sys/rotate'],
    ['vault delete -tls-skip-verify -disable-redirects sys/mounts/x', 'backup-first', 'sys/mounts/x'],
    ['vault token revoke -mode=path auth/github', 'excluded', 'sys/leases/revoke-prefix/auth/github'],
    ['vault kv metadata put -max-versions=5 secret/x', 'not-sys', 'secret/metadata/x'],
    ['vault kv metadata delete -mount=secret x', 'not-sys', 'secret/metadata/x'],
    ['vault license get', 'read-only', null],
    ['vault debug -duration=1m', 'read-only', null],
    ['vault events subscribe kv-v2/data-write', 'read-only', null],
    ['vault pki health-check pki/', 'read-only', null],
    ['vault pki verify-sign pki/issuer/a pki/issuer/b', 'read-only', null],
    ['vault pki list-intermediates pki/issuer/default', 'read-only', null],
    [
      'vault pki issue -issuer_name=x /pki/issuer/default /pki_int/ common_name=a',
      'not-sys',
      'pki_int/intermediate/generate/internal',
    ],
    ['vault transit import transit/keys/k @key.b64 type=rsa-2048', 'not-sys', 'transit/keys/k/import'],
    ['vault ssh -role=otp -mode=otp ubuntu@10.0.0.1', 'not-sys', 'ssh/creds/otp'],
  ])('%s', (command, verdict, path) => {
    const c = classify(command);
    expect(c.verdict, c.reason).toBe(verdict);
    expect(c.path).toBe(path);
  });

  it.each([
    'vault version',
    'vault -version',
    'vault --version',
    'vault server -config=/etc/vault.d',
    'vault server -dev',
    'vault agent -config=agent.hcl',
    'vault proxy -config=proxy.hcl',
    'vault print token',
    'vault license inspect lic.hclic',
    'vault hcp connect -organization-id=x',
  ])('local commands send nothing: %s', (command) => {
    const c = classify(command);
    expect(c.verdict, c.reason).toBe('not-sys');
    expect(c.category).toBe('local');
  });

  it.each([
    ['vault mount kv', 'secrets enable'],
    ['vault auth-enable userpass', 'auth enable'],
    ['vault policy-write ops ops.hcl', 'policy write'],
    ['vault init -key-shares=1', 'operator init'],
    ['vault unseal KEY', 'operator unseal'],
  ])('pre-0.9 syntax stays invalid and names the modern command: %s', (command, modern) => {
    const c = classify(command);
    expect(c.verdict).toBe('invalid');
    expect(c.reason).toContain(`vault ${modern}`);
    expect(c.input).not.toContain('KEY');
  });
});

describe('upgrades in runbooks', () => {
  it.each([
    ['helm upgrade vault hashicorp/vault -n vault --set server.image.tag=1.17.2', '1.17.2'],
    ['helm upgrade openbao openbao/openbao -n openbao --set server.image.tag=2.1.0', '2.1.0'],
    [
      'helm upgrade --install vault oci://registry.example/charts/vault --set "server.image.repository=x/vault,server.image.tag=1.18.0"',
      '1.18.0',
    ],
    ['kubectl set image statefulset/vault vault=hashicorp/vault:1.17.0 -n vault', '1.17.0'],
    ['kubectl -n vault set image sts/vault vault=registry.example/hashicorp/vault-enterprise:1.17.0-ent', '1.17.0-ent'],
    ['sudo apt-get install -y vault=1.17.0-1', '1.17.0'],
    ['apt install vault-enterprise=1.16.3+ent-1', '1.16.3+ent'],
    ['yum install -y vault-1.17.0', '1.17.0'],
    ['sudo dnf install -y vault-1.17.0-1.x86_64', '1.17.0'],
    ['docker pull hashicorp/vault:1.17.0', '1.17.0'],
    ['kubectl set image sts/openbao openbao=quay.io/openbao/openbao:2.1.0', '2.1.0'],
    ['docker pull openbao/openbao:2.1.0', '2.1.0'],
  ])('%s', (script, to) => {
    const c = one(script);
    expect(c.verdict).toBe('backup-first');
    expect(c.category).toBe('upgrade');
    expect(c.to).toBe(to);
    expect(c.from).toBeNull();
  });

  it('a chart version bump alone is worded as a chart change, not a Vault version', () => {
    const c = one('helm upgrade vault hashicorp/vault --version 0.29.0 -f values.yaml');
    expect(c.category).toBe('upgrade');
    expect(c.verdict).toBe('backup-first');
    expect(c.to).toBeUndefined();
    expect(c.reason).toMatch(/chart version 0\.29\.0/);
    expect(c.reason).not.toMatch(/0\.29\.0 is an upgrade/);
  });

  it('other charts, images and packages are not Vault upgrades', () => {
    expect(
      classifyScript(
        'helm upgrade consul hashicorp/consul --set global.image=x\nkubectl set image deploy/app app=nginx:1.25\napt-get install -y jq=1.6-1\ndocker pull nginx:1.25',
      ),
    ).toEqual([]);
  });

  it("Vault's own helpers are not Vault: the agent injector and the CSI provider have versions of their own", () => {
    const script = [
      'kubectl -n vault set image deploy/vault-agent-injector sidecar-injector=hashicorp/vault-k8s:1.4.2',
      'kubectl set image ds/vault-csi-provider vault-csi-provider=registry.example/hashicorp/vault-csi-provider:1.4.0',
      'docker pull hashicorp/vault-k8s:1.4.2',
    ].join('\n');
    expect(classifyScript(script)).toEqual([]);
  });
});

describe('line numbers, control characters and nesting', () => {
  it('stay true across a backslash-newline inside $(…) and backticks', () => {
    const script = [
      'X=$(vault read \\',
      '  -field=x sys/mounts)',
      'Y=`vault status \\',
      '  -format=json`',
      'vault operator seal',
    ].join('\n');
    expect(rows(script).at(-1)).toBe('5 backup-first PUT sys/seal');
    const multi = ['X=`', 'vault status', '`', 'vault operator step-down'].join('\n');
    expect(rows(multi)).toEqual(['2 read-only GET sys/seal-status', '4 backup-first PUT sys/step-down']);
  });

  it('thousands of nested $(…) give invalid with a reason, never a stack overflow', () => {
    const depth = 5000;
    const script = `${'echo $('.repeat(depth)}vault operator seal${')'.repeat(depth)}`;
    const out = classifyScript(script);
    expect(out.at(-1)?.verdict).toBe('invalid');
    expect(out.at(-1)?.reason).toMatch(/nested more than/);
  });

  it('a long chain of eval inside eval stops with a reason', () => {
    const out = classifyScript(`${'eval '.repeat(40)}vault operator seal`);
    expect(out.map((c) => c.verdict)).toEqual(['invalid']);
    expect(out[0]?.reason).toMatch(/more than \d+ deep/);
  });
});

describe('more spellings of the same shapes', () => {
  it.each([
    'sudo -i -u vault vault operator seal',
    'sudo su - vault -c "vault operator seal"',
    'doas vault operator seal',
    'env -i PATH=/bin vault operator seal',
    'command vault operator seal',
    "timeout 30s bash -c 'vault operator seal'",
    'nice -n10 ionice -c2 -n7 vault operator seal',
    'stdbuf -oL vault operator seal',
    "kubectl exec -it vault-0 -n vault -- /bin/sh -c 'vault operator seal'",
    'kubectl -n vault exec vault-0 -- vault operator seal',
    'podman exec -it vault vault operator seal',
    'docker compose -f dc.yml exec vault vault operator seal',
    'nerdctl run --rm hashicorp/vault operator seal',
    `ssh -t host "sudo -u vault bash -lc 'vault operator seal'"`,
    'ssh host -- vault operator seal',
    "bash -x -c 'vault operator seal'",
    "bash --login -c 'vault operator seal'",
    "/bin/zsh -c 'vault operator seal'",
    "busybox sh -c 'vault operator seal'",
    "cat <<'X' | ssh host bash\nvault operator seal\nX",
    'echo "vault operator seal" | sudo -u vault bash',
    "printf '%s\\n' 'vault operator seal' | sh",
    'vault_bin="$(command -v vault)"\n$vault_bin operator seal',
    'V=`which vault`\n$V operator seal',
    'time -p vault operator seal',
    'docker exec vault curl -s -X PUT http://127.0.0.1:8200/v1/sys/seal',
    'kubectl exec vault-0 -- curl -sXPUT http://127.0.0.1:8200/v1/sys/seal',
  ])('%s', (script) => {
    const out = classifyScript(script);
    expect(out.map((c) => `${c.verdict} ${c.method} ${c.path}`)).toEqual(['backup-first PUT sys/seal']);
  });

  it('an unset variable given a vault-only subcommand is invalid; other commands in variables are left alone', () => {
    expect(classifyScript('$UNKNOWN operator raft remove-peer x').map((c) => c.verdict)).toEqual(['invalid']);
    expect(classifyScript('$X write sys/mounts/x type=kv').map((c) => c.verdict)).toEqual(['invalid']);
    expect(
      classifyScript('$KUBECTL delete pod x\n$SYSTEMCTL status vault\nkubectl -n vault delete pod vault-2'),
    ).toEqual([]);
  });
});

describe('more upgrade spellings', () => {
  it.each([
    [
      `kubectl -n vault patch sts vault -p '{"spec":{"template":{"spec":{"containers":[{"name":"vault","image":"hashicorp/vault:1.18.1"}]}}}}'`,
      '1.18.1',
    ],
    ['helm upgrade -n vault --atomic --wait vault hashicorp/vault --set-string server.image.tag=1.18.0', '1.18.0'],
  ])('%s', (script, to) => {
    const c = one(script);
    expect([c.verdict, c.category, c.to]).toEqual(['backup-first', 'upgrade', to]);
  });

  it.each([
    'helm rollback vault 3 -n vault',
    'sudo apt-get install --only-upgrade vault',
    'yum update -y vault',
    'brew upgrade vault',
  ])('a version change the line does not name is an upgrade without a target: %s', (script) => {
    const c = one(script);
    expect([c.verdict, c.category, c.to]).toEqual(['backup-first', 'upgrade', undefined]);
  });

  it('a fresh unpinned install is not an upgrade', () => {
    expect(
      classifyScript('sudo apt-get install -y vault\nsudo yum -y install vault\nhelm install vault hashicorp/vault'),
    ).toEqual([]);
  });
});

describe('arguments passed on', () => {
  it('vault "$@" at the top of a script runs vault with arguments the gate cannot see: invalid', () => {
    expect(classifyScript('#!/bin/sh\nvault "$@"\n').map((c) => c.verdict)).toEqual(['invalid']);
  });
});

describe('a shell given a file', () => {
  it('reads what a process substitution prints, and refuses a file that holds vault it cannot see', () => {
    expect(classifyScript('bash <(echo "vault operator seal")').map((c) => `${c.verdict} ${c.path}`)).toEqual([
      'backup-first sys/seal',
    ]);
    const c = one('bash deploy.sh "vault operator seal"');
    expect(c.verdict).toBe('invalid');
    expect(c.reason).toMatch(/script file "deploy\.sh"/);
    expect(classifyScript('bash ./install.sh\nsh -x setup.sh vault')).toEqual([]);
  });
});

describe('aliases', () => {
  it('an alias of vault or of a vault command runs it', () => {
    expect(rows("alias v='vault'\nv operator seal\nalias down='vault operator step-down'\ndown")).toEqual([
      '2 backup-first PUT sys/seal',
      '4 backup-first PUT sys/step-down',
    ]);
    expect(rows("alias vault='sudo -E vault'\nvault operator seal")).toEqual(['2 backup-first PUT sys/seal']);
  });
});

describe('one shell line given to classify', () => {
  it.each([
    ['sudo -u vault vault operator seal', 'backup-first'],
    ['kubectl exec -n vault vault-0 -- vault operator raft remove-peer vault-2', 'backup-first'],
    ['retry 5 vault secrets list', 'read-only'],
    ['myhelper vault operator seal', 'invalid'],
    ['echo hello world', 'invalid'],
    ['helm upgrade vault hashicorp/vault --set server.image.tag=1.17.0', 'backup-first'],
  ])('%s', (line, verdict) => {
    const c = classify(line);
    expect(c.verdict, c.reason).toBe(verdict);
    expect(c.line).toBeUndefined();
  });
});
