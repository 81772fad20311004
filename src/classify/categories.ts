import type { Category, Verdict } from './schema.js';

export interface CategoryInfo {
  readonly description: string;
  /** An operation of this category and the verdict it gets; the README shows it and a test runs it. */
  readonly example: string;
  readonly verdict: Verdict;
}

/** One entry per category; the compiler flags a category with no entry. */
export const categoryInfo: Record<Category, CategoryInfo> = {
  upgrade: {
    description: 'a newer Vault version (or another edition)',
    example: 'upgrade 1.16.2 -> 1.17.0',
    verdict: 'backup-first',
  },
  downgrade: {
    description: 'an older Vault version: storage downgrades are not supported',
    example: 'upgrade 1.17.0 -> 1.16.2',
    verdict: 'backup-first',
  },
  'no-change': {
    description: 'the same version and edition',
    example: 'upgrade 1.17.0 -> v1.17.0',
    verdict: 'not-sys',
  },
  'storage-migration': {
    description: 'offline copy between storage backends',
    example: 'vault operator migrate -config=migrate.hcl',
    verdict: 'backup-first',
  },
  rekey: {
    description: 'new unseal or recovery key shares',
    example: 'vault operator rekey -init -key-shares=5 -key-threshold=3',
    verdict: 'backup-first',
  },
  'key-rotation': {
    description: 'barrier key rotation and seal re-wrapping',
    example: 'POST sys/rotate',
    verdict: 'backup-first',
  },
  'root-generation': {
    description: 'root, recovery and DR operation token generation',
    example: 'vault operator generate-root -init -otp=abc',
    verdict: 'backup-first',
  },
  seal: { description: 'seal, unseal and seal status', example: 'vault operator seal', verdict: 'backup-first' },
  init: { description: 'initialising Vault', example: 'PUT sys/init', verdict: 'backup-first' },
  leadership: { description: 'step-down and HA status', example: 'vault operator step-down', verdict: 'backup-first' },
  status: {
    description: 'health, version history, metrics and other node status',
    example: 'GET sys/health',
    verdict: 'read-only',
  },
  mounts: {
    description: 'secrets engines: enable, disable, tune, move',
    example: 'vault secrets enable -path=kv2 kv-v2',
    verdict: 'backup-first',
  },
  auth: {
    description: 'auth methods: enable, disable, tune',
    example: 'vault auth enable approle',
    verdict: 'backup-first',
  },
  audit: {
    description: 'audit devices and audited headers',
    example: 'vault audit enable file file_path=/var/log/vault.log',
    verdict: 'backup-first',
  },
  raft: {
    description: 'Integrated Storage peers and autopilot',
    example: 'vault operator raft remove-peer vault-2',
    verdict: 'backup-first',
  },
  snapshot: {
    description: 'taking snapshots and automated-snapshot settings',
    example: 'vault operator raft snapshot save backup.snap',
    verdict: 'read-only',
  },
  'snapshot-restore': {
    description: 'restoring a snapshot over the cluster',
    example: 'vault operator raft snapshot restore -force backup.snap',
    verdict: 'backup-first',
  },
  plugins: {
    description: 'plugin catalogue, pins, runtimes and reloads',
    example: 'vault plugin register -sha256=abc secret my-plugin',
    verdict: 'backup-first',
  },
  'managed-keys': {
    description: 'Enterprise managed keys',
    example: 'POST sys/managed-keys/pkcs11/hsm-key',
    verdict: 'backup-first',
  },
  quotas: {
    description: 'rate-limit and lease-count quotas',
    example: 'POST sys/quotas/rate-limit/global',
    verdict: 'backup-first',
  },
  config: {
    description: 'CORS, UI, reload and other /sys/config settings',
    example: 'POST sys/config/cors',
    verdict: 'backup-first',
  },
  loggers: { description: 'log levels', example: 'POST sys/loggers/core', verdict: 'backup-first' },
  licensing: {
    description: 'licence status, billing and activation flags',
    example: 'GET sys/billing/overview?refresh_data=true',
    verdict: 'backup-first',
  },
  internal: {
    description: 'internal UI, counters and OpenAPI endpoints',
    example: 'GET sys/internal/ui/mounts',
    verdict: 'read-only',
  },
  events: {
    description: 'event subscriptions',
    example: 'GET sys/events/subscribe/kv-v2/data-write',
    verdict: 'read-only',
  },
  mfa: {
    description: 'login MFA methods (a TOTP generate GET writes)',
    example: 'GET sys/mfa/method/totp/my-totp/generate',
    verdict: 'backup-first',
  },
  'control-group': {
    description: 'control groups',
    example: 'POST sys/control-group/authorize',
    verdict: 'backup-first',
  },
  'locked-users': {
    description: 'user lockout',
    example: 'POST sys/locked-users/auth_userpass_1234/unlock/alice',
    verdict: 'backup-first',
  },
  'raw-storage': {
    description: 'direct storage access through /sys/raw',
    example: 'DELETE sys/raw/core/lock',
    verdict: 'backup-first',
  },
  rotation: { description: 'the rotation manager', example: 'GET sys/rotation/orphans', verdict: 'read-only' },
  replication: {
    description: 'performance and DR replication',
    example: 'POST sys/replication/dr/secondary/promote',
    verdict: 'backup-first',
  },
  'secrets-sync': {
    description: 'secrets sync destinations and associations',
    example: 'PATCH sys/sync/config',
    verdict: 'backup-first',
  },
  capabilities: {
    description: 'capability checks (POSTs that only read)',
    example: 'POST sys/capabilities-self',
    verdict: 'read-only',
  },
  'policies-legacy': {
    description: 'the legacy /sys/policy alias of /sys/policies/acl',
    example: 'PUT sys/policy/ops',
    verdict: 'backup-first',
  },
  'leases-legacy': {
    description: 'the legacy /sys/renew and /sys/revoke* aliases of /sys/leases',
    example: 'PUT sys/revoke-prefix/aws/creds',
    verdict: 'backup-first',
  },
  'unknown-sys': {
    description: 'a /sys path the catalogue does not know (fail closed)',
    example: 'POST sys/brand-new-endpoint',
    verdict: 'backup-first',
  },
  leases: {
    description: 'excluded: /sys/leases',
    example: 'vault lease revoke -prefix aws/creds',
    verdict: 'excluded',
  },
  namespaces: {
    description: 'excluded: /sys/namespaces',
    example: 'vault namespace create team-a',
    verdict: 'excluded',
  },
  tools: {
    description: 'excluded: /sys/tools (all of it only reads)',
    example: 'POST sys/tools/random/32',
    verdict: 'read-only',
  },
  wrapping: { description: 'excluded: /sys/wrapping', example: 'vault unwrap', verdict: 'excluded' },
  policies: { description: 'excluded: /sys/policies', example: 'vault policy write ops ops.hcl', verdict: 'excluded' },
  pprof: { description: 'excluded: /sys/pprof (GETs only)', example: 'GET sys/pprof/heap', verdict: 'read-only' },
  logical: {
    description: 'anything outside /sys: secrets, auth logins, identity',
    example: 'vault kv put secret/app password=x',
    verdict: 'not-sys',
  },
  local: {
    description: 'a vault command that sends nothing to Vault',
    example: 'vault operator raft snapshot inspect backup.snap',
    verdict: 'not-sys',
  },
  invalid: {
    description: 'not understood: a path trick, an unknown subcommand, an unreadable line',
    example: 'POST sys//mounts/kv',
    verdict: 'invalid',
  },
};
