import path from 'node:path';
import type { Classification } from '../classify/schema.js';
import { classifyUpgrade } from '../classify/upgrade.js';
import type { Located, TfModule } from './configuration.js';
import type { Expr, HclBlock } from './hcl.js';
import { evaluate, fillTemplateText, type Val } from './values.js';

/** Vault upgrades written in Terraform: Helm releases of the Vault chart, and Vault images in any resource. */

export type ReadSideFile = (file: string) => Promise<string | null>;

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

const VAULT_CHART = /(^|\/)(vault|openbao)$/;

/** A container image of Vault (any registry): hashicorp/vault, hashicorp/vault-enterprise, openbao/openbao, vault. */
export const VAULT_IMAGE =
  /^(?:[\w.-]+(?::\d+)?\/)*?((?:hashicorp\/)?vault(?:-enterprise)?|openbao\/openbao|openbao)(?::([\w][\w.+-]*))?(?:@sha256:[0-9a-f]+)?$/;

const deepGet = (v: Val | undefined, keys: readonly string[]): Val | undefined => {
  let at: Val | undefined = v;
  for (const k of keys) at = at && typeof at === 'object' && !Array.isArray(at) ? at[k] : undefined;
  return at;
};

/** A values document (YAML or JSON text) read for `server.image.tag`. */
function tagFromValues(text: string): string | undefined {
  try {
    const doc = JSON.parse(text) as Val;
    const tag = deepGet(doc, ['server', 'image', 'tag']);
    if (typeof tag === 'string' || typeof tag === 'number') return String(tag);
  } catch {
    // not JSON: read as YAML below
  }
  return yamlLookup(text, 'server.image.tag')?.value;
}

interface HelmVersions {
  chart?: string;
  image?: string;
}

const str = (e: Expr | undefined, mod: TfModule): string | undefined => {
  if (!e) return undefined;
  const v = evaluate(e, mod);
  return v.known && (typeof v.value === 'string' || typeof v.value === 'number') ? String(v.value) : undefined;
};

async function helmVersions(block: HclBlock, mod: TfModule, read: ReadSideFile): Promise<HelmVersions | null> {
  const chart = str(block.attributes.get('chart')?.expr, mod);
  if (!chart || !VAULT_CHART.test(chart)) return null;
  const out: HelmVersions = {};
  const version = str(block.attributes.get('version')?.expr, mod);
  if (version) out.chart = version;
  for (const set of block.blocks.filter((x) => x.type === 'set')) {
    if (str(set.attributes.get('name')?.expr, mod) === 'server.image.tag')
      out.image = str(set.attributes.get('value')?.expr, mod) ?? out.image;
  }
  // Helm provider 3: `set = [{ name = "server.image.tag", value = "1.17.2" }]`.
  const setList = block.attributes.get('set')?.expr;
  const sets = setList ? evaluate(setList, mod) : null;
  if (sets?.known && Array.isArray(sets.value)) {
    for (const s of sets.value) {
      const [name, value] = [deepGet(s, ['name']), deepGet(s, ['value'])];
      if (name === 'server.image.tag' && (typeof value === 'string' || typeof value === 'number'))
        out.image = String(value);
    }
  }
  const values = block.attributes.get('values')?.expr;
  const items = values?.t === 'tuple' ? values.items : values ? [values] : [];
  for (const item of items) {
    const v = evaluate(item, mod);
    let text: string | null = v.known && typeof v.value === 'string' ? v.value : null;
    if (!text && item.t === 'call' && (item.name === 'file' || item.name === 'templatefile') && item.args[0]) {
      const name = str(item.args[0], mod);
      if (name)
        text = await read(path.posix.normalize(name.startsWith(mod.dir) ? name : path.posix.join(mod.dir, name)));
      const vars = item.args[1] ? evaluate(item.args[1], mod) : null;
      // templatefile: simple `${name}` interpolations of the variables it is given.
      if (text && vars?.known) text = fillTemplateText(text, vars.value);
    }
    const tag = text ? tagFromValues(text) : undefined;
    if (tag) out.image = tag;
  }
  return out;
}

/** Every Vault image (repository → tag) named anywhere in a resource: containers, manifests, task definitions. */
function vaultImages(block: HclBlock, mod: TfModule): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (b: HclBlock): void => {
    for (const a of b.attributes.values()) {
      const v = evaluate(a.expr, mod);
      if (v.known) imagesIn(v.value, out);
    }
    b.blocks.forEach(walk);
  };
  walk(block);
  return out;
}

/** The Vault images (repository → tag) named anywhere in a value; jsonencode()d text is looked into. */
function imagesIn(value: Val, out: Map<string, string>): Map<string, string> {
  const visit = (v: Val): void => {
    if (typeof v === 'string') {
      const m = VAULT_IMAGE.exec(v.trim());
      if (m?.[2] && !out.has(m[1] as string)) out.set(m[1] as string, m[2]);
      else if (v.length > 20 && v.includes('vault') && /^\s*[[{]/.test(v)) {
        try {
          visit(JSON.parse(v) as Val); // jsonencode()d container definitions
        } catch {
          // not JSON
        }
      }
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(value);
  return out;
}

/** The upgrade (or downgrade) a changed resource makes to Vault, if any. */
export async function resourceUpgrades(
  address: string,
  before: Located,
  after: Located,
  mods: { before: TfModule; after: TfModule },
  read: { before: ReadSideFile; after: ReadSideFile },
): Promise<Classification[]> {
  const out: Classification[] = [];
  const where = { file: after.file, line: after.block.line, address };
  if (after.block.labels[0] === 'helm_release') {
    const [b, a] = [
      await helmVersions(before.block, mods.before, read.before),
      await helmVersions(after.block, mods.after, read.after),
    ];
    if (a && b && a.image && b.image && a.image !== b.image) {
      return [
        { ...classifyUpgrade(`${address}: server.image.tag ${b.image} -> ${a.image}`, b.image, a.image), ...where },
      ];
    }
    if (a && b && a.chart && b.chart && a.chart !== b.chart) {
      const c = classifyUpgrade(`${address}: vault chart ${b.chart} -> ${a.chart}`, b.chart, a.chart);
      return [
        {
          ...c,
          reason: `The Vault Helm chart changes version, which changes the Vault it runs: ${c.reason}`,
          ...where,
        },
      ];
    }
  }
  const [was, now] = [vaultImages(before.block, mods.before), vaultImages(after.block, mods.after)];
  for (const [repo, tag] of now) {
    const old = was.get(repo);
    if (old !== undefined && old !== tag)
      out.push({ ...classifyUpgrade(`${address}: ${repo} ${old} -> ${tag}`, old, tag), ...where });
  }
  return out;
}

/** `server.image.tag` and the chart version of a Helm release of the Vault chart, from its values in a plan. */
function helmPlanVersions(v: Val | undefined): HelmVersions | null {
  const chart = deepGet(v, ['chart']);
  if (typeof chart !== 'string' || !VAULT_CHART.test(chart)) return null;
  const out: HelmVersions = {};
  const version = deepGet(v, ['version']);
  if (typeof version === 'string' && version) out.chart = version;
  const values = deepGet(v, ['values']);
  for (const text of Array.isArray(values) ? values : []) {
    const tag = typeof text === 'string' ? tagFromValues(text) : undefined;
    if (tag) out.image = tag;
  }
  const sets = [deepGet(v, ['set']), deepGet(v, ['set_string'])].flatMap((x) => (Array.isArray(x) ? x : []));
  for (const s of sets) {
    const value = deepGet(s, ['value']);
    if (deepGet(s, ['name']) === 'server.image.tag' && (typeof value === 'string' || typeof value === 'number'))
      out.image = String(value);
  }
  return out;
}

/**
 * The upgrade (or downgrade) a resource change of a plan makes to Vault: a Helm release of the Vault chart whose
 * image tag or chart version changes, or a Vault image anywhere in the resource's values.
 */
export function planUpgrades(address: string, type: string, before: unknown, after: unknown): Classification[] {
  const [b, a] = [before as Val | undefined, after as Val | undefined];
  if (b === undefined || a === undefined || b === null || a === null) return [];
  if (type === 'helm_release') {
    const [was, now] = [helmPlanVersions(b), helmPlanVersions(a)];
    if (was?.image && now?.image && was.image !== now.image)
      return [classifyUpgrade(`${address}: server.image.tag ${was.image} -> ${now.image}`, was.image, now.image)];
    if (was?.chart && now?.chart && was.chart !== now.chart) {
      const c = classifyUpgrade(`${address}: vault chart ${was.chart} -> ${now.chart}`, was.chart, now.chart);
      return [{ ...c, reason: `The Vault Helm chart changes version, which changes the Vault it runs: ${c.reason}` }];
    }
  }
  const out: Classification[] = [];
  const [old, current] = [imagesIn(b, new Map()), imagesIn(a, new Map())];
  for (const [repo, tag] of current) {
    const from = old.get(repo);
    if (from !== undefined && from !== tag)
      out.push(classifyUpgrade(`${address}: ${repo} ${from} -> ${tag}`, from, tag));
  }
  return out;
}
