import { describe, expect, it } from 'vitest';
import { classifyPlan, PlanError } from '../../src/index.js';
import { plan } from '../helpers/plan.js';
import { tempDir } from '../helpers/tmp.js';

type Row = [type: string, after: Record<string, unknown>, method: string, path: string, verdict: string];

/** Every row of the reference table (terraform-vault.md §1.3): the request its create makes, and the verdict. */
const creates: Row[] = [
  ['vault_mount', { path: 'team/kv', type: 'kv' }, 'POST', 'sys/mounts/team/kv', 'backup-first'],
  ['vault_database_secrets_mount', { path: 'db' }, 'POST', 'sys/mounts/db', 'backup-first'],
  ['vault_kmip_secret_backend', { path: 'kmip' }, 'POST', 'sys/mounts/kmip', 'backup-first'],
  ['vault_kubernetes_secret_backend', { path: 'k8s' }, 'POST', 'sys/mounts/k8s', 'backup-first'],
  ['vault_gcpkms_secret_backend', { path: 'gcpkms' }, 'POST', 'sys/mounts/gcpkms', 'backup-first'],
  ['vault_aws_secret_backend', {}, 'POST', 'sys/mounts/aws', 'backup-first'],
  ['vault_azure_secret_backend', { path: 'az' }, 'POST', 'sys/mounts/az', 'backup-first'],
  ['vault_consul_secret_backend', {}, 'POST', 'sys/mounts/consul', 'backup-first'],
  ['vault_gcp_secret_backend', {}, 'POST', 'sys/mounts/gcp', 'backup-first'],
  ['vault_ldap_secret_backend', {}, 'POST', 'sys/mounts/ldap', 'backup-first'],
  ['vault_rabbitmq_secret_backend', {}, 'POST', 'sys/mounts/rabbitmq', 'backup-first'],
  ['vault_nomad_secret_backend', {}, 'POST', 'sys/mounts/nomad', 'backup-first'],
  ['vault_terraform_cloud_secret_backend', {}, 'POST', 'sys/mounts/terraform', 'backup-first'],
  ['vault_ad_secret_backend', { backend: 'ad2' }, 'POST', 'sys/mounts/ad2', 'backup-first'],
  ['vault_auth_backend', { type: 'approle' }, 'POST', 'sys/auth/approle', 'backup-first'],
  ['vault_auth_backend', { type: 'userpass', path: 'people' }, 'POST', 'sys/auth/people', 'backup-first'],
  ['vault_gcp_auth_backend', {}, 'POST', 'sys/auth/gcp', 'backup-first'],
  ['vault_github_auth_backend', {}, 'POST', 'sys/auth/github', 'backup-first'],
  ['vault_jwt_auth_backend', { path: 'oidc' }, 'POST', 'sys/auth/oidc', 'backup-first'],
  ['vault_ldap_auth_backend', {}, 'POST', 'sys/auth/ldap', 'backup-first'],
  ['vault_oci_auth_backend', {}, 'POST', 'sys/auth/oci', 'backup-first'],
  ['vault_okta_auth_backend', {}, 'POST', 'sys/auth/okta', 'backup-first'],
  ['vault_saml_auth_backend', {}, 'POST', 'sys/auth/saml', 'backup-first'],
  ['vault_audit', { type: 'file' }, 'PUT', 'sys/audit/file', 'backup-first'],
  [
    'vault_audit_request_header',
    { name: 'X-Request-Id' },
    'PUT',
    'sys/config/auditing/request-headers/X-Request-Id',
    'backup-first',
  ],
  ['vault_policy', { name: 'ops' }, 'PUT', 'sys/policies/acl/ops', 'excluded'],
  ['vault_egp_policy', { name: 'business-hours' }, 'PUT', 'sys/policies/egp/business-hours', 'excluded'],
  ['vault_rgp_policy', { name: 'r' }, 'PUT', 'sys/policies/rgp/r', 'excluded'],
  ['vault_password_policy', { name: 'strong' }, 'PUT', 'sys/policies/password/strong', 'excluded'],
  ['vault_rotation_policy', { name: 'rot' }, 'PUT', 'sys/policies/rotation/rot', 'excluded'],
  ['vault_namespace', { path: 'team-a' }, 'PUT', 'sys/namespaces/team-a', 'excluded'],
  [
    'vault_quota_rate_limit',
    { name: 'global', path: 'secret/' },
    'PUT',
    'sys/quotas/rate-limit/global',
    'backup-first',
  ],
  [
    'vault_quota_lease_count',
    { name: 'leases', path: 'auth/' },
    'PUT',
    'sys/quotas/lease-count/leases',
    'backup-first',
  ],
  ['vault_quota_config', {}, 'PUT', 'sys/quotas/config', 'backup-first'],
  ['vault_raft_autopilot', {}, 'PUT', 'sys/storage/raft/autopilot/configuration', 'backup-first'],
  [
    'vault_raft_snapshot_agent_config',
    { name: 'daily' },
    'PUT',
    'sys/storage/raft/snapshot-auto/config/daily',
    'backup-first',
  ],
  [
    'vault_plugin',
    { type: 'secret', name: 'my-plugin' },
    'PUT',
    'sys/plugins/catalog/secret/my-plugin',
    'backup-first',
  ],
  [
    'vault_plugin_pinned_version',
    { type: 'secret', name: 'my-plugin' },
    'PUT',
    'sys/plugins/pins/secret/my-plugin',
    'backup-first',
  ],
  [
    'vault_plugin_runtime',
    { type: 'container', name: 'gvisor' },
    'PUT',
    'sys/plugins/runtimes/catalog/container/gvisor',
    'backup-first',
  ],
  ['vault_transit_secret_cache_config', { backend: 'transit' }, 'PUT', 'sys/plugins/reload/backend', 'backup-first'],
  ['vault_mfa_duo', { name: 'duo' }, 'PUT', 'sys/mfa/method/duo/duo', 'backup-first'],
  ['vault_mfa_okta', { name: 'okta' }, 'PUT', 'sys/mfa/method/okta/okta', 'backup-first'],
  ['vault_mfa_pingid', { name: 'p' }, 'PUT', 'sys/mfa/method/pingid/p', 'backup-first'],
  ['vault_mfa_totp', { name: 't' }, 'PUT', 'sys/mfa/method/totp/t', 'backup-first'],
  ['vault_managed_keys', {}, 'PUT', 'sys/managed-keys/<unknown>/<unknown>', 'backup-first'],
  ['vault_secrets_sync_config', {}, 'PATCH', 'sys/sync/config', 'backup-first'],
  ['vault_secrets_sync_aws_destination', { name: 'aws1' }, 'PUT', 'sys/sync/destinations/aws-sm/aws1', 'backup-first'],
  ['vault_secrets_sync_azure_destination', { name: 'az' }, 'PUT', 'sys/sync/destinations/azure-kv/az', 'backup-first'],
  ['vault_secrets_sync_gcp_destination', { name: 'g' }, 'PUT', 'sys/sync/destinations/gcp-sm/g', 'backup-first'],
  ['vault_secrets_sync_gh_destination', { name: 'gh' }, 'PUT', 'sys/sync/destinations/gh/gh', 'backup-first'],
  [
    'vault_secrets_sync_vercel_destination',
    { name: 'v' },
    'PUT',
    'sys/sync/destinations/vercel-project/v',
    'backup-first',
  ],
  ['vault_secrets_sync_github_apps', { name: 'app' }, 'PUT', 'sys/sync/github-apps/app', 'backup-first'],
  [
    'vault_secrets_sync_association',
    { type: 'gh', name: 'gh', mount: 'kv', secret_name: 's' },
    'PUT',
    'sys/sync/destinations/gh/gh/associations/set',
    'backup-first',
  ],
  ['vault_config_ui_custom_message', { title: 'x' }, 'POST', 'sys/config/ui/custom-messages', 'backup-first'],
  ['vault_config_ui_header', { name: 'X-Custom' }, 'PUT', 'sys/config/ui/headers/X-Custom', 'backup-first'],
  [
    'vault_config_ui_default_auth',
    { name: 'default' },
    'PUT',
    'sys/config/ui/login/default-auth/default',
    'backup-first',
  ],
  ['vault_sys_config_cors', {}, 'PUT', 'sys/config/cors', 'backup-first'],
  ['vault_config_control_group', {}, 'PUT', 'sys/config/control-group', 'backup-first'],
  ['vault_config_group_policy_application', {}, 'PUT', 'sys/config/group-policy-application', 'backup-first'],
  [
    'vault_oauth_resource_server_config_profile',
    { profile_name: 'p' },
    'PUT',
    'sys/config/oauth-resource-server/p',
    'backup-first',
  ],
  [
    'vault_activation_flags',
    { feature: 'secrets-sync' },
    'PUT',
    'sys/activation-flags/secrets-sync/activate',
    'backup-first',
  ],
  ['vault_generic_endpoint', { path: 'sys/mounts/team-b' }, 'PUT', 'sys/mounts/team-b', 'backup-first'],
  ['vault_generic_endpoint', { path: 'auth/userpass/users/alice' }, 'PUT', 'auth/userpass/users/alice', 'not-sys'],
  ['vault_generic_endpoint', { path: 'sys/tools/random' }, 'PUT', 'sys/tools/random', 'read-only'],
  ['vault_generic_secret', { path: 'secret/app' }, 'PUT', 'secret/app', 'not-sys'],
  ['vault_generic_secret', { path: 'sys/policy/legacy' }, 'PUT', 'sys/policy/legacy', 'backup-first'],
];

const one = (rc: Parameters<typeof plan>[0][number], options: Parameters<typeof plan>[1] = {}) =>
  classifyPlan(plan([rc], options));

describe('plan JSON: every resource type that writes under /sys', () => {
  it.each(creates)('%s create %j → %s %s (%s)', (type, after, method, path, verdict) => {
    const [c] = one({ type, actions: ['create'], after });
    expect(c?.verdict, c?.reason).toBe(verdict);
    expect(c?.requests?.find((r) => r.path === path) ?? c).toMatchObject({ method, path });
    expect(c?.address).toBe(`${type}.this`);
  });
});

describe('plan JSON: actions', () => {
  it('update of a mount remounts and tunes; delete uses the before values', () => {
    const [u] = one({ type: 'vault_mount', actions: ['update'], before: { path: 'a' }, after: { path: 'b' } });
    expect(u?.requests?.map((r) => `${r.method} ${r.path}`)).toEqual(['POST sys/remount', 'POST sys/mounts/b/tune']);
    const [d] = one({ type: 'vault_mount', actions: ['delete'], before: { path: 'old' }, after: null });
    expect([d?.method, d?.path]).toEqual(['DELETE', 'sys/mounts/old']);
  });

  it('a replacement, in either order, is a delete and a create', () => {
    for (const actions of [
      ['delete', 'create'],
      ['create', 'delete'],
    ]) {
      const out = one({
        type: 'vault_audit',
        actions,
        before: { type: 'file', path: 'old' },
        after: { type: 'file', path: 'new' },
      });
      expect(out.map((c) => `${c.input} ${c.method} ${c.path}`)).toEqual([
        'vault_audit.this: delete DELETE sys/audit/old',
        'vault_audit.this: create PUT sys/audit/new',
      ]);
    }
  });

  it('no-op, read and forget change nothing', () => {
    for (const actions of [['no-op'], ['read'], ['forget']]) {
      const [c] = one({ type: 'vault_mount', actions, before: { path: 'a' }, after: { path: 'a' } });
      expect([c?.verdict, c?.category]).toEqual(['not-sys', 'no-change']);
    }
  });

  it('an unknown path is classified by type; a generic resource with an unknown path is invalid', () => {
    const [m] = one({ type: 'vault_mount', actions: ['create'], after: { type: 'kv' }, after_unknown: { path: true } });
    expect([m?.verdict, m?.category, m?.path]).toEqual(['backup-first', 'mounts', 'sys/mounts/<unknown>']);
    const [g] = one({ type: 'vault_generic_endpoint', actions: ['create'], after: {}, after_unknown: { path: true } });
    expect(g?.verdict).toBe('invalid');
    expect(g?.reason).toMatch(/known only after apply/);
  });

  it('types that write nowhere under /sys are not-sys; an unknown vault_* type is backup-first, saying so', () => {
    for (const type of [
      'vault_kv_secret_v2',
      'vault_identity_group',
      'vault_approle_auth_backend_role',
      'vault_pki_secret_backend_role',
      'vault_jwt_auth_backend_role',
    ]) {
      expect(one({ type, actions: ['create'], after: {} })[0]?.verdict, type).toBe('not-sys');
    }
    const [u] = one({ type: 'vault_brand_new_thing', actions: ['create'], after: {} });
    expect([u?.verdict, u?.category]).toEqual(['backup-first', 'unknown-sys']);
    expect(u?.reason).toMatch(/does not know/);
  });

  it('resources of other providers, and data sources, are not Vault operations', () => {
    expect(
      one({ type: 'aws_s3_bucket', provider: 'registry.terraform.io/hashicorp/aws', actions: ['create'], after: {} }),
    ).toEqual([]);
    expect(one({ type: 'vault_mount', mode: 'data', actions: ['read'], after: {} })).toEqual([]);
    expect(
      one({
        type: 'vault_mount',
        provider: 'registry.opentofu.org/hashicorp/vault',
        actions: ['create'],
        after: { path: 'x' },
      }),
    ).toHaveLength(1);
  });

  it('joins the resource namespace onto the provider namespace; root-only types ignore it', () => {
    const [c] = one(
      { type: 'vault_mount', actions: ['create'], after: { path: 'kv', namespace: 'team-a' } },
      { namespace: 'admin' },
    );
    expect(c?.namespace).toBe('admin/team-a');
    const [p] = one(
      { type: 'vault_plugin', actions: ['create'], after: { type: 'secret', name: 'x' } },
      { namespace: 'admin' },
    );
    expect(p?.namespace).toBe('admin');
    const [u] = one(
      { type: 'vault_mount', actions: ['create'], after: { path: 'kv' } },
      { namespace: { references: ['var.ns'] } },
    );
    expect(u?.namespace).toBe('<unknown>');
  });

  it('carries module addresses with their index, and reads deferred changes as pending writes', () => {
    const out = classifyPlan(
      plan(
        [
          {
            type: 'vault_mount',
            module_address: 'module.team["a"]',
            name: 'kv',
            address: 'module.team["a"].vault_mount.kv[0]',
            actions: ['create'],
            after: { path: 'kv' },
          },
        ],
        {
          deferred: [{ type: 'vault_auth_backend', actions: ['create'], after: { type: 'oidc' } }],
        },
      ),
    );
    expect(out.map((c) => c.address)).toEqual(['module.team["a"].vault_mount.kv[0]', 'vault_auth_backend.this']);
    expect(out[1]?.input).toMatch(/deferred: provider_config_unknown/);
    expect(out[1]?.verdict).toBe('backup-first');
  });

  it('refuses another major format version and non-plan JSON, clearly', () => {
    expect(() => classifyPlan(plan([], { formatVersion: '2.0' }))).toThrow(/format_version 2.0; only 1.x/);
    expect(() => classifyPlan({ hello: 'world' })).toThrow(PlanError);
    expect(() => classifyPlan([])).toThrow(/not Terraform plan JSON/);
  });
});

describe('classify --plan and check --plan', async () => {
  const { writeFileSync } = await import('node:fs');
  const path = await import('node:path');
  const { runCli } = await import('../helpers/cli.js');
  const dir = tempDir('plan-');
  writeFileSync(
    path.join(dir, 'plan.json'),
    JSON.stringify(
      plan([
        { type: 'vault_mount', name: 'kv', actions: ['create'], after: { path: 'kv' } },
        { type: 'vault_policy', name: 'ops', actions: ['update'], before: { name: 'ops' }, after: { name: 'ops' } },
      ]),
    ),
  );
  writeFileSync(path.join(dir, 'binary.tfplan'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00]));

  it('classify --plan lists each resource with its address', async () => {
    const r = await runCli(['classify', '--json', '--plan', 'plan.json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { address: string; verdict: string }[]).map((c) => [c.address, c.verdict])).toEqual(
      [
        ['vault_mount.kv', 'backup-first'],
        ['vault_policy.ops', 'excluded'],
      ],
    );
  });

  it('check --plan decides on it: no snapshot, no-go', async () => {
    const r = await runCli(['check', '--plan', 'plan.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/vault_mount\.kv: create/);
  });

  it('a binary plan file or a missing one is a usage error that says what to do', async () => {
    expect((await runCli(['check', '--plan', 'binary.tfplan'], { cwd: dir })).stderr).toMatch(
      /terraform show -json binary\.tfplan > binary\.tfplan\.json, then use --plan binary\.tfplan\.json/,
    );
    expect((await runCli(['classify', '--plan', 'nope.json'], { cwd: dir })).code).toBe(2);
  });
});
