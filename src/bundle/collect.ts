import { open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { fsErrorWords } from '../shared/fs-errors.js';
import { referencesOf, secretsOf, sensitiveText, UnreadableReference, type Reference } from './references.js';
import { parseServerConfig, sealTypes, type ServerConfig } from './server-config.js';

/** The configuration or a file it names cannot be read: the bundle would be incomplete, so none is written. */
export class BundleInputError extends UserError {
  override readonly name = 'BundleInputError';
}

/** One file to put in the bundle, with everything said about it. */
export interface PlannedFile {
  /** Absolute path. */
  readonly path: string;
  readonly roles: string[];
  /** Why it is sensitive; empty when it is not. */
  readonly why: string[];
  readonly size: number;
}

export interface BundlePlan {
  readonly serverConfigs: string[];
  readonly files: PlannedFile[];
  readonly seal: { type: string; disabled: string[] };
  readonly storageType: string | null;
  readonly pluginDirectory: string | null;
}

/** Text files larger than this are not scanned for secrets (binaries and logs are not configuration). */
const SCAN_LIMIT = 1 << 20;
const CONFIG_EXTENSIONS = /\.(hcl|json)$/i;

async function statOf(file: string, what: string): Promise<import('node:fs').Stats> {
  try {
    return await stat(file);
  } catch (error) {
    throw new BundleInputError(`cannot read ${file} (${what}): ${fsErrorWords(error)}`);
  }
}

/** A --server-config argument: the file, or every *.hcl and *.json directly in the folder (as Vault reads one). */
async function configFiles(arg: string, cwd: string): Promise<string[]> {
  const full = path.resolve(cwd, arg);
  const info = await statOf(full, '--server-config');
  if (info.isFile()) return [full];
  if (!info.isDirectory()) throw new BundleInputError(`--server-config ${arg} is neither a file nor a folder`);
  const names = (await readdir(full)).filter((n) => CONFIG_EXTENSIONS.test(n)).sort();
  if (names.length === 0) throw new BundleInputError(`--server-config ${arg} holds no *.hcl or *.json file`);
  return names.map((n) => path.join(full, n));
}

const MAX_DEPTH = 16;

/**
 * Every regular file under a folder (plugin_directory, an --include folder), sorted; symbolic links are followed
 * as Vault follows them, each folder once (a link back up is not walked again), at most 16 levels deep.
 */
async function filesUnder(dir: string, what: string): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = async (d: string, depth: number): Promise<void> => {
    const real = await realpath(d).catch(() => d);
    if (seen.has(real) || depth > MAX_DEPTH) return;
    seen.add(real);
    const entries = await readdir(d, { withFileTypes: true }).catch((error: unknown) => {
      throw new BundleInputError(`cannot list ${d} (${what}): ${fsErrorWords(error)}`);
    });
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(d, e.name);
      const info = await stat(full).catch(() => null);
      if (info?.isDirectory()) await walk(full, depth + 1);
      else if (info?.isFile()) out.push(full);
    }
  };
  await walk(dir, 0);
  return out;
}

async function readConfig(file: string, shown: string): Promise<ServerConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new BundleInputError(`cannot read ${shown}: ${fsErrorWords(error)}`);
  }
  const parsed = await parseServerConfig(shown, text);
  if (!parsed.ok) throw new BundleInputError(`${parsed.reason}; fix it or name another --server-config`);
  return parsed.config;
}

async function scan(file: string): Promise<string | null> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(SCAN_LIMIT);
    const { bytesRead } = await handle.read(buffer, 0, SCAN_LIMIT, 0);
    return sensitiveText(buffer.toString('utf8', 0, bytesRead));
  } finally {
    await handle.close();
  }
}

/**
 * Reads each server configuration and follows what it names (TLS files, plugin_directory, license_path, raft's
 * retry_join files, seal files), plus every --include; says which files are sensitive and why. Throws
 * BundleInputError when any of them cannot be read: a bundle without a file the configuration needs would not
 * bring the server back.
 */
export async function planBundle(
  serverConfigArgs: readonly string[],
  includes: readonly string[],
  cwd: string,
): Promise<BundlePlan> {
  if (serverConfigArgs.length === 0) throw new BundleInputError('name the server configuration with --server-config');
  const files = new Map<string, { roles: string[]; why: string[]; size: number; scan: boolean }>();
  const add = async (full: string, role: string, why: string | null, what: string, scanText = true) => {
    let entry = files.get(full);
    if (!entry) {
      const info = await statOf(full, what);
      if (!info.isFile()) throw new BundleInputError(`${full} (${what}) is not a regular file`);
      entry = { roles: [], why: [], size: info.size, scan: scanText };
      files.set(full, entry);
    }
    if (!entry.roles.includes(role)) entry.roles.push(role);
    if (why && !entry.why.includes(why)) entry.why.push(why);
  };

  const configs: ServerConfig[] = [];
  const configPaths: string[] = [];
  for (const arg of serverConfigArgs) {
    for (const file of await configFiles(arg, cwd)) {
      if (configPaths.includes(file)) continue;
      const config = await readConfig(file, file);
      configs.push(config);
      configPaths.push(file);
      const secrets = secretsOf(config).map((s) => s.why);
      await add(file, 'server configuration', secrets[0] ?? null, '--server-config');
      for (const why of secrets.slice(1)) files.get(file)?.why.push(why);
    }
  }

  let pluginDirectory: string | null = null;
  for (const config of configs) {
    let refs: Reference[];
    try {
      refs = referencesOf(config);
    } catch (error) {
      if (error instanceof UnreadableReference) throw new BundleInputError(error.message);
      throw error;
    }
    for (const ref of refs) {
      // Vault opens relative paths from its working folder; the configuration's folder is the best guess here.
      const full = path.resolve(path.dirname(config.file), ref.path);
      if (ref.kind === 'directory') {
        const info = await statOf(full, ref.role);
        if (!info.isDirectory()) throw new BundleInputError(`${full} (${ref.role}) is not a folder`);
        pluginDirectory = full;
        for (const f of await filesUnder(full, ref.role))
          await add(f, `plugin binary in ${ref.role}`, null, ref.role, false);
      } else await add(full, ref.role, ref.sensitive, ref.role, ref.sensitive === null);
    }
  }
  for (const inc of includes) {
    const full = path.resolve(cwd, inc);
    const info = await statOf(full, '--include');
    if (info.isDirectory()) {
      for (const f of await filesUnder(full, '--include')) await add(f, '--include', null, '--include');
    } else await add(full, '--include', null, '--include');
  }
  for (const [file, entry] of files) {
    if (!entry.scan || entry.size === 0) continue;
    const why = await scan(file).catch(() => null);
    if (why && !entry.why.includes(why)) entry.why.push(why);
  }
  const storage = configs.flatMap((c) => c.stanzas).find((s) => s.kind === 'storage');
  const seals = sealTypes(configs);
  return {
    serverConfigs: configPaths,
    files: [...files].map(([p, e]) => ({ path: p, roles: e.roles, why: e.why, size: e.size })),
    seal: { type: seals.active.join('+'), disabled: seals.disabled },
    storageType: storage?.type ?? null,
    pluginDirectory,
  };
}
