import { combineRequests } from '../classify/classify.js';
import { classifyRequest, invalidRequest } from '../classify/request.js';
import type { Category, Classification, Verdict } from '../classify/schema.js';
import { fillTemplate, resourceKind, UNKNOWN, type AttributeValue } from './resources.js';

export type TfAction = 'create' | 'update' | 'delete';

export interface ResourceChangeInput {
  readonly address: string;
  readonly type: string;
  readonly action: TfAction;
  /** Attribute values (after for create/update, before for delete); UNKNOWN for values known only after apply. */
  readonly attrs: (name: string) => AttributeValue;
  /** The namespace the provider is configured with (`""` for root, UNKNOWN when it is an expression). */
  readonly providerNamespace: string | typeof UNKNOWN;
  readonly file?: string;
  readonly line?: number;
  /** Extra words for the input text (`deferred`, `for_each`, `import`). */
  readonly note?: string;
  /** For configuration read statically: what an attribute depends on when its value cannot be read before apply. */
  readonly dependsOn?: (name: string) => string | undefined;
  /** The `path` of a generic resource starts at a mount declared in the configuration (never under sys/). */
  readonly mountRelative?: string;
}

const joinNamespace = (provider: string, resource: string): string => [provider, resource].filter(Boolean).join('/');

/**
 * Classifies one resource change: the requests the provider makes for that action, with the namespace joined onto
 * the provider's, each classified, the most demanding deciding.
 */
export function classifyResourceChange(change: ResourceChangeInput): Classification {
  const input = `${change.address}: ${change.action}${change.note ? ` (${change.note})` : ''}`;
  const where = {
    ...(change.file ? { file: change.file } : {}),
    ...(change.line ? { line: change.line } : {}),
    address: change.address,
  };
  /** A decision that needs no request: not a /sys write, or one whose path cannot be known. */
  const without = (verdict: Verdict, category: Category, namespace: string, reason: string): Classification => ({
    input,
    verdict,
    category,
    method: null,
    path: null,
    namespace,
    reason,
    ...where,
  });
  const kind = resourceKind(change.type);
  if (kind.kind === 'not-sys') {
    return without(
      'not-sys',
      'logical',
      '',
      `${change.type} writes only outside /sys (roles, configs, secrets and identity live under their mounts), so the backup rule does not apply.`,
    );
  }
  if (kind.kind === 'unknown') {
    return without(
      'backup-first',
      'unknown-sys',
      '',
      `${change.type} is a Vault provider resource type the gate does not know, so it is treated as a /sys write that needs a backup first (fail closed).`,
    );
  }
  const spec = kind.spec;
  const templates = spec[change.action];
  if (templates.length === 0) {
    return without('not-sys', 'logical', '', `A ${change.action} of ${change.type} makes no Vault request under /sys.`);
  }
  const resourceNs = spec.rootOnly ? '' : change.attrs('namespace');
  const nsUnknown = resourceNs === UNKNOWN || change.providerNamespace === UNKNOWN;
  const namespace = nsUnknown
    ? '<unknown>'
    : joinNamespace(
        change.providerNamespace as string,
        typeof resourceNs === 'string' ? resourceNs.replace(/^\/+|\/+$/g, '') : '',
      );
  if (spec.generic && change.attrs('disable_delete') === true && change.action === 'delete') {
    return without(
      'not-sys',
      'no-change',
      namespace,
      `${change.type} has disable_delete = true, so removing it makes no Vault request.`,
    );
  }
  if (spec.generic && change.mountRelative) {
    return without(
      'not-sys',
      'logical',
      namespace,
      `The path of ${change.address} starts at the mount ${change.mountRelative} declared in the configuration, and Vault cannot mount a secrets engine at sys/, so it is not a /sys write.`,
    );
  }
  const dependency = spec.generic ? change.dependsOn?.('path') : undefined;
  if (dependency) {
    return without(
      'backup-first',
      'unknown-sys',
      namespace,
      `The path of ${change.address} depends on ${dependency}, which cannot be read before apply, and ${change.type} can write anywhere, /sys included: a backup comes first (fail closed).`,
    );
  }
  const requests = templates.map((t) => {
    const filled = fillTemplate(t, change.attrs);
    if (spec.generic && filled.unknown.includes('path')) {
      return invalidRequest(
        filled.method,
        null,
        namespace,
        `the path of ${change.address} is known only after apply, and ${change.type} can write anywhere, /sys included`,
      );
    }
    return classifyRequest(filled.method, filled.path, nsUnknown ? undefined : namespace || undefined);
  });
  const out = combineRequests(input, requests);
  if (nsUnknown) out.namespace = '<unknown>';
  const used = [...new Set(templates.flatMap((t) => [...t.matchAll(/\{([a-z_]+)/g)].map((m) => m[1] as string)))];
  const deps = used.map((n) => change.dependsOn?.(n)).filter((d): d is string => !!d);
  if (deps.length > 0 && out.verdict === 'backup-first')
    out.reason = `${out.reason} (${used.length > 1 ? 'Its path' : 'The path'} depends on ${deps[0]}, which cannot be read before apply.)`;
  return { ...out, ...where };
}
