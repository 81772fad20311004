/**
 * What each resource type of the Vault provider writes, from the provider's code rather than its own path list
 * (stale in places): ../shared/reference/terraform-vault.md §1.3 and appendices.
 *
 * A request is "METHOD template". `{attr}` is an attribute; `{attr|other}` falls back to another attribute;
 * `{attr|"lit"}` falls back to a literal (the provider's default). Attributes that are unknown (computed, or an
 * expression in HCL) become a placeholder segment, so the request is still classified by its family.
 */
export interface ResourceSpec {
  readonly create: readonly string[];
  readonly update: readonly string[];
  readonly delete: readonly string[];
  /** The `path` attribute is the API path itself: unknown means the operation cannot be classified. */
  readonly generic?: boolean;
  /** The resource has no `namespace` argument (root namespace only). */
  readonly rootOnly?: boolean;
}

const mount = (path: string): ResourceSpec => ({
  create: [`POST sys/mounts/${path}`],
  update: ['POST sys/remount', `POST sys/mounts/${path}/tune`],
  delete: [`DELETE sys/mounts/${path}`],
});
const authMount = (path: string): ResourceSpec => ({
  create: [`POST sys/auth/${path}`],
  update: ['POST sys/remount', `POST sys/mounts/auth/${path}/tune`],
  delete: [`DELETE sys/auth/${path}`],
});
const crud = (path: string, opts: { update?: string; delete?: string } = {}): ResourceSpec => ({
  create: [`PUT ${path}`],
  update: [opts.update ?? `PUT ${path}`],
  delete: [opts.delete ?? `DELETE ${path}`],
});

export const RESOURCE_SPECS: Readonly<Record<string, ResourceSpec>> = {
  vault_mount: mount('{path}'),
  vault_database_secrets_mount: mount('{path}'),
  vault_kmip_secret_backend: mount('{path}'),
  vault_kubernetes_secret_backend: mount('{path}'),
  vault_gcpkms_secret_backend: mount('{path}'),
  vault_aws_secret_backend: mount('{path|"aws"}'),
  vault_azure_secret_backend: mount('{path|"azure"}'),
  vault_consul_secret_backend: mount('{path|"consul"}'),
  vault_gcp_secret_backend: mount('{path|"gcp"}'),
  vault_ldap_secret_backend: mount('{path|"ldap"}'),
  vault_rabbitmq_secret_backend: mount('{path|"rabbitmq"}'),
  vault_nomad_secret_backend: mount('{backend|"nomad"}'),
  vault_terraform_cloud_secret_backend: mount('{backend|"terraform"}'),
  vault_ad_secret_backend: mount('{backend|"ad"}'),
  vault_auth_backend: authMount('{path|type}'),
  vault_gcp_auth_backend: authMount('{path|"gcp"}'),
  vault_github_auth_backend: authMount('{path|"github"}'),
  vault_jwt_auth_backend: authMount('{path|"jwt"}'),
  vault_ldap_auth_backend: authMount('{path|"ldap"}'),
  vault_oci_auth_backend: authMount('{path|"oci"}'),
  vault_okta_auth_backend: authMount('{path|"okta"}'),
  vault_saml_auth_backend: authMount('{path|"saml"}'),
  vault_audit: crud('sys/audit/{path|type}'),
  vault_audit_request_header: crud('sys/config/auditing/request-headers/{name}'),
  vault_policy: crud('sys/policies/acl/{name}'),
  vault_egp_policy: crud('sys/policies/egp/{name}'),
  vault_rgp_policy: crud('sys/policies/rgp/{name}'),
  vault_password_policy: crud('sys/policies/password/{name}'),
  vault_rotation_policy: crud('sys/policies/rotation/{name}'),
  vault_namespace: crud('sys/namespaces/{path}', { update: 'PATCH sys/namespaces/{path}' }),
  vault_quota_rate_limit: crud('sys/quotas/rate-limit/{name}'),
  vault_quota_lease_count: crud('sys/quotas/lease-count/{name}'),
  vault_quota_config: crud('sys/quotas/config', { delete: 'PUT sys/quotas/config' }),
  vault_raft_autopilot: crud('sys/storage/raft/autopilot/configuration', {
    delete: 'PUT sys/storage/raft/autopilot/configuration',
  }),
  vault_raft_snapshot_agent_config: crud('sys/storage/raft/snapshot-auto/config/{name}'),
  vault_plugin: { ...crud('sys/plugins/catalog/{type}/{name}'), rootOnly: true },
  vault_plugin_pinned_version: { ...crud('sys/plugins/pins/{type}/{name}'), rootOnly: true },
  vault_plugin_runtime: crud('sys/plugins/runtimes/catalog/{type}/{name}'),
  vault_transit_secret_cache_config: {
    create: ['PUT {backend}/cache-config', 'PUT sys/plugins/reload/backend'],
    update: ['PUT {backend}/cache-config', 'PUT sys/plugins/reload/backend'],
    delete: [],
  },
  vault_mfa_duo: crud('sys/mfa/method/duo/{name}'),
  vault_mfa_okta: crud('sys/mfa/method/okta/{name}'),
  vault_mfa_pingid: crud('sys/mfa/method/pingid/{name}'),
  vault_mfa_totp: crud('sys/mfa/method/totp/{name}'),
  // Nested blocks name the keys; by type, every one is a sys/managed-keys write.
  vault_managed_keys: crud('sys/managed-keys/{key_type}/{name}'),
  vault_secrets_sync_config: {
    create: ['PATCH sys/sync/config'],
    update: ['PATCH sys/sync/config'],
    delete: ['DELETE sys/sync/config'],
  },
  vault_secrets_sync_aws_destination: crud('sys/sync/destinations/aws-sm/{name}'),
  vault_secrets_sync_azure_destination: crud('sys/sync/destinations/azure-kv/{name}'),
  vault_secrets_sync_gcp_destination: crud('sys/sync/destinations/gcp-sm/{name}'),
  vault_secrets_sync_gh_destination: crud('sys/sync/destinations/gh/{name}'),
  vault_secrets_sync_vercel_destination: crud('sys/sync/destinations/vercel-project/{name}'),
  vault_secrets_sync_github_apps: crud('sys/sync/github-apps/{name}'),
  vault_secrets_sync_association: crud('sys/sync/destinations/{type}/{name}/associations/set', {
    delete: 'PUT sys/sync/destinations/{type}/{name}/associations/remove',
  }),
  vault_config_ui_custom_message: {
    create: ['POST sys/config/ui/custom-messages'],
    update: ['POST sys/config/ui/custom-messages/{id}'],
    delete: ['DELETE sys/config/ui/custom-messages/{id}'],
  },
  vault_config_ui_header: crud('sys/config/ui/headers/{name}'),
  vault_config_ui_default_auth: crud('sys/config/ui/login/default-auth/{name}'),
  vault_sys_config_cors: crud('sys/config/cors'),
  vault_config_control_group: crud('sys/config/control-group'),
  vault_config_group_policy_application: crud('sys/config/group-policy-application', {
    delete: 'PUT sys/config/group-policy-application',
  }),
  vault_oauth_resource_server_config_profile: crud('sys/config/oauth-resource-server/{profile_name}'),
  vault_activation_flags: {
    create: ['PUT sys/activation-flags/{feature}/activate'],
    update: ['PUT sys/activation-flags/{feature}/activate'],
    delete: [],
  },
  vault_terraform_cloud_secret_creds: {
    create: ['GET {backend}/creds/{role}'],
    update: ['PUT sys/leases/lookup'],
    delete: ['PUT sys/leases/revoke/{lease_id}'],
  },
  vault_generic_endpoint: { create: ['PUT {path}'], update: ['PUT {path}'], delete: ['DELETE {path}'], generic: true },
  vault_generic_secret: { create: ['PUT {path}'], update: ['PUT {path}'], delete: ['DELETE {path}'], generic: true },
};

/** Resource types of the Vault provider that write nowhere under /sys (appendices A and B, from the code). */
const NOT_SYS = new Set(
  `vault_alicloud_auth_backend_role vault_approle_auth_backend_login vault_approle_auth_backend_role vault_approle_auth_backend_role_secret_id
  vault_token vault_token_auth_backend_role vault_ad_secret_library vault_ad_secret_role vault_aws_auth_backend_cert vault_aws_auth_backend_client
  vault_aws_auth_backend_config_identity vault_aws_auth_backend_identity_whitelist vault_aws_auth_backend_login vault_aws_auth_backend_role
  vault_aws_auth_backend_role_tag vault_aws_auth_backend_roletag_blacklist vault_aws_auth_backend_sts_role vault_aws_secret_backend_role
  vault_aws_secret_backend_static_role vault_azure_secret_backend_role vault_azure_secret_backend_static_role vault_azure_auth_backend_config
  vault_azure_auth_backend_role vault_consul_secret_backend_role vault_database_secret_backend_connection vault_database_secret_backend_role
  vault_database_secret_backend_static_role vault_github_team vault_github_user vault_gcp_auth_backend_role vault_gcp_secret_impersonated_account
  vault_gcp_secret_roleset vault_gcp_secret_static_account vault_cert_auth_backend_role vault_scep_auth_backend_role vault_jwt_auth_backend_role
  vault_kubernetes_auth_backend_config vault_kubernetes_auth_backend_role vault_okta_auth_backend_user vault_okta_auth_backend_group
  vault_ldap_auth_backend_user vault_ldap_auth_backend_group vault_ldap_secret_backend_static_role vault_ldap_secret_backend_dynamic_role
  vault_ldap_secret_backend_library_set vault_nomad_secret_role vault_oci_auth_backend_role vault_ssh_secret_backend_ca vault_ssh_secret_backend_role
  vault_rabbitmq_secret_backend_role vault_terraform_cloud_secret_role vault_transit_secret_backend_key vault_kmip_secret_scope vault_kmip_secret_role
  vault_kmip_secret_listener vault_kmip_secret_ca_generated vault_kmip_secret_ca_imported vault_mongodbatlas_secret_backend vault_mongodbatlas_secret_role
  vault_kv_secret_backend_v2 vault_kv_secret vault_kv_secret_v2 vault_kubernetes_secret_backend_role vault_saml_auth_backend_role
  vault_agent_registration vault_gcpkms_secret_backend_key vault_spiffe_auth_backend_config vault_spiffe_auth_backend_role vault_cf_auth_backend_config
  vault_cf_auth_backend_role vault_userpass_auth_backend_user vault_radius_auth_backend vault_radius_auth_backend_user vault_kerberos_auth_backend_config
  vault_kerberos_auth_backend_ldap_config vault_kerberos_auth_backend_group vault_spiffe_secret_backend_config vault_spiffe_secret_backend_role
  vault_os_secret_backend vault_os_secret_backend_host vault_os_secret_backend_account vault_alicloud_secret_backend vault_alicloud_secret_backend_role`.split(
    /\s+/,
  ),
);
const NOT_SYS_PREFIXES = [
  'vault_identity_',
  'vault_pki_secret_backend_',
  'vault_transform_',
  'vault_keymgmt_',
  'vault_pki_external_ca_secret_backend_',
];

export type ResourceKind = { kind: 'sys'; spec: ResourceSpec } | { kind: 'not-sys' } | { kind: 'unknown' };

export function resourceKind(type: string): ResourceKind {
  const spec = RESOURCE_SPECS[type];
  if (spec) return { kind: 'sys', spec };
  if (NOT_SYS.has(type) || NOT_SYS_PREFIXES.some((p) => type.startsWith(p))) return { kind: 'not-sys' };
  return { kind: 'unknown' };
}

/** Stands for a value known only after apply, or an expression; the classifier sees an ordinary segment. */
export const UNKNOWN_SEGMENT = '<unknown>';

export type AttributeValue = string | number | boolean | null | undefined | typeof UNKNOWN;
export const UNKNOWN = Symbol('unknown');

/**
 * Fills a request template from attributes. Returns null when a `generic` path is unknown (the caller makes that
 * `invalid`). Unknown non-generic attributes become `<unknown>`.
 */
export function fillTemplate(
  template: string,
  attrs: (name: string) => AttributeValue,
): { method: string; path: string; unknown: string[] } {
  const space = template.indexOf(' ');
  const method = template.slice(0, space);
  const unknown: string[] = [];
  const path = template
    .slice(space + 1)
    .replace(/\{([a-z_]+)(?:\|(?:"([^"]*)"|([a-z_]+)))?\}/g, (_, name: string, literal?: string, other?: string) => {
      const pick = (n: string): string | null => {
        const v = attrs(n);
        if (v === UNKNOWN) return null;
        if (v === undefined || v === null || v === '') return '';
        return String(v);
      };
      let value = pick(name);
      if (value === '') value = literal !== undefined ? literal : other !== undefined ? pick(other) : '';
      if (value === null || value === '') {
        unknown.push(name);
        return UNKNOWN_SEGMENT;
      }
      return value.replace(/^\/+|\/+$/g, '');
    });
  return { method, path, unknown };
}
