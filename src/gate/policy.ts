import type { Category } from '../classify/schema.js';
import { parseDuration } from '../config/duration.js';
import type { Config, PolicyMode } from '../config/schema.js';

/** The resolved policy `evaluate` works from: every default applied, durations in milliseconds. */
export interface Policy {
  readonly maxAgeMs: Readonly<Partial<Record<Category, number>>> & { readonly default: number };
  readonly modes: Readonly<Partial<Record<Category, PolicyMode>>>;
  readonly allowDowngrade: boolean;
  readonly clockSkewMs: number;
  readonly strict: boolean;
  /** Raft entries a snapshot may be behind the live cluster's applied index (snapshots.maxIndexLag); null: no limit. */
  readonly maxIndexLag: number | null;
  /** configBundles: the categories that need a configuration bundle, and its age limit (null: the snapshot's). */
  readonly configBundles: {
    readonly requireFor: readonly Category[];
    readonly maxAgeMs: number | (Partial<Record<Category, number>> & { readonly default?: number }) | null;
  };
}

/** A seal migration changes the configuration itself; upgrades and plugin changes need the binaries back. */
export const BUNDLE_CATEGORIES: readonly Category[] = ['upgrade', 'downgrade', 'plugins', 'storage-migration', 'seal'];

const HOUR = 3_600_000;

/** Categories whose change cannot be walked back without the snapshot: the storage docs' upgrades and rekeys, and kin. */
export const ONE_HOUR_CATEGORIES: readonly Category[] = [
  'upgrade',
  'downgrade',
  'rekey',
  'key-rotation',
  'root-generation',
  'snapshot-restore',
];

export const defaultPolicy: Policy = {
  maxAgeMs: { default: 24 * HOUR, ...Object.fromEntries(ONE_HOUR_CATEGORIES.map((c) => [c, HOUR])) },
  modes: {},
  allowDowngrade: false,
  clockSkewMs: 5 * 60_000,
  strict: false,
  maxIndexLag: null,
  configBundles: { requireFor: BUNDLE_CATEGORIES, maxAgeMs: null },
};

const ms = (d: string | undefined): number | undefined =>
  d === undefined ? undefined : (parseDuration(d) ?? undefined);

/** Applies a (validated) config over the defaults. */
export function policyFromConfig(config: Config, overrides: { strict?: boolean } = {}): Policy {
  // A configured default applies to every category not named; it can tighten the 1-hour categories, never loosen them.
  const configured = config.snapshots?.maxAge ?? {};
  const fallback = ms(configured.default) ?? defaultPolicy.maxAgeMs.default;
  const maxAge: Record<string, number> = { default: fallback };
  for (const c of ONE_HOUR_CATEGORIES) maxAge[c] = Math.min(HOUR, fallback);
  for (const [k, v] of Object.entries(configured)) {
    const value = ms(v as string | undefined);
    if (value !== undefined && k !== 'default') maxAge[k] = value;
  }
  return {
    maxAgeMs: maxAge as Policy['maxAgeMs'],
    modes: { ...(config.policy ?? {}) },
    allowDowngrade: config.allowDowngrade ?? false,
    clockSkewMs: ms(config.clockSkew) ?? defaultPolicy.clockSkewMs,
    strict: overrides.strict ?? config.strict ?? false,
    maxIndexLag: config.snapshots?.maxIndexLag ?? null,
    configBundles: bundlePolicy(config),
  };
}

export const maxAgeFor = (policy: Policy, category: Category): number =>
  policy.maxAgeMs[category] ?? policy.maxAgeMs.default;
export const modeFor = (policy: Policy, category: Category): PolicyMode => policy.modes[category] ?? 'require';

function bundlePolicy(config: Config): Policy['configBundles'] {
  const raw = config.configBundles?.maxAge;
  const maxAgeMs =
    raw === undefined
      ? null
      : typeof raw === 'string'
        ? (ms(raw) ?? null)
        : Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, ms(v as string | undefined)]));
  return { requireFor: config.configBundles?.requireFor ?? BUNDLE_CATEGORIES, maxAgeMs };
}

/** The age limit of a configuration bundle for a category: configBundles.maxAge, else the snapshot's. */
export function bundleMaxAgeFor(policy: Policy, category: Category): number {
  const m = policy.configBundles.maxAgeMs;
  if (typeof m === 'number') return m;
  return m?.[category] ?? m?.default ?? maxAgeFor(policy, category);
}
