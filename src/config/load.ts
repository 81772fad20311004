import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { z } from 'zod';
import { ConfigSchema, type Config } from './schema.js';
import { fsErrorWords } from '../shared/fs-errors.js';
import { UserError } from '../errors.js';

export const CONFIG_FILE = 'vault-change-gate.config.json';

/** A configuration problem: exit 2 with this one line. */
export class ConfigError extends UserError {
  override readonly name = 'ConfigError';
}

export interface LoadedConfig {
  readonly config: Config;
  /** The file read, or null when none was found (defaults apply). */
  readonly file: string | null;
  /** Where relative paths in the config resolve from: the config file's folder, or the current folder. */
  readonly baseDir: string;
}

/** Resolves a path from the config: `~` is the home folder, relative paths start at `base`. */
export function resolveConfigPath(p: string, base: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return path.join(homedir(), p.slice(2));
  return path.resolve(base, p);
}

/** The nearest folder at or above `dir` that holds `.git` (a folder, or a file in a worktree). */
export function findGitRoot(dir: string): string | null {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return null;
  }
}

/** zod issues as one line: `snapshots.maxAge.upgradee: unknown key; clockSkew: expected a duration …`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((i) => {
      const at = i.path.map(String).join('.');
      if (i.code === 'unrecognized_keys') return i.keys.map((k) => `${at ? `${at}.` : ''}${k}: unknown key`).join('; ');
      return `${at || '(top level)'}: ${i.message}`;
    })
    .join('; ');
}

export function parseConfig(text: string, file: string): Config {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = ConfigSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`${file}: ${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}

/**
 * Finds and reads the configuration: `file` when given; otherwise vault-change-gate.config.json in `cwd`, then at
 * the git root above it. No file at all is not an error: the defaults apply (and callers that need one say so).
 */
export async function loadConfig(options: { cwd: string; file?: string }): Promise<LoadedConfig> {
  let file: string | null = null;
  if (options.file !== undefined) file = path.resolve(options.cwd, options.file);
  else {
    const candidates = [path.join(options.cwd, CONFIG_FILE)];
    const root = findGitRoot(options.cwd);
    if (root) candidates.push(path.join(root, CONFIG_FILE));
    file = candidates.find((c) => existsSync(c)) ?? null;
  }
  if (file === null) return { config: {}, file: null, baseDir: options.cwd };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the config file ${file}: ${fsErrorWords(error)}`);
  }
  return { config: parseConfig(text, file), file, baseDir: path.dirname(file) };
}
