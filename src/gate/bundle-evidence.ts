import { stat } from 'node:fs/promises';
import path from 'node:path';
import { BundleReadError, inspectBundle, timeFromName } from '../bundle/inspect.js';
import type { BundleInspection } from '../bundle/schema.js';
import { ConfigError, resolveConfigPath, type LoadedConfig } from '../config/load.js';
import { findSnapshots } from '../snapshot/find.js';
import type { VaultClient } from '../vault/client.js';
import { readPluginCatalogue } from '../vault/plugin-catalogue.js';
import type { CheckOptions } from './check-options.js';
import { show } from './evidence.js';
import type { ConfigBundleEvidence } from './restore.js';

export const DEFAULT_BUNDLE_PATTERN = '**/vault-config-*.tar.gz*';

/** The bundle folder: --config-bundle-dir (must exist: a typo is a usage error), else configBundles.dir; or null. */
export async function bundleDir(options: CheckOptions, loaded: LoadedConfig, cwd: string): Promise<string | null> {
  if (options.configBundleDir !== undefined) {
    const dir = path.resolve(cwd, options.configBundleDir);
    if (!(await stat(dir).catch(() => null))?.isDirectory()) {
      throw new ConfigError(
        `the configuration bundle folder ${options.configBundleDir} does not exist or is not a folder`,
      );
    }
    return dir;
  }
  const configured = loaded.config.configBundles?.dir;
  return configured !== undefined ? resolveConfigPath(configured, loaded.baseDir) : null;
}

/**
 * The configuration bundles in `dir`, newest first (by the time in their names), each verified until the first
 * valid one (an older one could not be fresher); and with a live client, the plugin catalogue to weigh them against.
 */
export async function gatherBundleEvidence(
  dir: string | null,
  pattern: string,
  cwd: string,
  client: VaultClient | null,
): Promise<ConfigBundleEvidence> {
  const bundles: BundleInspection[] = [];
  if (dir && (await stat(dir).catch(() => null))?.isDirectory()) {
    const found = await findSnapshots(dir, pattern);
    const time = (f: string) => Date.parse(timeFromName(f) ?? '') || 0;
    for (const file of found.files.sort((a, b) => time(b) - time(a))) {
      try {
        const inspected = await inspectBundle(file, { file: show(file, cwd) });
        bundles.push(inspected);
        if (inspected.valid) break;
      } catch (error) {
        // One that vanished or cannot be read is just not evidence.
        if (!(error instanceof BundleReadError)) throw error;
      }
    }
  }
  let catalogue: ConfigBundleEvidence['catalogue'] = null;
  let catalogueError: string | null = null;
  if (client) {
    const read = await readPluginCatalogue(client);
    if (read.ok) catalogue = read.plugins;
    else catalogueError = read.reason;
  }
  return { dir: dir ? show(dir, cwd) : null, bundles, catalogue, catalogueError };
}
