import { z } from 'zod';
import { invalidRequest } from '../classify/request.js';
import { classifyScript } from '../classify/runbook.js';
import type { Classification } from '../classify/schema.js';
import { classifyResourceChange, type ResourceChangeInput, type TfAction } from './operations.js';
import { UNKNOWN, type AttributeValue } from './resources.js';
import { planUpgrades } from './upgrades.js';
import { containerCommands, MENTIONS_VAULT } from './commands.js';
import type { Val } from './values.js';
import { UserError } from '../errors.js';

/**
 * `terraform show -json PLANFILE`, as much of it as the gate reads (Terraform's internal/command/jsonplan;
 * website/docs/internals/json-format.mdx). Unknown properties are ignored, as the format's compatibility rule asks.
 */
const ChangeSchema = z.object({
  actions: z.array(z.string()),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  after_unknown: z.unknown().optional(),
});
const ResourceChangeSchema = z.object({
  address: z.string(),
  module_address: z.string().optional(),
  mode: z.string(),
  type: z.string(),
  name: z.string(),
  provider_name: z.string(),
  change: ChangeSchema,
});
type ResourceChange = z.infer<typeof ResourceChangeSchema>;
const ExpressionSchema = z
  .object({ constant_value: z.unknown().optional(), references: z.array(z.string()).optional() })
  .loose();
const ConfigResourceSchema = z
  .object({
    address: z.string(),
    type: z.string().optional(),
    name: z.string().optional(),
    provider_config_key: z.string().optional(),
  })
  .loose();
interface ConfigModule {
  resources?: z.infer<typeof ConfigResourceSchema>[];
  module_calls?: Record<string, { module?: ConfigModule }>;
}
const ConfigModuleSchema: z.ZodType<ConfigModule> = z.lazy(() =>
  z
    .object({
      resources: z.array(ConfigResourceSchema).optional(),
      module_calls: z.record(z.string(), z.object({ module: ConfigModuleSchema.optional() }).loose()).optional(),
    })
    .loose(),
);
export const PlanSchema = z
  .object({
    format_version: z.string(),
    terraform_version: z.string().optional(),
    resource_changes: z.array(ResourceChangeSchema).optional(),
    deferred_changes: z
      .array(z.object({ reason: z.string().optional(), resource_change: ResourceChangeSchema }))
      .optional(),
    configuration: z
      .object({
        provider_config: z
          .record(
            z.string(),
            z
              .object({ name: z.string().optional(), expressions: z.record(z.string(), ExpressionSchema).optional() })
              .loose(),
          )
          .optional(),
        root_module: ConfigModuleSchema.optional(),
      })
      .loose()
      .optional(),
  })
  .loose();
export type Plan = z.infer<typeof PlanSchema>;

/** A plan that cannot be read: a usage or configuration problem for the CLI (exit 2), a no-go for the gate. */
export class PlanError extends UserError {
  override readonly name = 'PlanError';
}

/**
 * The Vault provider from any registry or mirror, and from another namespace too (a fork, `acme/vault`, or a private
 * registry's copy): its `vault_*` resources write to Vault all the same.
 */
const VAULT_PROVIDER = /(^|\/)[^/]+\/vault$/;

/** Provider namespace per (module address, type, name), from `configuration` (the alias is only there). */
function providerNamespaces(plan: Plan): {
  byResource: Map<string, string | typeof UNKNOWN>;
  fallback: string | typeof UNKNOWN;
} {
  const namespaceOf = new Map<string, string | typeof UNKNOWN>();
  for (const [key, cfg] of Object.entries(plan.configuration?.provider_config ?? {})) {
    const expr = cfg.expressions?.namespace;
    if (!expr) namespaceOf.set(key, '');
    else if (typeof expr.constant_value === 'string')
      namespaceOf.set(key, expr.constant_value.replace(/^\/+|\/+$/g, ''));
    else namespaceOf.set(key, UNKNOWN);
  }
  const byResource = new Map<string, string | typeof UNKNOWN>();
  const walk = (mod: ConfigModule | undefined, prefix: string) => {
    for (const r of mod?.resources ?? []) {
      const key = r.provider_config_key;
      // A provider passed in from the parent module has a key that is not in provider_config: fall back below.
      if (key !== undefined && namespaceOf.has(key))
        byResource.set(`${prefix}${r.address}`, namespaceOf.get(key) as string | typeof UNKNOWN);
    }
    for (const [name, call] of Object.entries(mod?.module_calls ?? {})) walk(call.module, `${prefix}module.${name}.`);
  };
  walk(plan.configuration?.root_module, '');
  // With one vault provider configuration, every vault resource uses it.
  const vaultKeys = [...namespaceOf.entries()].filter(([k]) => /(^|:)vault(\.|$)/.test(k));
  const fallback: string | typeof UNKNOWN =
    vaultKeys.length === 1 ? (vaultKeys[0]?.[1] ?? '') : vaultKeys.length === 0 ? '' : UNKNOWN;
  return { byResource, fallback };
}

/** The provisioners of each resource in `configuration` (by module-local address), as the plan gives them. */
function provisionersOf(plan: Plan): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  const walk = (mod: ConfigModule | undefined, prefix: string) => {
    for (const r of mod?.resources ?? []) {
      const list = (r as { provisioners?: unknown }).provisioners;
      if (Array.isArray(list) && list.length) out.set(`${prefix}${r.address}`, list);
    }
    for (const [name, call] of Object.entries(mod?.module_calls ?? {})) walk(call.module, `${prefix}module.${name}.`);
  };
  walk(plan.configuration?.root_module, '');
  return out;
}

/**
 * `local-exec` and `remote-exec` provisioners of a resource the plan creates or destroys: the commands Terraform
 * runs, through the runbook classifier. The plan does not say which run at destroy time, so both count. A command
 * built from references cannot be read here; one whose references mention Vault is invalid.
 */
function provisionerCommands(address: string, list: readonly unknown[], file: string): Classification[] {
  const out: Classification[] = [];
  for (const p of list) {
    if (!p || typeof p !== 'object') continue;
    const { type, expressions } = p as { type?: unknown; expressions?: Record<string, unknown> };
    if (type !== 'local-exec' && type !== 'remote-exec') continue;
    for (const name of type === 'local-exec' ? ['command'] : ['inline', 'script', 'scripts']) {
      const expr = expressions?.[name] as { constant_value?: unknown; references?: unknown } | undefined;
      if (!expr) continue;
      const value = expr.constant_value;
      const text =
        name === 'command' && typeof value === 'string'
          ? value
          : name === 'inline' && Array.isArray(value) && value.every((x) => typeof x === 'string')
            ? value.join('\n')
            : null;
      if (text !== null) {
        // The command's own line numbers say nothing about the plan file: left out, as for the plan's resources.
        for (const { line: _line, ...c } of classifyScript(text, { file }))
          out.push({ ...c, input: `${address}: ${c.input}`, file, address });
      } else if (MENTIONS_VAULT.test(JSON.stringify(expr))) {
        const problem = `${address} runs a ${type} ${name} that mentions Vault but cannot be read from plan JSON`;
        out.push({ input: `${address}: ${type}`, ...invalidRequest(null, null, '', problem), file, address });
      }
    }
  }
  return out;
}

const attrReader =
  (values: unknown, unknowns: unknown) =>
  (name: string): AttributeValue => {
    const u = unknowns && typeof unknowns === 'object' ? (unknowns as Record<string, unknown>)[name] : undefined;
    if (u === true) return UNKNOWN;
    const v = values && typeof values === 'object' ? (values as Record<string, unknown>)[name] : undefined;
    if (v === undefined || v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      return v;
    return UNKNOWN;
  };

/** Module-local address without instance keys: `module.a.vault_mount.m` for `module.a["x"].vault_mount.m[0]`. */
const configAddress = (rc: ResourceChange): string => {
  const local = `${rc.type}.${rc.name}`;
  const mod = rc.module_address?.replace(/\[[^\]]*\]/g, '');
  return mod ? `${mod}.${local}` : local;
};

/**
 * Reads a plan's Vault resource changes (and deferred changes, still pending writes) as operations: a create,
 * update or delete each; a replacement is a delete and a create; no-op, read and forget change nothing in Vault.
 */
export function classifyPlan(json: unknown, file = 'plan.json'): Classification[] {
  const parsed = PlanSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlanError(
      `${file} is not Terraform plan JSON (${issue ? `${issue.path.join('.') || 'top level'}: ${issue.message}` : 'wrong shape'}); make it with "terraform show -json PLANFILE"`,
    );
  }
  const plan = parsed.data;
  const major = plan.format_version.split('.')[0];
  if (major !== '1')
    throw new PlanError(`${file} has plan format_version ${plan.format_version}; only 1.x is understood`);
  const { byResource, fallback } = providerNamespaces(plan);
  const out: Classification[] = [];
  const changes = [
    ...(plan.resource_changes ?? []).map((rc) => ({ rc, deferred: null as string | null })),
    ...(plan.deferred_changes ?? []).map((d) => ({ rc: d.resource_change, deferred: d.reason ?? 'deferred' })),
  ];
  const provisioners = provisionersOf(plan);
  for (const { rc, deferred } of changes) {
    const commands = rc.mode === 'managed' ? provisioners.get(configAddress(rc)) : undefined;
    if (commands && (rc.change.actions.includes('create') || rc.change.actions.includes('delete')))
      for (const c of provisionerCommands(rc.address, commands, file)) out.push(c);
    // Containers the resource starts whose command runs vault (a Job running `vault operator init`).
    if (rc.mode === 'managed' && (rc.change.actions.includes('create') || rc.change.actions.includes('update')))
      for (const { line: _line, ...c } of containerCommands(rc.address, rc.type, rc.change.after as Val, file, 1))
        out.push(c);
    // A Vault upgrade made by any resource: a Helm release of the chart, an image tag in a container or manifest;
    // changed in place or replaced (a docker_container's new image).
    const acts = rc.change.actions;
    if (rc.mode === 'managed' && (acts.includes('update') || (acts.includes('create') && acts.includes('delete'))))
      for (const c of planUpgrades(rc.address, rc.type, rc.change.before, rc.change.after))
        out.push({ ...c, file, address: rc.address });
    if (rc.mode !== 'managed' || !VAULT_PROVIDER.test(rc.provider_name)) continue;
    const actions = rc.change.actions;
    const providerNamespace: string | typeof UNKNOWN = byResource.get(configAddress(rc)) ?? fallback;
    const note = deferred ? `deferred: ${deferred}` : undefined;
    const base: Omit<ResourceChangeInput, 'action' | 'attrs'> = {
      address: rc.address,
      type: rc.type,
      providerNamespace,
      file,
      ...(note ? { note } : {}),
    };
    const steps: TfAction[] = [];
    if (actions.includes('delete')) steps.push('delete');
    if (actions.includes('create')) steps.push('create');
    if (actions.includes('update')) steps.push('update');
    if (steps.length === 0) {
      const what = actions.join(', ') || 'nothing';
      out.push({
        input: `${rc.address}: ${what}${note ? ` (${note})` : ''}`,
        verdict: 'not-sys',
        category: 'no-change',
        method: null,
        path: null,
        namespace: '',
        reason: `The plan ${what === 'no-op' ? 'changes nothing in' : `only does "${what}" to`} ${rc.address}, so no Vault request is made.`,
        file,
        address: rc.address,
      });
      continue;
    }
    // Create-before-destroy order does not change what is written.
    for (const action of steps) {
      const values = action === 'delete' ? rc.change.before : rc.change.after;
      const unknowns = action === 'delete' ? undefined : rc.change.after_unknown;
      out.push(classifyResourceChange({ ...base, action, attrs: attrReader(values, unknowns) }));
    }
  }
  return out;
}
