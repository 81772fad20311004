/** Plan JSON written from Terraform's documented format (internal/command/jsonplan; docs/internals/json-format). */
export interface RC {
  address?: string;
  module_address?: string;
  type: string;
  name?: string;
  mode?: string;
  provider?: string;
  actions: string[];
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  after_unknown?: Record<string, unknown>;
}

export function resourceChange(rc: RC): Record<string, unknown> {
  const name = rc.name ?? 'this';
  const address = rc.address ?? `${rc.module_address ? `${rc.module_address}.` : ''}${rc.type}.${name}`;
  return {
    address,
    ...(rc.module_address ? { module_address: rc.module_address } : {}),
    mode: rc.mode ?? 'managed',
    type: rc.type,
    name,
    provider_name: rc.provider ?? 'registry.terraform.io/hashicorp/vault',
    change: {
      actions: rc.actions,
      before: rc.before ?? null,
      after: rc.after ?? null,
      after_unknown: rc.after_unknown ?? {},
    },
  };
}

export function plan(
  changes: RC[],
  options: {
    namespace?: string | { references: string[] };
    deferred?: RC[];
    formatVersion?: string;
    resources?: { address: string; provider_config_key: string }[];
  } = {},
): Record<string, unknown> {
  const ns = options.namespace;
  return {
    format_version: options.formatVersion ?? '1.2',
    terraform_version: '1.13.0',
    resource_changes: changes.map(resourceChange),
    ...(options.deferred
      ? {
          deferred_changes: options.deferred.map((rc) => ({
            reason: 'provider_config_unknown',
            resource_change: resourceChange(rc),
          })),
        }
      : {}),
    configuration: {
      provider_config: {
        vault: {
          name: 'vault',
          full_name: 'registry.terraform.io/hashicorp/vault',
          expressions: ns === undefined ? {} : { namespace: typeof ns === 'string' ? { constant_value: ns } : ns },
        },
      },
      root_module: { resources: options.resources ?? [] },
    },
  };
}
