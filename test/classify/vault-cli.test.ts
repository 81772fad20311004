import { describe, expect, it } from 'vitest';
import { classify } from '../../src/index.js';

type Row = [command: string, verdict: string, method: string | null, path: string | null, namespace?: string];

/** What the real CLI sends (vault-sys-api.md §7) and the verdict that follows. */
const table: Row[] = [
  ['vault operator rekey -init -key-shares=5 -key-threshold=3', 'backup-first', 'PUT', 'sys/rekey/init'],
  ['vault operator rekey -status', 'read-only', 'GET', 'sys/rekey/init'],
  ['vault operator rekey -cancel -nonce=abcd', 'backup-first', 'DELETE', 'sys/rekey/init'],
  ['vault operator rekey -verify -nonce abcd KEY', 'backup-first', 'PUT', 'sys/rekey/verify'],
  ['vault operator rekey -verify -status', 'read-only', 'GET', 'sys/rekey/verify'],
  ['vault operator rekey -verify -cancel', 'backup-first', 'DELETE', 'sys/rekey/verify'],
  ['vault operator rekey -target=recovery -init', 'backup-first', 'PUT', 'sys/rekey-recovery-key/init'],
  ['vault operator rekey -target recovery -nonce=n KEY', 'backup-first', 'PUT', 'sys/rekey-recovery-key/update'],
  ['vault operator rekey -nonce=n KEY', 'backup-first', 'PUT', 'sys/rekey/update'],
  ['vault operator rekey -backup-retrieve', 'read-only', 'GET', 'sys/rekey/backup'],
  ['vault operator rekey -backup-delete -target=recovery', 'backup-first', 'DELETE', 'sys/rekey/recovery-key-backup'],
  ['vault operator rekey -target=hsm -init', 'invalid', null, null],
  ['vault operator rotate', 'backup-first', 'PUT', 'sys/rotate'],
  ['vault operator generate-root -init -otp=x', 'backup-first', 'PUT', 'sys/generate-root/attempt'],
  ['vault operator generate-root -status', 'read-only', 'GET', 'sys/generate-root/attempt'],
  ['vault operator generate-root -cancel', 'backup-first', 'DELETE', 'sys/generate-root/attempt'],
  ['vault operator generate-root -nonce=n KEY', 'backup-first', 'PUT', 'sys/generate-root/update'],
  [
    'vault operator generate-root -dr-token -init',
    'backup-first',
    'PUT',
    'sys/replication/dr/secondary/generate-operation-token/attempt',
  ],
  ['vault operator generate-root -recovery-token -init', 'backup-first', 'PUT', 'sys/generate-recovery-token/attempt'],
  ['vault operator generate-root -generate-otp', 'not-sys', null, null],
  ['vault operator generate-root -decode=ENC -otp=OTP', 'not-sys', null, null],
  ['vault operator seal', 'backup-first', 'PUT', 'sys/seal'],
  ['vault operator unseal', 'backup-first', 'PUT', 'sys/unseal'],
  ['vault operator unseal -reset', 'backup-first', 'PUT', 'sys/unseal'],
  ['vault operator step-down', 'backup-first', 'PUT', 'sys/step-down'],
  ['vault operator init -key-shares=1 -key-threshold=1', 'backup-first', 'PUT', 'sys/init'],
  ['vault operator init -status', 'read-only', 'GET', 'sys/init'],
  ['vault operator raft snapshot save /tmp/a.snap', 'read-only', 'GET', 'sys/storage/raft/snapshot'],
  ['vault operator raft snapshot restore /tmp/a.snap', 'backup-first', 'POST', 'sys/storage/raft/snapshot'],
  [
    'vault operator raft snapshot restore -force /tmp/a.snap',
    'backup-first',
    'POST',
    'sys/storage/raft/snapshot-force',
  ],
  ['vault operator raft snapshot inspect /tmp/a.snap', 'not-sys', null, null],
  ['vault operator raft join https://vault-0:8200', 'backup-first', 'POST', 'sys/storage/raft/join'],
  ['vault operator raft join -non-voter https://vault-0:8200', 'backup-first', 'POST', 'sys/storage/raft/join'],
  ['vault operator raft remove-peer vault-2', 'backup-first', 'PUT', 'sys/storage/raft/remove-peer'],
  ['vault operator raft list-peers', 'read-only', 'GET', 'sys/storage/raft/configuration'],
  ['vault operator raft autopilot state', 'read-only', 'GET', 'sys/storage/raft/autopilot/state'],
  ['vault operator raft autopilot get-config', 'read-only', 'GET', 'sys/storage/raft/autopilot/configuration'],
  [
    'vault operator raft autopilot set-config -min-quorum=3',
    'backup-first',
    'POST',
    'sys/storage/raft/autopilot/configuration',
  ],
  ['vault secrets enable kv-v2', 'backup-first', 'POST', 'sys/mounts/kv-v2'],
  ['vault secrets enable -path=team/kv -version=2 kv', 'backup-first', 'POST', 'sys/mounts/team/kv'],
  ['vault secrets enable -local -seal-wrap -path team/kv kv', 'backup-first', 'POST', 'sys/mounts/team/kv'],
  ['vault secrets disable team/kv/', 'backup-first', 'DELETE', 'sys/mounts/team/kv'],
  ['vault secrets tune -max-lease-ttl=1h kv', 'backup-first', 'POST', 'sys/mounts/kv/tune'],
  ['vault secrets move kv kv2', 'backup-first', 'POST', 'sys/remount'],
  ['vault secrets list -detailed', 'read-only', 'GET', 'sys/mounts'],
  ['vault auth enable -path=ci approle', 'backup-first', 'POST', 'sys/auth/ci'],
  ['vault auth disable ci', 'backup-first', 'DELETE', 'sys/auth/ci'],
  ['vault auth tune -default-lease-ttl=1h ci', 'backup-first', 'POST', 'sys/mounts/auth/ci/tune'],
  ['vault auth list', 'read-only', 'GET', 'sys/auth'],
  ['vault audit enable file file_path=/var/log/audit.log', 'backup-first', 'PUT', 'sys/audit/file'],
  ['vault audit enable -path=f2 file file_path=stdout', 'backup-first', 'PUT', 'sys/audit/f2'],
  ['vault audit disable f2', 'backup-first', 'DELETE', 'sys/audit/f2'],
  ['vault audit list', 'read-only', 'GET', 'sys/audit'],
  ['vault policy write ops ops.hcl', 'excluded', 'PUT', 'sys/policies/acl/ops'],
  ['vault policy delete ops', 'excluded', 'DELETE', 'sys/policies/acl/ops'],
  ['vault policy read ops', 'read-only', 'GET', 'sys/policies/acl/ops'],
  ['vault policy list', 'read-only', 'LIST', 'sys/policies/acl'],
  ['vault lease renew aws/creds/ci/abc', 'excluded', 'PUT', 'sys/leases/renew'],
  ['vault lease revoke aws/creds/ci/abc', 'excluded', 'PUT', 'sys/leases/revoke/aws/creds/ci/abc'],
  ['vault lease revoke -prefix aws/creds', 'excluded', 'PUT', 'sys/leases/revoke-prefix/aws/creds'],
  ['vault lease revoke -force -prefix aws/creds', 'excluded', 'PUT', 'sys/leases/revoke-force/aws/creds'],
  ['vault lease revoke -force aws/creds', 'invalid', null, null],
  ['vault lease lookup aws/creds/ci/abc', 'read-only', 'PUT', 'sys/leases/lookup'],
  ['vault namespace create team-a', 'excluded', 'PUT', 'sys/namespaces/team-a'],
  ['vault namespace delete team-a', 'excluded', 'DELETE', 'sys/namespaces/team-a'],
  ['vault namespace list', 'read-only', 'LIST', 'sys/namespaces'],
  ['vault namespace lock', 'excluded', 'PUT', 'sys/namespaces/api-lock/lock'],
  [
    'vault plugin register -sha256=abc -version=v1.0.0 secret my-plugin',
    'backup-first',
    'PUT',
    'sys/plugins/catalog/secret/my-plugin',
  ],
  ['vault plugin deregister secret my-plugin', 'backup-first', 'DELETE', 'sys/plugins/catalog/secret/my-plugin'],
  ['vault plugin reload -plugin=my-plugin', 'backup-first', 'PUT', 'sys/plugins/reload/backend'],
  ['vault plugin list', 'read-only', 'GET', 'sys/plugins/catalog'],
  ['vault plugin list secret', 'read-only', 'LIST', 'sys/plugins/catalog/secret'],
  ['vault plugin info secret my-plugin', 'read-only', 'GET', 'sys/plugins/catalog/secret/my-plugin'],
  ['vault token create -policy=ops', 'not-sys', 'POST', 'auth/token/create'],
  ['vault token create -orphan', 'not-sys', 'POST', 'auth/token/create-orphan'],
  ['vault token lookup', 'not-sys', 'GET', 'auth/token/lookup-self'],
  ['vault token revoke -self', 'not-sys', 'PUT', 'auth/token/revoke-self'],
  ['vault token capabilities sys/mounts', 'read-only', 'POST', 'sys/capabilities-self'],
  ['vault token capabilities TOKEN sys/mounts', 'read-only', 'POST', 'sys/capabilities'],
  ['vault kv put secret/app password=x', 'not-sys', 'PUT', 'secret/app'],
  ['vault kv put -mount=secret app password=x', 'not-sys', 'PUT', 'secret/app'],
  ['vault kv get -field=password secret/app', 'not-sys', 'GET', 'secret/app'],
  ['vault kv metadata delete secret/app', 'not-sys', 'DELETE', 'secret/metadata/app'],
  ['vault kv enable-versioning secret/', 'backup-first', 'POST', 'sys/mounts/secret/tune'],
  ['vault read sys/mounts', 'read-only', 'GET', 'sys/mounts'],
  ['vault list sys/policies/acl', 'read-only', 'LIST', 'sys/policies/acl'],
  ['vault write sys/mounts/kv type=kv', 'backup-first', 'PUT', 'sys/mounts/kv'],
  ['vault write -force sys/rotate', 'backup-first', 'PUT', 'sys/rotate'],
  ['vault delete sys/mounts/kv', 'backup-first', 'DELETE', 'sys/mounts/kv'],
  ['vault patch sys/namespaces/team-a custom_metadata=x', 'excluded', 'PATCH', 'sys/namespaces/team-a'],
  ['vault write auth/approle/role/ci policies=ops', 'not-sys', 'PUT', 'auth/approle/role/ci'],
  ['vault status', 'read-only', 'GET', 'sys/seal-status'],
  ['vault login -method=userpass username=alice', 'not-sys', 'PUT', 'auth/userpass/login'],
  ['vault login s.token', 'not-sys', 'GET', 'auth/token/lookup-self'],
  ['vault unwrap', 'excluded', 'PUT', 'sys/wrapping/unwrap'],
  ['vault operator migrate -config=migrate.hcl', 'backup-first', null, null],
  // namespaces: flag, short flag, environment, inline assignment
  ['vault secrets enable -namespace=team-a kv', 'backup-first', 'POST', 'sys/mounts/kv', 'team-a'],
  ['vault secrets enable -ns team-a/child kv', 'backup-first', 'POST', 'sys/mounts/kv', 'team-a/child'],
  ['VAULT_NAMESPACE=team-b vault auth enable approle', 'backup-first', 'POST', 'sys/auth/approle', 'team-b'],
  // never guessed
  ['vault operator frobnicate', 'invalid', null, null],
  ['vault secrets', 'invalid', null, null],
  ['vault write', 'invalid', null, null],
  ['vault $CMD sys/mounts/kv', 'invalid', null, null],
  ['vault write $MOUNT/config x=1', 'invalid', null, null],
  ['vault write -some-unknown-flag sys/mounts/kv', 'invalid', null, null],
  ['vault secrets enable -output-curl-string kv', 'not-sys', null, null],
  ['vault server -dev', 'not-sys', null, null],
  // Go's flag package stops at the first argument: a flag after it is an argument (data of a write), not a flag
  ['vault write sys/mounts/x type=kv -output-curl-string=true', 'backup-first', 'PUT', 'sys/mounts/x'],
  ['vault write -f sys/rotate -output-policy=true', 'backup-first', 'PUT', 'sys/rotate'],
  ['vault kv put sys/mounts/x type=kv -mount=secret', 'backup-first', 'PUT', 'sys/mounts/x'],
  ['vault write sys/mounts/x type=kv -namespace=team-a', 'backup-first', 'PUT', 'sys/mounts/x'],
  ['vault write -output-curl-string=true sys/mounts/x type=kv', 'not-sys', null, null],
];

describe('vault command lines', () => {
  it.each(table)('%s', (command, verdict, method, path, namespace = '') => {
    const c = classify(command);
    expect(c.verdict, c.reason).toBe(verdict);
    if (verdict !== 'invalid') {
      expect(c.method).toBe(method);
      expect(c.path).toBe(path);
      expect(c.namespace).toBe(namespace);
    }
  });

  it('takes VAULT_NAMESPACE from the environment, and a flag over it', () => {
    expect(classify('vault secrets enable kv', { env: { VAULT_NAMESPACE: 'env-ns' } }).namespace).toBe('env-ns');
    expect(
      classify('vault secrets enable -namespace=flag-ns kv', { env: { VAULT_NAMESPACE: 'env-ns' } }).namespace,
    ).toBe('flag-ns');
  });

  it('accepts argv and lists every request of a multi-request command', () => {
    const c = classify({ kind: 'vault-cli', command: ['vault', 'operator', 'rekey', '-nonce=n', 'KEY'] });
    expect(c.requests?.map((r) => `${r.method} ${r.path} ${r.verdict}`)).toEqual([
      'GET sys/rekey/init read-only',
      'PUT sys/rekey/update backup-first',
    ]);
  });
});
