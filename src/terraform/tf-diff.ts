import path from 'node:path';
import { invalidRequest } from '../classify/request.js';
import type { Classification } from '../classify/schema.js';
import { classifyUpgrade } from '../classify/upgrade.js';
import { matchesPattern } from '../snapshot/find.js';
import { parseHcl, parseTfJson, type HclBlock, type HclValue } from './hcl.js';
import { classifyResourceChange, type TfAction } from './operations.js';
import { UNKNOWN, type AttributeValue } from './resources.js';

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
}

const isTf = (p: string): boolean => p.endsWith('.tf') || p.endsWith('.tf.json');

interface Located {
  readonly block: HclBlock;
  readonly file: string;
}

interface SideIndex {
  resources: Map<string, Located>;
  moved: { dir: string; from: string; to: string }[];
  removed: { dir: string; from: string; destroy: boolean; file: string; line: number }[];
  imports: Set<string>;
  modules: Map<string, Located>;
  providerNamespace: Map<string, string | typeof UNKNOWN>;
}

const emptyIndex = (): SideIndex => ({ resources: new Map(), moved: [], removed: [], imports: new Set(), modules: new Map(), providerNamespace: new Map() });

/** A reference expression (`vault_mount.a`, `module.x.vault_mount.a`) as written in moved/removed/import blocks. */
const refText = (v: HclValue | undefined): string | null => (v && v.kind === 'expression' ? v.text.replace(/\s+/g, '') : v && v.kind === 'string' ? v.value : null);

function indexBlocks(blocks: readonly HclBlock[], file: string, into: SideIndex): void {
  const dir = path.posix.dirname(file);
  for (const b of blocks) {
    if (b.type === 'resource' && b.labels.length === 2) into.resources.set(`${dir}\0${b.labels[0]}.${b.labels[1]}`, { block: b, file });
    else if (b.type === 'module' && b.labels[0]) into.modules.set(`${dir}\0${b.labels[0]}`, { block: b, file });
    else if (b.type === 'moved') {
      const from = refText(b.attributes.get('from')?.value);
      const to = refText(b.attributes.get('to')?.value);
      if (from && to) into.moved.push({ dir, from, to });
    } else if (b.type === 'removed') {
      const from = refText(b.attributes.get('from')?.value);
      const lifecycle = b.blocks.find((x) => x.type === 'lifecycle');
      const destroy = lifecycle?.attributes.get('destroy')?.value;
      if (from) into.removed.push({ dir, from, destroy: !(destroy?.kind === 'bool' && destroy.value === false), file, line: b.line });
    } else if (b.type === 'import') {
      const to = refText(b.attributes.get('to')?.value);
      if (to) into.imports.add(`${dir}\0${to.replace(/\[.*\]$/, '')}`);
    } else if (b.type === 'provider' && b.labels[0] === 'vault') {
      const ns = b.attributes.get('namespace')?.value;
      // Only the default (unaliased) provider: an alias is chosen per resource, which a diff cannot follow.
      if (!b.attributes.has('alias')) into.providerNamespace.set(dir, ns === undefined ? '' : ns.kind === 'string' ? ns.value.replace(/^\/+|\/+$/g, '') : UNKNOWN);
    }
  }
}

const attrReader = (block: HclBlock) => (name: string): AttributeValue => {
  const v = block.attributes.get(name)?.value;
  if (v === undefined) return undefined;
  if (v.kind === 'string' || v.kind === 'number' || v.kind === 'bool') return v.value;
  if (v.kind === 'null') return null;
  if (v.kind === 'template') return v.placeholder;
  return UNKNOWN;
};

function parseFile(file: string, text: string) {
  return file.endsWith('.json') ? parseTfJson(text) : parseHcl(text);
}

/**
 * The net change of Terraform files between two revisions, at the level of resource blocks across every changed
 * file: a block moved to another file is no change; an added, removed or edited block is a create, delete or
 * update. Also: `moved`, `removed` (destroy = false), `import`, local modules, and Vault upgrades (Helm and
 * watched files). A file that does not parse is `invalid`, named with its line.
 */
export async function classifyTerraformChanges(changes: readonly TfFileChange[], options: TfDiffOptions = {}): Promise<Classification[]> {
  const out: Classification[] = [];
  const sides: Record<Side, SideIndex> = { before: emptyIndex(), after: emptyIndex() };
  for (const change of changes) {
    if (!isTf(change.path)) continue;
    for (const side of ['before', 'after'] as const) {
      const text = change[side];
      if (text === null) continue;
      const parsed = parseFile(change.path, text);
      if (!parsed.ok) {
        out.push({
          input: `${change.path}:${parsed.line}`,
          ...invalidRequest(null, null, '', `${change.path} ${side === 'before' ? '(before the change) ' : ''}${parsed.message}, so what it changes cannot be known`),
          file: change.path,
          line: parsed.line,
        });
        continue;
      }
      indexBlocks(parsed.blocks, change.path, sides[side]);
    }
  }
  const { before, after } = sides;
  const emitted = new Set<string>();
  const emit = (key: string, action: TfAction, loc: Located, note?: string) => {
    emitted.add(key);
    const [dir, local] = key.split('\0') as [string, string];
    const type = loc.block.labels[0] as string;
    const counted = loc.block.attributes.has('for_each') ? 'for_each' : loc.block.attributes.has('count') ? 'count' : '';
    out.push(
      classifyResourceChange({
        address: counted ? `${local}[*]` : local,
        type,
        action,
        attrs: attrReader(loc.block),
        providerNamespace: after.providerNamespace.get(dir) ?? before.providerNamespace.get(dir) ?? '',
        file: loc.file,
        line: loc.block.line,
        ...(note || counted ? { note: [note, counted && `every instance of its ${counted}`].filter(Boolean).join('; ') } : {}),
      }),
    );
  };

  const movedTo = new Map(after.moved.map((m) => [`${m.dir}\0${m.to}`, `${m.dir}\0${m.from}`]));
  const movedFrom = new Set(after.moved.map((m) => `${m.dir}\0${m.from}`));
  for (const [key, loc] of after.resources) {
    if (!loc.block.labels[0]?.startsWith('vault_')) continue;
    const old = before.resources.get(key) ?? before.resources.get(movedTo.get(key) ?? '');
    if (old) {
      if (old.block.canonical.replace(/^resource "[^"]+" "[^"]+"/, '') !== loc.block.canonical.replace(/^resource "[^"]+" "[^"]+"/, '')) emit(key, 'update', loc);
    } else if (after.imports.has(key)) emit(key, 'update', loc, 'imported, then brought in line with its configuration');
    else emit(key, 'create', loc);
  }
  for (const [key, loc] of before.resources) {
    if (!loc.block.labels[0]?.startsWith('vault_') || after.resources.has(key) || movedFrom.has(key)) continue;
    const [dir, local] = key.split('\0') as [string, string];
    const removed = after.removed.find((r) => r.dir === dir && r.from === local);
    if (removed && !removed.destroy) {
      out.push({ input: `${local}: removed from state (destroy = false)`, verdict: 'not-sys', category: 'no-change', method: null, path: null, namespace: '', reason: `A removed block with lifecycle { destroy = false } forgets ${local} without deleting it in Vault.`, file: removed.file, line: removed.line, address: local });
      continue;
    }
    emit(key, 'delete', loc);
  }

  await classifyModules(before, after, emitted, options, out);
  out.push(...(await classifyUpgrades(changes, before, after, options)));
  return out;
}

const isLocalSource = (v: HclValue | undefined): string | null => (v?.kind === 'string' && /^\.\.?\//.test(v.value) ? v.value : null);

/** A changed call of a local module: every Vault resource of that module may change with its inputs. */
async function classifyModules(before: SideIndex, after: SideIndex, emitted: Set<string>, options: TfDiffOptions, out: Classification[]): Promise<void> {
  const keys = new Set([...before.modules.keys(), ...after.modules.keys()]);
  for (const key of keys) {
    const b = before.modules.get(key);
    const a = after.modules.get(key);
    if (b && a && b.block.canonical === a.block.canonical) continue;
    const loc = (a ?? b) as Located;
    const [dir, name] = key.split('\0') as [string, string];
    const source = loc.block.attributes.get('source')?.value;
    const local = isLocalSource(source);
    const action: TfAction = !b ? 'create' : !a ? 'delete' : 'update';
    if (!local) {
      const text = source?.kind === 'string' ? source.value : '(an expression)';
      if (/vault/i.test(text) || /vault/i.test(name)) {
        out.push({ input: `module.${name}: ${action}`, verdict: 'backup-first', category: 'unknown-sys', method: null, path: null, namespace: '', reason: `module.${name} (source ${text}) changed and its source cannot be read here, so it is treated as a /sys write (fail closed); classify the plan (--plan) for an exact answer.`, file: loc.file, line: loc.block.line, address: `module.${name}` });
      }
      continue;
    }
    const moduleDir = path.posix.normalize(path.posix.join(dir, local));
    const side: 'before' | 'after' = a ? 'after' : 'before';
    const files = ((await options.listDir?.(side, moduleDir)) ?? []).filter(isTf);
    for (const f of files) {
      const text = await options.readFile?.(side, f);
      if (text == null) continue;
      const parsed = parseFile(f, text);
      if (!parsed.ok) {
        out.push({ input: `${f}:${parsed.line}`, ...invalidRequest(null, null, '', `${f} ${parsed.message}, so what module.${name} changes cannot be known`), file: f, line: parsed.line });
        continue;
      }
      for (const blk of parsed.blocks) {
        if (blk.type !== 'resource' || !blk.labels[0]?.startsWith('vault_')) continue;
        const rkey = `${moduleDir}\0${blk.labels[0]}.${blk.labels[1]}`;
        if (emitted.has(rkey)) continue;
        emitted.add(rkey);
        out.push(
          classifyResourceChange({
            address: `module.${name}.${blk.labels[0]}.${blk.labels[1]}`,
            type: blk.labels[0],
            action,
            attrs: attrReader(blk),
            providerNamespace: (a ? after : before).providerNamespace.get(dir) ?? '',
            file: f,
            line: blk.line,
            note: `the call of module.${name} changed`,
          }),
        );
      }
    }
  }
}

/** `server.image.tag` (or any dotted path) from YAML text, by indentation; enough for Helm values files. */
export function yamlLookup(text: string, dotted: string): { value: string; line: number } | null {
  const want = dotted.split('.');
  const stack: { indent: number; key: string }[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const m = /^(\s*)([A-Za-z0-9_.-]+|"[^"]*"|'[^']*'):(?:\s+(.*?))?\s*(?:#.*)?$/.exec(line);
    if (!m) continue;
    const indent = (m[1] as string).length;
    const key = (m[2] as string).replace(/^["']|["']$/g, '');
    while (stack.length && (stack.at(-1) as { indent: number }).indent >= indent) stack.pop();
    stack.push({ indent, key });
    const value = m[3];
    if (value && stack.length === want.length && stack.every((s, j) => s.key === want[j])) {
      return { value: value.replace(/^["']|["']$/g, ''), line: i + 1 };
    }
  }
  return null;
}

const VAULT_CHART = /(^|\/)vault$/;

interface HelmVersions {
  chart?: string;
  image?: string;
  line: number;
  file: string;
}

async function helmVersions(loc: Located, side: Side, options: TfDiffOptions): Promise<HelmVersions | null> {
  const b = loc.block;
  const chart = b.attributes.get('chart')?.value;
  if (chart?.kind !== 'string' || !VAULT_CHART.test(chart.value)) return null;
  const out: HelmVersions = { line: b.line, file: loc.file };
  const version = b.attributes.get('version')?.value;
  if (version?.kind === 'string') out.chart = version.value;
  for (const set of b.blocks.filter((x) => x.type === 'set')) {
    const name = set.attributes.get('name')?.value;
    const value = set.attributes.get('value')?.value;
    if (name?.kind === 'string' && name.value === 'server.image.tag' && value?.kind === 'string') out.image = value.value;
  }
  // Helm provider 3: `set = [{ name = "server.image.tag", value = "1.17.2" }]`.
  const setList = b.attributes.get('set')?.value;
  if (setList?.kind === 'expression') {
    const m = /name\s*=\s*"server\.image\.tag"\s*,?\s*value\s*=\s*"([^"]+)"/.exec(setList.text);
    if (m) out.image = m[1];
  }
  const values = b.attributes.get('values')?.value;
  if (!out.image && values && values.kind === 'expression') {
    const dir = path.posix.dirname(loc.file);
    for (const m of values.text.matchAll(/file\(\s*"(?:\$\{path\.(?:module|root)\}\/)?([^"$]+)"\s*\)/g)) {
      const valuesFile = path.posix.normalize(path.posix.join(dir, m[1] as string));
      const text = await options.readFile?.(side, valuesFile);
      const tag = text ? yamlLookup(text, 'server.image.tag') : null;
      if (tag) out.image = tag.value;
    }
    const heredoc = /<<-?\s*(\w+)\n([\s\S]*?)\n\s*\1/.exec(values.text);
    if (!out.image && heredoc) out.image = yamlLookup(heredoc[2] as string, 'server.image.tag')?.value;
  }
  return out;
}

async function classifyUpgrades(changes: readonly TfFileChange[], before: SideIndex, after: SideIndex, options: TfDiffOptions): Promise<Classification[]> {
  const out: Classification[] = [];
  for (const [key, loc] of after.resources) {
    if (loc.block.labels[0] !== 'helm_release') continue;
    const old = before.resources.get(key);
    if (!old) continue;
    const [a, b] = [await helmVersions(loc, 'after', options), await helmVersions(old, 'before', options)];
    if (!a || !b) continue;
    const address = key.split('\0')[1] as string;
    if (a.image && b.image && a.image !== b.image) {
      out.push({ ...classifyUpgrade(`${address}: server.image.tag ${b.image} -> ${a.image}`, b.image, a.image), file: a.file, line: a.line, address });
    } else if (a.chart && b.chart && a.chart !== b.chart) {
      const c = classifyUpgrade(`${address}: vault chart ${b.chart} -> ${a.chart}`, b.chart, a.chart);
      out.push({ ...c, reason: `The Vault Helm chart changes version, which changes the Vault it runs: ${c.reason}`, file: a.file, line: a.line, address });
    }
  }
  // Helm values files of the Vault chart that changed on their own (the release block did not).
  for (const change of changes) {
    if (!/\.ya?ml$/.test(change.path) || change.before === null || change.after === null) continue;
    const [was, now] = [yamlLookup(change.before, 'server.image.tag'), yamlLookup(change.after, 'server.image.tag')];
    if (!was || !now || was.value === now.value) continue;
    const repo = yamlLookup(change.after, 'server.image.repository')?.value ?? '';
    if (!/vault/i.test(repo) && !/vault/i.test(change.path)) continue;
    if (out.some((o) => o.from === was.value && o.to === now.value)) continue;
    out.push({ ...classifyUpgrade(`${change.path}: server.image.tag ${was.value} -> ${now.value}`, was.value, now.value), file: change.path, line: now.line });
  }
  // Files and patterns the config names (upgradeWatch).
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
