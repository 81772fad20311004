import { mkdir } from 'node:fs/promises';
import type { VaultClient } from '../vault/client.js';
import { readPluginCatalogue } from '../vault/plugin-catalogue.js';
import { checkRecipients } from './age.js';
import { fsErrorWords } from '../shared/fs-errors.js';
import { BundleInputError, planBundle, type BundlePlan } from './collect.js';
import type { Manifest } from './schema.js';
import { writeBundle } from './write.js';

export interface SaveBundleOptions {
  readonly serverConfigs: readonly string[];
  readonly includes?: readonly string[];
  readonly cwd: string;
  readonly recipients?: readonly string[];
  /** Refuse to write a bundle holding sensitive files unencrypted. */
  readonly strict?: boolean;
  /** With --vault: the live cluster whose plugin catalogue the manifest records. */
  readonly client?: VaultClient;
  readonly signal?: AbortSignal;
  readonly now?: Date;
  readonly level?: number;
  readonly onProgress?: (bytes: number) => void;
}

export type SaveBundleResult =
  { saved: true; file: string; manifest: Manifest; warnings: string[] } | { saved: false; reason: string };

/** Plugins in the live catalogue whose binary (by sha256) the bundle does not hold: they cannot be reinstalled. */
export const unreinstallable = (manifest: Manifest) =>
  (manifest.plugins?.catalogue ?? []).filter((p) => !p.builtin && p.binary === null);

const sensitiveSummary = (plan: BundlePlan): string => {
  const s = plan.files.filter((f) => f.why.length);
  const shown = s.slice(0, 3).map((f) => `${f.path}: ${f.why[0]}`);
  return `${shown.join('; ')}${s.length > 3 ? `; and ${s.length - 3} more` : ''}`;
};

/**
 * `config-bundle save`: plans the bundle from the server configuration, reads the live catalogue (with a
 * client), and writes it atomically. A refusal (Vault's catalogue unreadable, --strict with sensitive files and no
 * recipient) is `saved: false` with one sentence; a configuration that cannot be read throws BundleInputError.
 */
export async function saveBundle(dir: string, options: SaveBundleOptions): Promise<SaveBundleResult> {
  const recipients = options.recipients ?? [];
  if (recipients.length) await checkRecipients(recipients);
  const plan = await planBundle(options.serverConfigs, options.includes ?? [], options.cwd);
  const warnings: string[] = [];
  const sensitive = plan.files.some((f) => f.why.length);
  if (sensitive && !recipients.length) {
    const what = `the bundle holds sensitive files (${sensitiveSummary(plan)})`;
    if (options.strict) return { saved: false, reason: `${what}; encrypt it with --recipient age1…, or drop --strict` };
    warnings.push(`${what}: it is written 0600 but unencrypted; keep it private, or add --recipient age1…`);
  }
  let catalogue;
  if (options.client) {
    const read = await readPluginCatalogue(options.client);
    if (!read.ok) return { saved: false, reason: `the plugin catalogue of ${options.client.address}: ${read.reason}` };
    catalogue = { address: options.client.address, readAt: new Date().toISOString(), plugins: read.plugins };
  }
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new BundleInputError(`cannot create the folder ${dir}: ${fsErrorWords(error, true)}`);
  }
  const written = await writeBundle(dir, plan, {
    recipients,
    ...(catalogue ? { catalogue } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.level ? { level: options.level } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  for (const p of unreinstallable(written.manifest)) {
    warnings.push(
      `plugin ${p.type}/${p.name}${p.version ? ` ${p.version}` : ''} has no binary with its sha256 in the bundle: ` +
        'it could not be reinstalled from it',
    );
  }
  return { saved: true, file: written.file, manifest: written.manifest, warnings };
}
