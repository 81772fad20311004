import { ConfigError } from '../config/load.js';
import type { CheckOptions } from './check-options.js';

/**
 * Every key of CheckOptions. TypeScript refuses an unknown key, but plain JavaScript would pass `snapshotdir` and
 * get a check with no folder: a silent weaker gate. So check() and guard() refuse unknown keys at run time too.
 */
export const CHECK_OPTION_KEYS = [
  'cwd',
  'operations',
  'scripts',
  'plans',
  'gitRange',
  'snapshots',
  'snapshotDir',
  'pattern',
  'configFile',
  'config',
  'override',
  'strict',
  'env',
  'now',
  'onProgress',
  'vault',
  'takeSnapshot',
  'autoSnapshot',
  'signal',
  'windowMs',
  'breakStaleLock',
  'inProgress',
  'inFlight',
  'configBundleDir',
  'snapshotUrls',
] as const satisfies readonly (keyof CheckOptions)[];

// A key added to CheckOptions but not listed above fails the type check here, so the list cannot fall behind.
type Unlisted = Exclude<keyof CheckOptions, (typeof CHECK_OPTION_KEYS)[number]>;
const listed: [Unlisted] extends [never] ? true : Unlisted = true;
void listed;

const known: ReadonlySet<string> = new Set(CHECK_OPTION_KEYS);

/** Throws ConfigError for options that are not an object or hold a key check() does not know (with a near one). */
export function assertCheckOptions(options: unknown, fn: 'check' | 'guard'): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`${fn}(): the options must be an object, not ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (known.has(key)) continue;
    const near = CHECK_OPTION_KEYS.find((k) => k.toLowerCase() === key.toLowerCase().replace(/[-_]/g, ''));
    throw new ConfigError(`${fn}(): unknown option "${key}"${near ? `; did you mean "${near}"?` : ''}`);
  }
}

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
