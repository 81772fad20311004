import path from 'node:path';
import { invalidRequest } from '../classify/request.js';
import type { Classification } from '../classify/schema.js';
import { classifyUpgrade } from '../classify/upgrade.js';
import { matchesPattern } from '../shared/glob.js';
import {
  blockValue,
  containerCommands,
  externalProgram,
  insideRepo,
  provisionerCommands,
  repoPath,
} from './commands.js';
import {
  buildModule,
  isConfigFile,
  loadParserFor,
  isTfvarsFile,
  type Located,
  type ParseCache,
  type TfModule,
} from './configuration.js';
import type { Expr, HclBlock } from './hcl.js';
import { isLocalSource, moduleSource, remoteModuleChange } from './modules.js';
import { classifyResourceChange, type TfAction } from './operations.js';
import { resourceKind, UNKNOWN, type AttributeValue } from './resources.js';
import { resourceUpgrades, yamlLookup } from './upgrades.js';
import { evaluate, referencesOf, render, type Val } from './values.js';

export { yamlLookup };

/** One changed file between two revisions; `null` where it does not exist on that side. Paths are posix, repo-relative. */
export interface TfFileChange {
  readonly path: string;
  readonly before: string | null;
  readonly after: string | null;
}

export type Side = 'before' | 'after';

export interface UpgradeWatch {
  /** minimatch pattern of repository paths. */
  readonly files: string;
  /** A regular expression with one capture group: the version. */
  readonly pattern: string;
}

export interface TfDiffOptions {
  readonly upgradeWatch?: readonly UpgradeWatch[];
  /** Reads a file on a side (for values files and local modules whose files did not change). */
  readonly readFile?: (side: Side, file: string) => Promise<string | null>;
  /** Lists the files of a folder on a side (for local modules). */
  readonly listDir?: (side: Side, dir: string) => Promise<string[]>;
  /** Reads several files of a side at once (the files a configuration reads); readFile one by one otherwise. */
  readonly readFiles?: (side: Side, files: readonly string[]) => Promise<ReadonlyMap<string, string | null>>;
}

/** Both sides of the module folders a change touches: every configuration and tfvars file in them, by path. */
export interface Configurations {
  readonly before: ReadonlyMap<string, string>;
  readonly after: ReadonlyMap<string, string>;
  /** The module folders (repository-relative, `.` for the top) whose configuration may differ. */
  readonly dirs: readonly string[];
  /** Configuration files that exist but cannot be read (a symbolic link out of the repository). */
  readonly unreadable?: readonly { readonly file: string; readonly reason: string }[];
}

const isTfInput = (p: string): boolean => isConfigFile(p) || isTfvarsFile(p);

/**
 * The net change of the Terraform configuration between two revisions, from the changed files only (a library
 * entry point; `classifyCommits` gives whole folders, so files that did not change are seen too).
 */
export async function classifyTerraformChanges(
  changes: readonly TfFileChange[],
  options: TfDiffOptions = {},
): Promise<Classification[]> {
  const before = new Map<string, string>();
  const after = new Map<string, string>();
  for (const c of changes) {
    if (!isTfInput(c.path)) continue;
    if (c.before !== null) before.set(c.path, c.before);
    if (c.after !== null) after.set(c.path, c.after);
  }
  const dirs = [...new Set(changes.filter((c) => isTfInput(c.path)).map((c) => path.posix.dirname(c.path)))];
  return classifyConfigurations({ before, after, dirs }, changes, options);
}

type Memo = Map<string, string>;

/** Functions that read a file of the repository: a change to the file changes the value (`triggers = { h = filemd5(…) }`). */
const FILE_FUNCTIONS = new Set([
  'file',
  'filebase64',
  'filemd5',
  'filesha1',
  'filesha256',
  'filesha512',
  'filebase64sha256',
  'filebase64sha512',
  'templatefile',
]);

/** The repository paths the expressions read through file functions, where the path is known. */
function filesRead(exprs: readonly Expr[], mod: TfModule, out = new Set<string>()): Set<string> {
  const visit = (e: Expr): void => {
    if (e.t === 'call') {
      const name = FILE_FUNCTIONS.has(e.name) && e.args[0] ? evaluate(e.args[0], mod) : null;
      const file = name?.known && typeof name.value === 'string' ? repoPath(name.value, mod) : null;
      // A file outside the repository is the same on both sides as far as the range can tell.
      if (file !== null && insideRepo(file)) out.add(file);
      e.args.forEach(visit);
    } else if (e.t === 'tpl') e.parts.forEach(visit);
    else if (e.t === 'tuple') e.items.forEach(visit);
    else if (e.t === 'obj') for (const [k, v] of e.items) [k, v].forEach(visit);
  };
  exprs.forEach(visit);
  return out;
}

const FILE_KEY = '\0file ';
const filesText = (exprs: readonly Expr[], mod: TfModule, memo: Memo): string =>
  [...filesRead(exprs, mod)]
    .sort()
    .map((f) => `|${f}=${memo.get(FILE_KEY + f) ?? ''}`)
    .join('');

/** Reads every file the module's blocks and locals read through file functions, into the memo of its side. */
async function readFilesOf(mod: TfModule, memo: Memo, side: Side, options: TfDiffOptions): Promise<void> {
  const exprs: Expr[] = [];
  for (const list of [mod.resources, mod.data, mod.modules])
    for (const loc of list.values()) blockExprs(loc.block, exprs);
  for (const l of mod.locals.values()) exprs.push(l.attr.expr);
  const files = [...filesRead(exprs, mod)];
  if (files.length === 0) return;
  // One read for all of them where the caller can (one git process), else one by one.
  const texts = options.readFiles
    ? await options.readFiles(side, files)
    : new Map(await Promise.all(files.map(async (f) => [f, (await options.readFile?.(side, f)) ?? null] as const)));
  for (const f of files) memo.set(FILE_KEY + f, texts.get(f) ?? '\0absent');
}

/** What a reference stands for, as text: equal on both sides means the value did not change. */
function dependencyText(ref: string, mod: TfModule, memo: Memo, depth = 0): string {
  const cached = memo.get(ref);
  if (cached !== undefined) return cached;
  if (depth > 20) return 'deep';
  memo.set(ref, 'cycle');
  const [root, name = '', attr] = ref.split('.');
  const nested = (exprs: readonly Expr[]): string =>
    [...new Set(exprs.flatMap((e) => referencesOf(e)))]
      .sort()
      .map((r) => `${r}=${dependencyText(r, mod, memo, depth + 1)}`)
      .join(';');
  let text = '';
  if (root === 'local') {
    const e = mod.locals.get(name)?.attr.expr;
    text = e ? `${JSON.stringify(e)}{${nested([e])}}${filesText([e], mod, memo)}` : 'undeclared';
  } else if (root === 'var') {
    const def = mod.variables.get(name)?.block.attributes.get('default')?.expr;
    const sets = (mod.tfvars.get(name) ?? []).map((t) => t.expr);
    text = `${JSON.stringify(def ?? null)}|${JSON.stringify((mod.tfvars.get(name) ?? []).map((t) => [t.file, t.expr]))}{${nested([...(def ? [def] : []), ...sets])}}`;
  } else if (root !== undefined && /^[a-z][a-z0-9]*_/.test(root)) {
    const res = mod.resources.get(`${root}.${name}`);
    const e = attr ? res?.block.attributes.get(attr)?.expr : undefined;
    text = e ? `${JSON.stringify(e)}{${nested([e])}}` : (res?.block.canonical ?? '');
  }
  memo.set(ref, text);
  return text;
}

function blockExprs(block: HclBlock, out: Expr[] = []): Expr[] {
  for (const a of block.attributes.values()) out.push(a.expr);
  for (const b of block.blocks) blockExprs(b, out);
  return out;
}

/** A block's text plus what every value it references stands for: equal means Terraform sees no change. */
function fingerprint(block: HclBlock, mod: TfModule, memo: Memo): string {
  const exprs = blockExprs(block);
  const refs = [...new Set(exprs.flatMap((e) => referencesOf(e)))].sort();
  return `${filesText(exprs, mod, memo)}${block.canonical.replace(/^(resource|data|module) ("[^"]*" ?)+|^(resource|data|module) \S+( \S+)? /, '')}\n${refs.map((r) => `${r}=${dependencyText(r, mod, memo)}`).join('\n')}`;
}

const scalar = (v: Val): AttributeValue =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : UNKNOWN;

/** Attribute values for the request templates, from the static evaluator; partly known strings keep `$ref` parts. */
function attrsOf(block: HclBlock, mod: TfModule) {
  const attrs = (name: string): AttributeValue => {
    const a = block.attributes.get(name);
    if (!a) return undefined;
    const v = evaluate(a.expr, mod);
    if (v.known) return scalar(v.value);
    return render(a.expr, mod)?.text ?? UNKNOWN;
  };
  const dependsOn = (name: string): string | undefined => {
    const a = block.attributes.get(name);
    if (!a) return undefined;
    const v = evaluate(a.expr, mod);
    if (v.known) return undefined;
    const r = render(a.expr, mod);
    // A path whose first segment is known is classified by it ("secret/$var.x" is not /sys).
    if (r && /^[^/]+\//.test(r.knownPrefix.replace(/^\/+/, ''))) return undefined;
    return r?.dependsOn ?? v.dependsOn;
  };
  return { attrs, dependsOn };
}

/** `path = "${vault_mount.kv.path}/x"`: the mount named is declared here, and no mount can live under sys/. */
function mountRelative(block: HclBlock, mod: TfModule): string | undefined {
  const e = block.attributes.get('path')?.expr;
  if (!e || evaluate(e, mod).known) return undefined; // a known path is classified as it is
  const first = e?.t === 'tpl' ? e.parts[0] : e;
  const second = e?.t === 'tpl' ? e.parts[1] : undefined;
  // A mount resource's id is its path too.
  if (first?.t !== 'ref' || first.path.length !== 3 || (first.path[2] !== 'path' && first.path[2] !== 'id'))
    return undefined;
  if (second && !(second.t === 'lit' && typeof second.v === 'string' && second.v.startsWith('/'))) return undefined;
  const type = String(first.path[0]);
  const kind = resourceKind(type);
  const mountType = kind.kind === 'sys' && kind.spec.create.some((t) => t.startsWith('POST sys/mounts/'));
  return mountType && mod.resources.has(`${type}.${String(first.path[1])}`)
    ? `${type}.${String(first.path[1])}`
    : undefined;
}

function providerNamespace(mod: TfModule): string | typeof UNKNOWN | undefined {
  // Only the default (unaliased) provider: an alias is chosen per resource, which a diff cannot follow.
  const p = mod.providers.find((x) => x.block.labels[0] === 'vault' && !x.block.attributes.has('alias'));
  if (!p) return undefined;
  const ns = p.block.attributes.get('namespace')?.expr;
  if (!ns) return '';
  const v = evaluate(ns, mod);
  return v.known && typeof v.value === 'string' ? v.value.replace(/^\/+|\/+$/g, '') : UNKNOWN;
}

/**
 * `address` or `namespace` when the value of it of the vault provider a resource uses (the default one, or the alias
 * its `provider = vault.NAME` names) differs between the sides.
 */
function providerTarget(before: TfModule, after: TfModule, alias = ''): string | null {
  const aliasOf = (b: HclBlock): string => {
    const e = b.attributes.get('alias')?.expr;
    return e?.t === 'lit' ? String(e.v) : e ? '?' : '';
  };
  const of = (mod: TfModule, name: string): string => {
    const p = mod.providers.find((x) => x.block.labels[0] === 'vault' && aliasOf(x.block) === alias);
    const expr = p?.block.attributes.get(name)?.expr;
    if (!expr) return '';
    const v = evaluate(expr, mod);
    return v.known ? JSON.stringify(v.value).replace(/^"\/+|\/+"$/g, '"') : `?${JSON.stringify(expr)}`;
  };
  for (const name of ['address', 'namespace']) if (of(before, name) !== of(after, name)) return name;
  return null;
}

interface Pair {
  readonly before: TfModule;
  readonly after: TfModule;
  readonly memo: { before: Memo; after: Memo };
}

function emitResource(
  out: Classification[],
  address: string,
  action: TfAction,
  loc: Located,
  mod: TfModule,
  ns: string | typeof UNKNOWN,
  note?: string,
): void {
  const counted = loc.block.attributes.has('for_each') ? 'for_each' : loc.block.attributes.has('count') ? 'count' : '';
  const { attrs, dependsOn } = attrsOf(loc.block, mod);
  const relative = mountRelative(loc.block, mod);
  out.push(
    classifyResourceChange({
      address: counted ? `${address}[*]` : address,
      type: loc.block.labels[0] as string,
      action,
      attrs,
      dependsOn,
      ...(relative ? { mountRelative: relative } : {}),
      providerNamespace: ns,
      file: loc.file,
      line: loc.block.line,
      ...(note || counted
        ? { note: [note, counted && `every instance of its ${counted}`].filter(Boolean).join('; ') }
        : {}),
    }),
  );
}

const problemsOf = (
  mod: TfModule,
  side: 'before' | 'after',
  other: TfModule,
  texts: Configurations,
): Classification[] =>
  mod.problems
    .filter(
      (p) =>
        side === 'after' ||
        !other.problems.some((q) => q.file === p.file && texts.before.get(p.file) === texts.after.get(p.file)),
    )
    .map((p) => ({
      input: `${p.file}:${p.line}`,
      ...invalidRequest(
        null,
        null,
        '',
        `${p.file} ${side === 'before' ? '(before the change) ' : ''}${p.message}, so what it changes cannot be known`,
      ),
      file: p.file,
      line: p.line,
    }));

/** One module folder: resources, provisioners, external programs, module calls and image versions, before and after. */
async function classifyFolder(
  pair: Pair,
  options: TfDiffOptions,
  out: Classification[],
  seen: Set<string>,
): Promise<void> {
  const { before, after, memo } = pair;
  if (options.readFile || options.readFiles) {
    await readFilesOf(before, memo.before, 'before', options);
    await readFilesOf(after, memo.after, 'after', options);
  }
  const ns = providerNamespace(after) ?? providerNamespace(before) ?? '';
  const retargetedBy = new Map<string, string | null>();
  const retargetedFor = (block: HclBlock): string | null => {
    const ref = block.attributes.get('provider')?.expr;
    const alias = ref?.t === 'ref' && ref.path[0] === 'vault' && typeof ref.path[1] === 'string' ? ref.path[1] : '';
    if (!retargetedBy.has(alias)) retargetedBy.set(alias, providerTarget(before, after, alias));
    return retargetedBy.get(alias) ?? null;
  };
  const nsBefore = providerNamespace(before) ?? ns;
  const changed = (a: Located, b: Located) =>
    fingerprint(a.block, after, memo.after) !== fingerprint(b.block, before, memo.before);
  const read = {
    before: async (f: string) => (await options.readFile?.('before', f)) ?? null,
    after: async (f: string) => (await options.readFile?.('after', f)) ?? null,
  };
  const movedTo = new Map(after.moved.map((m) => [m.to, m.from]));
  const movedFrom = new Set(after.moved.map((m) => m.from));
  for (const [key, loc] of after.resources) {
    seen.add(`${after.dir}\0${key}`);
    const old = before.resources.get(key) ?? before.resources.get(movedTo.get(key) ?? '');
    const isVault = loc.block.labels[0]?.startsWith('vault_') === true;
    // The default vault provider pointed at another server or namespace: Terraform finds none of its resources
    // there and creates each one anew.
    const retargeted = isVault && old ? retargetedFor(loc.block) : null;
    if (old && retargeted && !changed(loc, old)) {
      emitResource(out, key, 'create', loc, after, ns, `the vault provider's ${retargeted} changed`);
      continue;
    }
    const differs = !old || changed(loc, old);
    if (!differs) continue;
    if (isVault) {
      if (old) emitResource(out, key, 'update', loc, after, ns);
      else if (after.imports.has(key))
        emitResource(out, key, 'update', loc, after, ns, 'imported, then brought in line with its configuration');
      else emitResource(out, key, 'create', loc, after, ns);
    }
    for (const c of await provisionerCommands(key, loc, after, old ? 'update' : 'create', read.after)) out.push(c);
    const type = loc.block.labels[0] ?? '';
    for (const c of containerCommands(key, type, blockValue(loc.block, after), loc.file, loc.block.line)) out.push(c);
    if (old) for (const c of await resourceUpgrades(key, old, loc, pair, read)) out.push(c);
  }
  for (const [key, loc] of before.resources) {
    if (after.resources.has(key) || movedFrom.has(key)) continue;
    const removed = after.removed.find((r) => r.from === key);
    if (removed && !removed.destroy) {
      if (loc.block.labels[0]?.startsWith('vault_')) {
        out.push({
          input: `${key}: removed from state (destroy = false)`,
          verdict: 'not-sys',
          category: 'no-change',
          method: null,
          path: null,
          namespace: '',
          reason: `A removed block with lifecycle { destroy = false } forgets ${key} without deleting it in Vault.`,
          file: removed.file,
          line: removed.line,
          address: key,
        });
      }
      continue;
    }
    if (loc.block.labels[0]?.startsWith('vault_')) emitResource(out, key, 'delete', loc, before, nsBefore);
    for (const c of await provisionerCommands(key, loc, before, 'delete', read.before)) out.push(c);
  }
  for (const [key, loc] of after.data) {
    if (loc.block.labels[0] !== 'external') continue;
    const old = before.data.get(key);
    if (!old || fingerprint(loc.block, after, memo.after) !== fingerprint(old.block, before, memo.before)) {
      for (const c of await externalProgram(`data.${key}`, loc, after, read.after)) out.push(c);
    }
  }
  await classifyModuleCalls(pair, options, out, seen);
}

/** Argument values of a module call, as the called module's variables (auto-loaded tfvars, in effect). */
function callArguments(call: HclBlock, caller: TfModule, into: TfModule): void {
  for (const [name, attr] of call.attributes) {
    if (['source', 'version', 'providers', 'count', 'for_each', 'depends_on'].includes(name)) continue;
    const v = evaluate(attr.expr, caller);
    const expr: Expr = v.known ? valueExpr(v.value) : { t: 'other', text: `module argument ${name}`, refs: [] };
    into.tfvars.set(name, [{ expr, file: `module call argument ${name}`, auto: true }]);
  }
}

const valueExpr = (v: Val): Expr =>
  Array.isArray(v)
    ? { t: 'tuple', items: v.map(valueExpr) }
    : v && typeof v === 'object'
      ? { t: 'obj', items: Object.entries(v).map(([k, x]) => [{ t: 'lit', v: k }, valueExpr(x)] as const) }
      : { t: 'lit', v };

async function classifyModuleCalls(
  pair: Pair,
  options: TfDiffOptions,
  out: Classification[],
  seen: Set<string>,
): Promise<void> {
  const { before, after, memo } = pair;
  for (const name of new Set([...before.modules.keys(), ...after.modules.keys()])) {
    const [b, a] = [before.modules.get(name), after.modules.get(name)];
    if (b && a && fingerprint(a.block, after, memo.after) === fingerprint(b.block, before, memo.before)) continue;
    const action: TfAction = !b ? 'create' : !a ? 'delete' : 'update';
    await classifyModuleCall(`module.${name}`, (a ?? b) as Located, a ? after : before, action, options, out, seen, 0);
  }
}

/**
 * A changed call of a module: every Vault resource of the module, the commands its resources run, and the modules it
 * calls in turn (the changed values may reach them through their arguments), to a bounded depth.
 */
async function classifyModuleCall(
  address: string,
  loc: Located,
  caller: TfModule,
  action: TfAction,
  options: TfDiffOptions,
  out: Classification[],
  seen: Set<string>,
  depth: number,
): Promise<void> {
  const source = moduleSource(loc.block, caller);
  const name = address.slice(address.lastIndexOf('module.') + 'module.'.length);
  if (!isLocalSource(source)) {
    const c = remoteModuleChange(name, action, loc, caller);
    if (c) out.push({ ...c, ...(depth > 0 ? { address } : {}) });
    return;
  }
  const side: Side = action === 'delete' ? 'before' : 'after';
  const moduleDir = path.posix.normalize(path.posix.join(caller.dir, source));
  if (depth > 16) {
    const problem = `${address} calls modules more than 16 deep, so what it changes cannot be known`;
    out.push({ input: address, ...invalidRequest(null, null, '', problem), file: loc.file, line: loc.block.line });
    return;
  }
  const files = ((await options.listDir?.(side, moduleDir)) ?? []).filter(
    (f) => path.posix.dirname(f) === moduleDir && isTfInput(f),
  );
  const texts = new Map<string, string>();
  for (const f of files) {
    const text = await options.readFile?.(side, f);
    if (text != null) texts.set(f, text);
  }
  await loadParserFor(texts);
  const mod = buildModule(moduleDir, texts);
  callArguments(loc.block, caller, mod);
  for (const p of mod.problems) {
    out.push({
      input: `${p.file}:${p.line}`,
      ...invalidRequest(null, null, '', `${p.file} ${p.message}, so what ${address} changes cannot be known`),
      file: p.file,
      line: p.line,
    });
  }
  const read = async (f: string) => (await options.readFile?.(side, f)) ?? null;
  for (const [key, res] of mod.resources) {
    if (seen.has(`${moduleDir}\0${key}`)) continue;
    seen.add(`${moduleDir}\0${key}`);
    if (res.block.labels[0]?.startsWith('vault_'))
      emitResource(
        out,
        `${address}.${key}`,
        action,
        res,
        mod,
        providerNamespace(caller) ?? '',
        `the call of ${address} changed`,
      );
    for (const c of await provisionerCommands(`${address}.${key}`, res, mod, action, read)) out.push(c);
    const type = res.block.labels[0] ?? '';
    if (action !== 'delete')
      for (const c of containerCommands(
        `${address}.${key}`,
        type,
        blockValue(res.block, mod),
        res.file,
        res.block.line,
      ))
        out.push(c);
  }
  for (const [inner, call] of mod.modules)
    await classifyModuleCall(`${address}.module.${inner}`, call, mod, action, options, out, seen, depth + 1);
}

/**
 * The net change of Terraform configurations, folder by folder: which files count is decided by their names, so
 * a file renamed out of (or into) the configuration removes (or adds) what it holds; values are resolved through
 * locals, variables, tfvars and override files. Also Vault upgrades in values files and watched files.
 */
export async function classifyConfigurations(
  texts: Configurations,
  changes: readonly TfFileChange[],
  options: TfDiffOptions = {},
): Promise<Classification[]> {
  const out: Classification[] = [];
  for (const u of texts.unreadable ?? []) {
    out.push({
      input: u.file,
      ...invalidRequest(null, null, '', `${u.file} ${u.reason}, so what it changes cannot be known`),
      file: u.file,
      line: 1,
    });
  }
  const seen = new Set<string>();
  await loadParserFor(texts.before);
  await loadParserFor(texts.after);
  let terraformView: Configurations | null = null;
  for (const dir of [...texts.dirs].sort()) {
    const cache: ParseCache = new Map();
    const pair: Pair = {
      before: buildModule(dir, texts.before, cache),
      after: buildModule(dir, texts.after, cache),
      memo: { before: new Map(), after: new Map() },
    };
    for (const c of problemsOf(pair.after, 'after', pair.before, texts)) out.push(c);
    for (const c of problemsOf(pair.before, 'before', pair.after, texts)) out.push(c);
    await classifyFolder(pair, options, out, seen);
    // OpenTofu reads x.tofu instead of x.tf, but Terraform ignores .tofu files and applies x.tf: which tool runs is
    // not known, so a folder holding .tofu files is also read as Terraform reads it (fail closed).
    if (!hasTofu(dir, texts)) continue;
    terraformView ??= { ...texts, before: withoutTofu(texts.before), after: withoutTofu(texts.after) };
    const tf: Pair = {
      before: buildModule(dir, terraformView.before, cache),
      after: buildModule(dir, terraformView.after, cache),
      memo: { before: new Map(), after: new Map() },
    };
    const more: Classification[] = [...problemsOf(tf.after, 'after', tf.before, terraformView)];
    for (const c of problemsOf(tf.before, 'before', tf.after, terraformView)) more.push(c);
    await classifyFolder(tf, options, more, seen);
    const known = new Set(out.map((c) => JSON.stringify(c)));
    for (const c of more) if (!known.has(JSON.stringify(c))) out.push(c);
  }
  for (const c of fileUpgrades(changes, out, options)) out.push(c);
  return out;
}

const TOFU_FILE = /\.tofu(\.json)?$/;
const hasTofu = (dir: string, texts: Configurations): boolean =>
  [...texts.before.keys(), ...texts.after.keys()].some((f) => TOFU_FILE.test(f) && path.posix.dirname(f) === dir);
const withoutTofu = (files: ReadonlyMap<string, string>): Map<string, string> =>
  new Map([...files].filter(([f]) => !TOFU_FILE.test(f)));

/** A Helm values file, or a template of one (templatefile). */
export const VALUES_FILE = /\.ya?ml(\.tpl|\.tftpl)?$/;

/** Helm values files of the Vault chart changed on their own, and the files and patterns the config names. */
function fileUpgrades(
  changes: readonly TfFileChange[],
  found: readonly Classification[],
  options: TfDiffOptions,
): Classification[] {
  const out: Classification[] = [];
  for (const change of changes) {
    if (!VALUES_FILE.test(change.path) || change.before === null || change.after === null) continue;
    const [was, now] = [yamlLookup(change.before, 'server.image.tag'), yamlLookup(change.after, 'server.image.tag')];
    if (!was || !now || was.value === now.value) continue;
    const repo = yamlLookup(change.after, 'server.image.repository')?.value ?? '';
    if (!/vault|openbao/i.test(repo) && !/vault|openbao/i.test(change.path)) continue;
    if ([...found, ...out].some((o) => o.from === was.value && o.to === now.value)) continue;
    out.push({
      ...classifyUpgrade(`${change.path}: server.image.tag ${was.value} -> ${now.value}`, was.value, now.value),
      file: change.path,
      line: now.line,
    });
  }
  for (const watch of options.upgradeWatch ?? []) {
    let re: RegExp;
    try {
      re = new RegExp(watch.pattern, 'm');
    } catch {
      continue; // the config loader refuses bad patterns; nothing to do here
    }
    for (const change of changes) {
      if (!matchesPattern(change.path, watch.files) || change.before === null || change.after === null) continue;
      const was = re.exec(change.before)?.[1];
      const now = re.exec(change.after);
      if (!was || !now?.[1] || was === now[1]) continue;
      const line = change.after.slice(0, now.index).split('\n').length;
      out.push({ ...classifyUpgrade(`${change.path}: ${was} -> ${now[1]}`, was, now[1]), file: change.path, line });
    }
  }
  return out;
}
