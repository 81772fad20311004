import type { Classification } from '../classify/schema.js';
import type { Located, TfModule } from './configuration.js';
import type { HclBlock } from './hcl.js';
import { evaluate, referencesOf } from './values.js';

/**
 * Calls of modules whose code is not in the repository (registry, git, archives): what can be said offline is
 * whether the call hands the module Vault, by its provider map or by values of vault_* resources.
 */

export const isLocalSource = (s: string | undefined): s is string => s !== undefined && /^\.\.?\//.test(s);

export function moduleSource(block: HclBlock, mod: TfModule): string | undefined {
  const e = block.attributes.get('source')?.expr;
  const v = e ? evaluate(e, mod) : null;
  return v?.known && typeof v.value === 'string' ? v.value : undefined;
}

/** A registry address (`namespace/name/system`, optionally with a host): its name says what the module is for. */
const REGISTRY = /^(?:[\w.-]+\.[a-z]{2,}\/)?[\w-]+\/[\w-]+\/[\w-]+(?:\/\/.*)?$/;
const SAYS_VAULT = /vault|openbao/i;

/** Why a remote module call hands Vault to the module, or null. */
function vaultInputs(block: HclBlock): string | null {
  const providers = block.attributes.get('providers')?.expr;
  if (providers?.t === 'obj' && providers.items.some(([k]) => k.t === 'lit' && /^vault(\.|$)/.test(String(k.v))))
    return 'it receives providers = { vault = … }';
  if (providers?.t === 'other' && /\bvault\s*=/.test(providers.text)) return 'it receives providers = { vault = … }';
  for (const [name, attr] of block.attributes) {
    if (name === 'source' || name === 'providers' || name === 'version') continue;
    const ref = referencesOf(attr.expr).find((r) => /^(data\.)?vault_/.test(r));
    if (ref) return `its input ${name} references ${ref}`;
  }
  return null;
}

/** The classification of a changed call of a remote module, or null when it cannot touch Vault. */
export function remoteModuleChange(name: string, action: string, loc: Located, mod: TfModule): Classification | null {
  const source = moduleSource(loc.block, mod);
  const shown = source ?? '(an expression)';
  const inputs = vaultInputs(loc.block);
  let why: string | null = inputs;
  if (!why && source !== undefined && SAYS_VAULT.test(source)) why = 'its source is a Vault module';
  // A well-known registry module (terraform-aws-modules/vpc/aws) is not made a Vault change by the call's name.
  if (!why && SAYS_VAULT.test(name) && !(source !== undefined && REGISTRY.test(source)))
    why = 'its name says Vault and its source cannot be read offline';
  if (!why) return null;
  return {
    input: `module.${name}: ${action}`,
    verdict: 'backup-first',
    category: 'unknown-sys',
    method: null,
    path: null,
    namespace: '',
    reason: `module ${name} may change Vault (cannot be read offline): ${why} (source ${shown}); it is treated as a /sys write (fail closed); classify the plan (--plan) for an exact answer.`,
    file: loc.file,
    line: loc.block.line,
    address: `module.${name}`,
  };
}
