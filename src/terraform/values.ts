import type { Expr } from './hcl.js';
import type { TfModule } from './configuration.js';

/**
 * The static evaluator: what a configuration's expressions are before apply, where that is knowable from the
 * files alone (literals, locals, variable defaults and tfvars, templates, a few pure string functions, another
 * resource's literal attribute in the same module). Everything else is unknown, and says what it depends on.
 */

export type Val = string | number | boolean | null | Val[] | { [key: string]: Val };
export type Evaluated =
  { readonly known: true; readonly value: Val } | { readonly known: false; readonly dependsOn: string };

const MAX_DEPTH = 40;
const unknown = (dependsOn: string): Evaluated => ({ known: false, dependsOn });
const known = (value: Val): Evaluated => ({ known: true, value });

function indexInto(value: Val, keys: readonly (string | number)[], what: string): Evaluated {
  let v: Val = value;
  for (const k of keys) {
    if (Array.isArray(v) && typeof k === 'number' && k < v.length) v = v[k] as Val;
    else if (v && typeof v === 'object' && !Array.isArray(v) && String(k) in v) v = v[String(k)] as Val;
    else return unknown(what);
  }
  return known(v);
}

/** The value a variable takes: an auto-loaded tfvars value, else the one value every other tfvars file agrees on, else its default. */
function variableValue(name: string, mod: TfModule, depth: number, what: string): Evaluated {
  const sets = mod.tfvars.get(name) ?? [];
  const auto = sets.filter((s) => s.auto);
  if (auto.length > 0) return evaluate((auto.at(-1) as (typeof auto)[number]).expr, mod, depth + 1);
  if (sets.length > 0) {
    const values = sets.map((s) => evaluate(s.expr, mod, depth + 1));
    const first = values[0] as Evaluated;
    const same = values.every((v) => v.known && first.known && JSON.stringify(v.value) === JSON.stringify(first.value));
    if (same) return first;
    return unknown(
      `${what} (set differently by ${sets.map((s) => s.file).join(', ')}; the file is chosen with -var-file at apply)`,
    );
  }
  const def = mod.variables.get(name)?.block.attributes.get('default')?.expr;
  return def ? evaluate(def, mod, depth + 1) : unknown(`${what} (no default; set at apply)`);
}

function evaluateRef(path: readonly (string | number)[], text: string, mod: TfModule, depth: number): Evaluated {
  const [root, name, ...rest] = path;
  if (root === 'local' && typeof name === 'string') {
    const local = mod.locals.get(name);
    if (!local) return unknown(`local.${name} (not declared)`);
    const v = evaluate(local.attr.expr, mod, depth + 1);
    return v.known ? indexInto(v.value, rest, text) : v;
  }
  if (root === 'var' && typeof name === 'string') {
    const v = variableValue(name, mod, depth, `var.${name}`);
    return v.known ? indexInto(v.value, rest, text) : v;
  }
  if (root === 'path' && (name === 'module' || name === 'root')) return known(mod.dir);
  if (typeof root === 'string' && typeof name === 'string' && /^[a-z][a-z0-9]*_[a-z0-9_]+$/.test(root)) {
    const res = mod.resources.get(`${root}.${name}`);
    const counted = res && (res.block.attributes.has('count') || res.block.attributes.has('for_each'));
    const attrPath =
      counted && rest.length > 0 && typeof rest[0] !== 'string'
        ? rest.slice(1)
        : counted && typeof rest[0] === 'string' && res.block.attributes.has('for_each') && rest.length > 1
          ? rest.slice(1)
          : rest;
    const attr = typeof attrPath[0] === 'string' ? res?.block.attributes.get(attrPath[0]) : undefined;
    if (attr && !counted) {
      const v = evaluate(attr.expr, mod, depth + 1);
      return v.known ? indexInto(v.value, attrPath.slice(1), text) : v;
    }
  }
  return unknown(text);
}

const scalarText = (v: Val): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;

/** `format` with the verbs real configurations use for paths: %s, %d, %v, %q and %%. */
function format(spec: string, args: readonly Val[]): string | null {
  let i = 0;
  let bad = false;
  const out = spec.replace(/%([%sdvq])/g, (_, verb: string) => {
    if (verb === '%') return '%';
    const a = args[i++];
    const t = a === undefined ? null : scalarText(a);
    if (t === null) bad = true;
    return verb === 'q' ? JSON.stringify(t) : (t ?? '');
  });
  return bad ? null : out;
}

/** A YAML rendering close enough to yamlencode for reading keys back (yamlLookup) out of Helm values. */
export function toYaml(v: Val, indent = ''): string {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    return Object.entries(v)
      .map(([k, x]) =>
        x && typeof x === 'object'
          ? `${indent}${k}:\n${toYaml(x, `${indent}  `)}`
          : `${indent}${k}: ${JSON.stringify(x)}`,
      )
      .join('\n');
  }
  if (Array.isArray(v))
    return v
      .map((x) =>
        x && typeof x === 'object' ? `${indent}-\n${toYaml(x, `${indent}  `)}` : `${indent}- ${JSON.stringify(x)}`,
      )
      .join('\n');
  return `${indent}${JSON.stringify(v)}`;
}

const STRING_FUNCTIONS: Record<string, (args: Val[]) => Val | undefined> = {
  format: ([spec, ...rest]) => (typeof spec === 'string' ? (format(spec, rest) ?? undefined) : undefined),
  join: ([sep, ...lists]) => {
    const items = lists.flatMap((l) => (Array.isArray(l) ? l : [l]));
    const texts = items.map((x) => scalarText(x));
    return typeof sep === 'string' && texts.every((t) => t !== null) ? texts.join(sep) : undefined;
  },
  lower: ([s]) => (typeof s === 'string' ? s.toLowerCase() : undefined),
  upper: ([s]) => (typeof s === 'string' ? s.toUpperCase() : undefined),
  trimspace: ([s]) => (typeof s === 'string' ? s.trim() : undefined),
  trimprefix: ([s, p]) =>
    typeof s === 'string' && typeof p === 'string' ? (s.startsWith(p) ? s.slice(p.length) : s) : undefined,
  trimsuffix: ([s, p]) =>
    typeof s === 'string' && typeof p === 'string' ? (p && s.endsWith(p) ? s.slice(0, -p.length) : s) : undefined,
  tostring: ([s]) => (s === null ? null : (scalarText(s as Val) ?? undefined)),
  jsonencode: ([v]) => JSON.stringify(v),
  yamlencode: ([v]) => `${toYaml(v as Val)}\n`,
  tolist: ([v]) => (Array.isArray(v) ? v : undefined),
  toset: ([v]) => (Array.isArray(v) ? v : undefined),
  tomap: ([v]) => (v && typeof v === 'object' && !Array.isArray(v) ? v : undefined),
};

/** Evaluates an expression of a module; unknown values say what they depend on. */
export function evaluate(expr: Expr, mod: TfModule, depth = 0): Evaluated {
  if (depth > MAX_DEPTH) return unknown('a chain of references too long to follow');
  switch (expr.t) {
    case 'lit':
      return known(expr.v);
    case 'ref':
      return evaluateRef(expr.path, expr.text, mod, depth);
    case 'tpl': {
      let text = '';
      for (const part of expr.parts) {
        const v = evaluate(part, mod, depth + 1);
        if (!v.known) return v;
        const t = scalarText(v.value);
        if (t === null) return unknown('a template part that is not text');
        text += t;
      }
      return known(text);
    }
    case 'tuple': {
      const items: Val[] = [];
      for (const item of expr.items) {
        const v = evaluate(item, mod, depth + 1);
        if (!v.known) return v;
        items.push(v.value);
      }
      return known(items);
    }
    case 'obj': {
      const out: Record<string, Val> = {};
      for (const [k, x] of expr.items) {
        const [key, value] = [evaluate(k, mod, depth + 1), evaluate(x, mod, depth + 1)];
        if (!key.known) return key;
        if (!value.known) return value;
        const name = scalarText(key.value);
        if (name === null) return unknown('an object key that is not text');
        out[name] = value.value;
      }
      return known(out);
    }
    case 'call': {
      const fn = STRING_FUNCTIONS[expr.name];
      if (!fn) return unknown(`${expr.name}(…)`);
      const args: Val[] = [];
      for (const a of expr.args) {
        const v = evaluate(a, mod, depth + 1);
        if (!v.known) return v;
        args.push(v.value);
      }
      const result = fn(args);
      return result === undefined ? unknown(`${expr.name}(…)`) : known(result);
    }
    default:
      return unknown(expr.refs[0]?.t === 'ref' ? expr.refs[0].text : expr.text.slice(0, 60));
  }
}

/**
 * A string with each unknown part as `$reference` (for request paths that are partly known), with what the first
 * unknown part depends on and whether the text before it is known.
 */
export function render(
  expr: Expr,
  mod: TfModule,
): { text: string; dependsOn: string | null; knownPrefix: string } | null {
  const parts = expr.t === 'tpl' ? expr.parts : [expr];
  let text = '';
  let dependsOn: string | null = null;
  let knownPrefix = '';
  for (const part of parts) {
    const v = evaluate(part, mod);
    const t = v.known ? scalarText(v.value) : null;
    if (t !== null) {
      text += t;
      if (dependsOn === null) knownPrefix = text;
      continue;
    }
    if (expr.t !== 'tpl') return null;
    dependsOn ??= v.known ? 'a value that is not text' : v.dependsOn;
    text += `$${(part.t === 'ref' ? part.text : part.t === 'other' ? part.text : 'expr').replace(/[^A-Za-z0-9_.-]+/g, '_')}`;
  }
  return { text, dependsOn, knownPrefix };
}

/** Every reference an expression makes (for change detection through locals, variables and other resources). */
export function referencesOf(expr: Expr, out: string[] = []): string[] {
  switch (expr.t) {
    case 'ref':
      out.push(
        expr.path
          .filter((p) => typeof p === 'string')
          .slice(0, 3)
          .join('.'),
      );
      break;
    case 'tpl':
      for (const p of expr.parts) referencesOf(p, out);
      break;
    case 'call':
      for (const a of expr.args) referencesOf(a, out);
      break;
    case 'tuple':
      for (const i of expr.items) referencesOf(i, out);
      break;
    case 'obj':
      for (const [k, v] of expr.items) {
        referencesOf(k, out);
        referencesOf(v, out);
      }
      break;
    case 'other':
      for (const r of expr.refs) referencesOf(r, out);
      break;
    default:
      break;
  }
  return out;
}

/**
 * A `templatefile` text with the simple `${name}` interpolations of the variables it is given filled in (others,
 * and directives, stay as written).
 */
export function fillTemplateText(text: string, vars: Val | undefined): string {
  if (!vars || typeof vars !== 'object' || Array.isArray(vars)) return text;
  return text.replace(/\$\{\s*([A-Za-z_][\w-]*)\s*\}/g, (whole, n: string) => {
    const v = vars[n];
    return typeof v === 'string' || typeof v === 'number' ? String(v) : whole;
  });
}
