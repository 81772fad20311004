import path from 'node:path';
import { loadHcl, parseHcl, parseTfJson, type Expr, type HclAttribute, type HclBlock, type HclParse } from './hcl.js';

/**
 * One module folder's configuration as Terraform (or OpenTofu) reads it: which files count is decided by their
 * names alone, override files are merged into the blocks they name, and `*.tfvars` files of the folder are kept
 * as the values its variables may take.
 */

export interface Located {
  readonly block: HclBlock;
  readonly file: string;
}

export interface TfvarsValue {
  readonly expr: Expr;
  readonly file: string;
  /** Loaded by Terraform without being named (terraform.tfvars, *.auto.tfvars): it wins over -var-file guesses. */
  readonly auto: boolean;
}

export interface ParseProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface TfModule {
  readonly dir: string;
  readonly resources: Map<string, Located>;
  readonly data: Map<string, Located>;
  readonly modules: Map<string, Located>;
  readonly locals: Map<string, { attr: HclAttribute; file: string }>;
  readonly variables: Map<string, Located>;
  readonly tfvars: Map<string, TfvarsValue[]>;
  readonly providers: Located[];
  readonly moved: { from: string; to: string }[];
  readonly removed: { from: string; destroy: boolean; file: string; line: number }[];
  readonly imports: Set<string>;
  readonly problems: ParseProblem[];
}

const CONFIG = /\.(tf|tofu)(\.json)?$/;
const base = (p: string): string => path.posix.basename(p);

/** Whether Terraform or OpenTofu reads this file as configuration (by name only: *.tf, *.tf.json, *.tofu, *.tofu.json). */
export const isConfigFile = (p: string): boolean => CONFIG.test(base(p)) && !base(p).startsWith('.');
export const isOverrideFile = (p: string): boolean => /(^|_)override\.(tf|tofu)(\.json)?$/.test(base(p));
export const isTfvarsFile = (p: string): boolean => /\.tfvars(\.json)?$/.test(base(p));
const isAutoTfvars = (p: string): boolean => /^terraform\.tfvars(\.json)?$|\.auto\.tfvars(\.json)?$/.test(base(p));

/** The configuration files of a folder, with OpenTofu's rule: `x.tofu` hides `x.tf`, `x.tofu.json` hides `x.tf.json`. */
export function selectConfigFiles(files: readonly string[]): string[] {
  const present = new Set(files);
  return files
    .filter(isConfigFile)
    .filter(
      (f) =>
        !(
          /\.tf(\.json)?$/.test(f) &&
          present.has(f.replace(/\.tf(\.json)?$/, (_, json: string | undefined) => `.tofu${json ?? ''}`))
        ),
    )
    .sort();
}

/**
 * Loads the HCL parser when these files need it (HCL, or JSON with `${…}` templates, which are read as HCL):
 * the parser is WASM and starts asynchronously, so it is loaded only for a push that touches such a file.
 */
export async function loadParserFor(files: ReadonlyMap<string, string>): Promise<void> {
  for (const [file, text] of files) {
    if (!isConfigFile(file) && !isTfvarsFile(file)) continue;
    if (!file.endsWith('.json') || text.includes('${') || text.includes('%{')) return loadHcl();
  }
}

/**
 * Starts loading the HCL parser early when changed paths include an HCL file, so that its WASM compiles while the
 * file texts are read from git; loadParserFor still awaits it. Loading never rejects (failures are kept).
 */
export function startParserFor(paths: Iterable<string>): void {
  for (const p of paths) if ((isConfigFile(p) || isTfvarsFile(p)) && !p.endsWith('.json')) return void loadHcl();
}

export const parseConfigFile = (file: string, text: string): HclParse =>
  file.endsWith('.json') ? parseTfJson(text) : parseHcl(text);

const blockKey = (b: HclBlock): string | null => {
  if (b.type === 'resource' || b.type === 'data') return `${b.type} ${b.labels.join('.')}`;
  if (b.type === 'module' || b.type === 'variable' || b.type === 'output') return `${b.type} ${b.labels[0] ?? ''}`;
  if (b.type === 'provider') {
    const alias = b.attributes.get('alias')?.expr;
    return `provider ${b.labels[0] ?? ''} ${alias?.t === 'lit' ? String(alias.v) : ''}`;
  }
  return null;
};

/**
 * Terraform's override merge: arguments replace arguments; a nested block type in the override replaces every
 * block of that type in the original (lifecycle is merged argument by argument).
 */
function mergeOverride(original: HclBlock, override: HclBlock): HclBlock {
  const attributes = new Map(original.attributes);
  for (const [k, v] of override.attributes) attributes.set(k, v);
  const overridden = new Set(override.blocks.map((b) => b.type));
  const blocks = original.blocks.filter((b) => !overridden.has(b.type) || b.type === 'lifecycle');
  for (const b of override.blocks) {
    const at = b.type === 'lifecycle' ? blocks.findIndex((x) => x.type === 'lifecycle') : -1;
    if (at >= 0) blocks[at] = mergeOverride(blocks[at] as HclBlock, b);
    else blocks.push(b);
  }
  return { ...original, attributes, blocks, canonical: `${original.canonical}|override ${override.canonical}` };
}

const emptyModule = (dir: string): TfModule => ({
  dir,
  resources: new Map(),
  data: new Map(),
  modules: new Map(),
  locals: new Map(),
  variables: new Map(),
  tfvars: new Map(),
  providers: [],
  moved: [],
  removed: [],
  imports: new Set(),
  problems: [],
});

/** A reference expression (`vault_mount.a`, `module.x.vault_mount.a`) as written in moved/removed/import blocks. */
const refText = (e: Expr | undefined): string | null =>
  e?.t === 'ref'
    ? e.text.replace(/\s+/g, '')
    : e?.t === 'lit' && typeof e.v === 'string'
      ? e.v
      : e?.t === 'other'
        ? e.text.replace(/\s+/g, '')
        : null;

function index(mod: TfModule, b: HclBlock, file: string): void {
  const loc = { block: b, file };
  if (b.type === 'resource' && b.labels.length === 2) mod.resources.set(`${b.labels[0]}.${b.labels[1]}`, loc);
  else if (b.type === 'data' && b.labels.length === 2) mod.data.set(`${b.labels[0]}.${b.labels[1]}`, loc);
  else if (b.type === 'module' && b.labels[0]) mod.modules.set(b.labels[0], loc);
  else if (b.type === 'variable' && b.labels[0]) mod.variables.set(b.labels[0], loc);
  else if (b.type === 'provider') mod.providers.push(loc);
  else if (b.type === 'locals') for (const [name, attr] of b.attributes) mod.locals.set(name, { attr, file });
  else if (b.type === 'moved') {
    const [from, to] = [refText(b.attributes.get('from')?.expr), refText(b.attributes.get('to')?.expr)];
    if (from && to) mod.moved.push({ from, to });
  } else if (b.type === 'removed') {
    const from = refText(b.attributes.get('from')?.expr);
    const destroy = b.blocks.find((x) => x.type === 'lifecycle')?.attributes.get('destroy')?.expr;
    if (from) mod.removed.push({ from, destroy: !(destroy?.t === 'lit' && destroy.v === false), file, line: b.line });
  } else if (b.type === 'import') {
    const to = refText(b.attributes.get('to')?.expr);
    if (to) mod.imports.add(to.replace(/\[.*\]$/, ''));
  }
}

/** Reads `name = value` pairs of a tfvars file (HCL or JSON). */
function readTfvars(file: string, text: string, mod: TfModule): void {
  let parsed: HclParse;
  if (file.endsWith('.json')) {
    const doc = safeJson(text);
    parsed =
      doc === undefined
        ? { ok: false, line: 1, message: 'is not valid JSON' }
        : parseTfJson(JSON.stringify({ locals: doc }));
  } else {
    // Wrapped in a block so the one parser reads it; the line numbers are shifted back by that one line.
    const p = parseHcl(`locals {\n${text}\n}\n`);
    // A parser that could not load keeps its own reason; a syntax error is reported at the file's own line.
    const line = p.ok ? 1 : Math.max(1, p.line - 1);
    parsed =
      p.ok || p.message.startsWith('cannot be read')
        ? p
        : { ok: false, line, message: `does not parse as HCL (at line ${line})` };
  }
  if (!parsed.ok) {
    mod.problems.push({ file, line: parsed.line, message: parsed.message });
    return;
  }
  for (const b of parsed.blocks) {
    for (const [name, attr] of b.attributes) {
      const list = mod.tfvars.get(name) ?? [];
      list.push({ expr: attr.expr, file, auto: isAutoTfvars(file) });
      mod.tfvars.set(name, list);
    }
  }
}

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/**
 * The most text read from one HCL file. The HCL parser reads about 0.7 MB a second and holds the whole tree in
 * memory; past this a file is refused with a reason (a no-go, exit 2 in classify) rather than taking minutes or
 * the machine's memory. JSON is read by V8's parser and may be larger.
 */
export const MAX_HCL_BYTES = 4 * 1024 * 1024;
export const MAX_JSON_BYTES = 32 * 1024 * 1024;

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

function tooLarge(file: string, text: string): string | null {
  const limit = file.endsWith('.json') ? MAX_JSON_BYTES : MAX_HCL_BYTES;
  const size = Buffer.byteLength(text);
  return size > limit
    ? `is ${mb(size)}, more than the ${mb(limit)} the gate reads from one file (split it, or classify the plan with --plan)`
    : null;
}

/** Parses of file texts, shared by the two sides of a comparison: a file that did not change is parsed once. */
export type ParseCache = Map<string, HclParse>;

/** Builds one folder's configuration from its files (path → text). Files of other folders are ignored. */
export function buildModule(dir: string, files: ReadonlyMap<string, string>, cache: ParseCache = new Map()): TfModule {
  const mod = emptyModule(dir);
  const inDir = [...files.keys()].filter((f) => path.posix.dirname(f) === dir);
  const overrides: { block: HclBlock; file: string }[] = [];
  for (const file of selectConfigFiles(inDir)) {
    const large = tooLarge(file, files.get(file) as string);
    if (large) {
      mod.problems.push({ file, line: 1, message: large });
      continue;
    }
    const text = files.get(file) as string;
    const key = `${file.endsWith('.json') ? 'json' : 'hcl'}\0${text}`;
    const parsed = cache.get(key) ?? parseConfigFile(file, text);
    cache.set(key, parsed);
    if (!parsed.ok) {
      mod.problems.push({ file, line: parsed.line, message: parsed.message });
      continue;
    }
    for (const b of parsed.blocks) {
      if (isOverrideFile(file)) overrides.push({ block: b, file });
      else index(mod, b, file);
    }
  }
  for (const { block, file } of overrides) applyOverride(mod, block, file);
  for (const file of inDir.filter(isTfvarsFile).sort()) {
    const large = tooLarge(file, files.get(file) as string);
    if (large) mod.problems.push({ file, line: 1, message: large });
    else readTfvars(file, files.get(file) as string, mod);
  }
  return mod;
}

function applyOverride(mod: TfModule, block: HclBlock, file: string): void {
  if (block.type === 'locals') {
    for (const [name, attr] of block.attributes) mod.locals.set(name, { attr, file });
    return;
  }
  const key = blockKey(block);
  const maps: Record<string, Map<string, Located>> = {
    resource: mod.resources,
    data: mod.data,
    module: mod.modules,
    variable: mod.variables,
  };
  const map = maps[block.type];
  if (map && key) {
    const k = block.type === 'resource' || block.type === 'data' ? block.labels.join('.') : (block.labels[0] ?? '');
    const original = map.get(k);
    map.set(k, original ? { block: mergeOverride(original.block, block), file: original.file } : { block, file });
  } else if (block.type === 'provider') {
    const at = mod.providers.findIndex((p) => blockKey(p.block) === key);
    if (at >= 0)
      mod.providers[at] = {
        block: mergeOverride((mod.providers[at] as Located).block, block),
        file: (mod.providers[at] as Located).file,
      };
    else mod.providers.push({ block, file });
  } else index(mod, block, file);
}
