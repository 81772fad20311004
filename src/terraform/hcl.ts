import { createRequire } from 'node:module';
import type { Parser as ParserType, TreeCursor } from 'web-tree-sitter';

/**
 * The only importer of tree-sitter: HCL2 (.tf) and Terraform JSON (.tf.json) read into blocks with line numbers.
 *
 * Why tree-sitter-hcl: it parses real HCL2 (heredocs, templates, for expressions, dynamic blocks) with byte and
 * line positions and parses in well under 1 ms per file; the hcl2json family (Go on WASM) needs 150-190 ms before
 * its first parse and gives no line numbers, and HashiCorp's @cdktf/hcl2json is archived.
 *
 * Why WASM (web-tree-sitter with the grammar package's own tree-sitter-hcl.wasm) and not the native binding: the
 * native `tree-sitter` needs a C++ toolchain at install time wherever its prebuilt does not load (Debian 12's
 * libstdc++ is too old for it), and npm warns about its install script. WASM installs anywhere with
 * `--ignore-scripts`; it costs about 50 ms more to start, paid only when a .tf/.tofu file is read.
 */

/**
 * A syntax node copied out of the WASM tree in one cursor walk. web-tree-sitter builds a new object and makes
 * several calls into WASM for every node, child list and text it is asked for, which made a cold parse several
 * times slower than the native binding's; the walk asks only for each node's type id and span (names, named-ness
 * and rows are known in JS), and every later look is a property read. Text is sliced from the source on demand.
 */
class SyntaxNode {
  readonly children: SyntaxNode[] = [];
  readonly namedChildren: SyntaxNode[] = [];
  hasError: boolean;
  readonly type: string;
  readonly named: boolean;
  readonly isMissing: boolean;
  private readonly row: number;
  private readonly source: string;
  private readonly start: number;
  private readonly end: number;
  constructor(source: string, kind: NodeKind, missing: boolean, start: number, end: number, row: number) {
    this.source = source;
    this.type = kind.type;
    this.named = kind.named;
    this.isMissing = missing;
    this.start = start;
    this.end = end;
    this.row = row;
    this.hasError = this.type === 'ERROR' || missing;
  }
  get text(): string {
    return this.source.slice(this.start, this.end);
  }
  get startPosition(): { readonly row: number } {
    return { row: this.row };
  }
  get namedChildCount(): number {
    return this.namedChildren.length;
  }
  get firstNamedChild(): SyntaxNode | null {
    return this.namedChildren[0] ?? null;
  }
  namedChild(index: number): SyntaxNode | null {
    return this.namedChildren[index] ?? null;
  }
  add(child: SyntaxNode): void {
    this.children.push(child);
    if (child.named) this.namedChildren.push(child);
  }
}

interface NodeKind {
  readonly type: string;
  readonly named: boolean;
}

/** Node kinds by type id, read from the grammar once. */
let kinds: NodeKind[] = [];
const ERROR_KIND: NodeKind = { type: 'ERROR', named: true };

/** Stands for the anonymous tokens left out of a tree without errors: nothing is added to it. */
const SKIPPED = new SyntaxNode('', { type: '', named: false }, false, 0, 0, 0);

/**
 * The whole tree as plain nodes, walked without recursion (hostile input may nest deeply). A pre-order walk meets
 * nodes in source order, so rows are counted forward. Anonymous tokens (punctuation, keywords) are kept only in a
 * tree with errors, where a missing one is the error, and for `...`, which the readers look for: the rest halves
 * the nodes of a large file. Missing nodes are asked for only in a tree with errors.
 */
function copyTree(cursor: TreeCursor, source: string, hasErrors: boolean): SyntaxNode {
  let row = 0;
  let scanned = 0;
  const make = (): SyntaxNode => {
    const kind = kinds[cursor.nodeTypeId] ?? ERROR_KIND;
    if (!kind.named && !hasErrors && kind.type !== '...') return SKIPPED;
    const start = cursor.startIndex;
    for (; scanned < start; scanned++) if (source.charCodeAt(scanned) === 10) row++;
    return new SyntaxNode(source, kind, hasErrors && cursor.nodeIsMissing, start, cursor.endIndex, row);
  };
  const root = make();
  const path = [root];
  // A node is complete when the walk leaves it; its errors then count for its parent.
  const leave = (): void => {
    const done = path.pop() as SyntaxNode;
    if (done.hasError) (path.at(-1) as SyntaxNode).hasError = true;
  };
  const enter = (): void => {
    const node = make();
    const parent = path.at(-1) as SyntaxNode;
    if (node !== SKIPPED && parent !== SKIPPED) parent.add(node);
    path.push(node);
  };
  for (;;) {
    if (cursor.gotoFirstChild()) {
      enter();
      continue;
    }
    for (;;) {
      if (path.length === 1) return root;
      if (cursor.gotoNextSibling()) {
        leave();
        enter();
        break;
      }
      cursor.gotoParent();
      leave();
    }
  }
}

export type HclValue =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'null' }
  /** A string with interpolations: `placeholder` has each `${…}` as `$name`, for paths that are partly known. */
  | { readonly kind: 'template'; readonly text: string; readonly placeholder: string }
  /** Anything else: references, function calls, collections, conditionals. Known only at plan time. */
  | { readonly kind: 'expression'; readonly text: string };

/**
 * An expression as a small tree, for the static evaluator (values.ts). What it does not model (conditionals, for
 * expressions, operators, splats) is `other`, which keeps the references it contains so a change to them is seen.
 */
export type Expr =
  | { readonly t: 'lit'; readonly v: string | number | boolean | null }
  | { readonly t: 'tpl'; readonly parts: readonly Expr[] }
  /** `local.a`, `var.b[0]`, `vault_mount.kv.path`: names and literal keys in order. */
  | { readonly t: 'ref'; readonly path: readonly (string | number)[]; readonly text: string }
  | { readonly t: 'call'; readonly name: string; readonly args: readonly Expr[] }
  | { readonly t: 'obj'; readonly items: readonly (readonly [Expr, Expr])[] }
  | { readonly t: 'tuple'; readonly items: readonly Expr[] }
  | { readonly t: 'other'; readonly text: string; readonly refs: readonly Expr[] };

export interface HclAttribute {
  readonly name: string;
  readonly line: number;
  readonly value: HclValue;
  readonly expr: Expr;
}

export interface HclBlock {
  readonly type: string;
  readonly labels: string[];
  readonly line: number;
  readonly attributes: ReadonlyMap<string, HclAttribute>;
  readonly blocks: readonly HclBlock[];
  /** The block as tokens, comments and layout left out and attributes in name order: equal means unchanged. */
  readonly canonical: string;
}

export type HclParse =
  /** `attributes`: the top-level ones (HCL native syntax only; Vault's server configuration has them). */
  | { readonly ok: true; readonly blocks: HclBlock[]; readonly attributes?: ReadonlyMap<string, HclAttribute> }
  | { readonly ok: false; readonly line: number; readonly message: string };

let parser: ParserType | null = null;
let loadError: string | null = null;
let loading: Promise<void> | null = null;

/**
 * Loads the parser once (the WASM runtime and the grammar, from the installed packages, never from a bundle
 * folder). A failure is kept and reported on every parse (fail closed), never thrown. Await it before parseHcl.
 */
export function loadHcl(): Promise<void> {
  loading ??= (async () => {
    try {
      const { Parser, Language } = await import('web-tree-sitter');
      const require = createRequire(import.meta.url);
      // Named, not found beside the runtime's module: the CLI bundles that module (into its code cache).
      const runtime = require.resolve('web-tree-sitter/tree-sitter.wasm');
      await Parser.init({ locateFile: () => runtime });
      const wasm = require.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm');
      const p = new Parser();
      const language = await Language.load(wasm);
      p.setLanguage(language);
      kinds = language.types.map((type, id) => ({ type: type ?? 'ERROR', named: language.nodeTypeIsNamed(id) }));
      parser = p;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      loadError = `the HCL parser (web-tree-sitter) could not be loaded: ${reason.split('\n')[0]}`;
    }
  })();
  return loading;
}

const decodeString = (raw: string): string => {
  try {
    return JSON.parse(
      `"${raw
        .replace(/\$\$\{/g, '${')
        .replace(/%%\{/g, '%{')
        .replace(/\n/g, '\\n')}"`,
    ) as string;
  } catch {
    return raw;
  }
};

function firstError(node: SyntaxNode): SyntaxNode | null {
  if (node.type === 'ERROR' || node.isMissing) return node;
  for (const child of node.children) {
    if (child.hasError || child.isMissing || child.type === 'ERROR') {
      const found = firstError(child);
      if (found) return found;
    }
  }
  return null;
}

const placeholderOf = (e: Expr): string =>
  e.t === 'lit'
    ? String(e.v ?? '')
    : `$${(e.t === 'ref' || e.t === 'other' ? e.text : e.t === 'call' ? e.name : 'expr')
        .replace(/^\$\{~?|~?\}$/g, '')
        .trim()
        .replace(/[^A-Za-z0-9_.-]+/g, '_')}`;

/** The simple view of an expression (HclValue) from its tree and source text. */
function valueOf(e: Expr, text: string): HclValue {
  if (e.t === 'lit') {
    if (typeof e.v === 'string') return { kind: 'string', value: e.v };
    if (typeof e.v === 'number') return { kind: 'number', value: e.v };
    if (typeof e.v === 'boolean') return { kind: 'bool', value: e.v };
    return { kind: 'null' };
  }
  if (e.t === 'tpl') {
    if (e.parts.every((p) => p.t === 'lit'))
      return { kind: 'string', value: e.parts.map((p) => String((p as { v: unknown }).v)).join('') };
    return { kind: 'template', text, placeholder: e.parts.map(placeholderOf).join('') };
  }
  return { kind: 'expression', text };
}

/** An expression as comparable text: layout and comments are not in the tree, so equal text means unchanged. */
const canonicalExpr = (e: Expr): string =>
  JSON.stringify(e, (k, v: unknown) => (k === 'text' && typeof v === 'string' ? v.replace(/\s+/g, ' ') : v));

const unwrapExpression = (node: SyntaxNode): SyntaxNode => {
  let n = node;
  while (n.type === 'expression' && n.namedChildCount === 1) n = n.firstNamedChild as SyntaxNode;
  return n;
};

function collectRefs(node: SyntaxNode, out: Expr[]): void {
  if (node.type === 'expression' && node.namedChildren[0]?.type === 'variable_expr') {
    const r = toExpr(node);
    if (r.t === 'ref') out.push(r);
  }
  for (const c of node.namedChildren) collectRefs(c, out);
}

/**
 * The parts of a template: the literal text between interpolations is taken from the source (the grammar's
 * literal tokens leave out whitespace next to an interpolation); a heredoc's body loses its first newline, its
 * closing line and, for `<<-`, the indentation common to its lines.
 */
function templateParts(template: SyntaxNode, heredoc: boolean): Expr[] {
  const text = template.text;
  const children = template.namedChildren;
  const inner = children.filter((c) => c.type === 'template_interpolation' || c.type === 'template_directive');
  const opener = heredoc
    ? children.find((c) => c.type === 'heredoc_identifier')
    : children.find((c) => c.type === 'quoted_template_start');
  let cursor = opener ? text.indexOf(opener.text) + opener.text.length : 0;
  const closer = heredoc
    ? children.filter((c) => c.type === 'heredoc_identifier').at(-1)
    : children.find((c) => c.type === 'quoted_template_end');
  const end = closer && closer !== opener ? text.lastIndexOf(closer.text) : text.length;
  const raw: string[] = [];
  const exprs: Expr[] = [];
  for (const c of inner) {
    const at = text.indexOf(c.text, cursor);
    raw.push(text.slice(cursor, at));
    cursor = at + c.text.length;
    if (c.type === 'template_interpolation') {
      const e = c.namedChildren.find((x) => x.type === 'expression');
      exprs.push(e ? toExpr(e) : { t: 'other', text: c.text, refs: [] });
    } else {
      const refs: Expr[] = [];
      collectRefs(c, refs);
      exprs.push({ t: 'other', text: c.text, refs });
    }
  }
  raw.push(text.slice(cursor, Math.max(cursor, end)));
  let literals = raw;
  if (heredoc) {
    const marker = '\u0000';
    let body = raw
      .join(marker)
      .replace(/^[^\n]*\n/, '')
      .replace(/\n[ \t]*$/, '\n');
    if (/^<<-/.test(text)) {
      const indents = body
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0);
      const cut = indents.reduce((a, b) => Math.min(a, b), indents[0] ?? 0);
      body = body
        .split('\n')
        .map((l) => l.slice(Math.min(cut, /^[ \t]*/.exec(l)?.[0].length ?? 0)))
        .join('\n');
    }
    literals = body.split(marker);
  } else literals = raw.map(decodeString);
  const parts: Expr[] = [];
  literals.forEach((l, i) => {
    if (l) parts.push({ t: 'lit', v: l });
    const e = exprs[i];
    if (e) parts.push(e);
  });
  return parts;
}

/** The expression tree of an HCL expression node. */
function toExpr(expression: SyntaxNode): Expr {
  const node = unwrapExpression(expression);
  if (node.type === 'literal_value') {
    const lit = node.firstNamedChild;
    if (lit?.type === 'numeric_lit') return { t: 'lit', v: Number(lit.text) };
    if (lit?.type === 'bool_lit') return { t: 'lit', v: lit.text === 'true' };
    if (lit?.type === 'null_lit') return { t: 'lit', v: null };
    if (lit?.type === 'string_lit')
      return {
        t: 'lit',
        v: decodeString(
          lit.namedChildren
            .filter((c) => c.type === 'template_literal')
            .map((c) => c.text)
            .join(''),
        ),
      };
  }
  if (node.type === 'template_expr') {
    const template = node.firstNamedChild;
    return template
      ? { t: 'tpl', parts: templateParts(template, template.type === 'heredoc_template') }
      : { t: 'lit', v: '' };
  }
  const head = node.type === 'expression' ? node.firstNamedChild : null;
  if (head?.type === 'variable_expr') {
    const path: (string | number)[] = [head.text];
    let simple = true;
    for (const c of node.namedChildren.slice(1)) {
      if (c.type === 'get_attr') path.push(c.namedChildren[0]?.text ?? '');
      else if (c.type === 'index') {
        const k = c.namedChildren[0]?.type === 'legacy_index' ? null : c.namedChildren[0]?.namedChildren[0];
        const key = k ? toExpr(k) : null;
        if (key?.t === 'lit' && (typeof key.v === 'string' || typeof key.v === 'number')) path.push(key.v);
        else simple = false;
      } else simple = false;
      if (!simple) break;
    }
    if (simple) return { t: 'ref', path, text: node.text };
  }
  if (node.type === 'variable_expr') return { t: 'ref', path: [node.text], text: node.text };
  if (node.type === 'function_call') {
    const name = node.firstNamedChild?.text ?? '';
    const args = node.namedChildren.find((c) => c.type === 'function_arguments');
    const expanded = args?.children.some((c) => c.type === '...');
    if (!expanded)
      return { t: 'call', name, args: (args?.namedChildren ?? []).filter((c) => c.type === 'expression').map(toExpr) };
  }
  if (node.type === 'collection_value') {
    const coll = node.firstNamedChild;
    if (coll?.type === 'tuple')
      return { t: 'tuple', items: coll.namedChildren.filter((c) => c.type === 'expression').map(toExpr) };
    if (coll?.type === 'object') {
      const items = coll.namedChildren
        .filter((c) => c.type === 'object_elem')
        .map((e) => {
          // The grammar's `key` and `val` fields: its two expressions (comments are named nodes too).
          const [k, v] = e.namedChildren.filter((x) => x.type === 'expression');
          const key = k ? toExpr(k) : ({ t: 'lit', v: '' } as Expr);
          // An unquoted object key is its own name, not a reference.
          const literalKey: Expr =
            key.t === 'ref' && key.path.length === 1 ? { t: 'lit', v: String(key.path[0]) } : key;
          return [literalKey, v ? toExpr(v) : ({ t: 'lit', v: null } as Expr)] as const;
        });
      return { t: 'obj', items };
    }
  }
  const refs: Expr[] = [];
  collectRefs(node, refs);
  return { t: 'other', text: node.text, refs };
}

function readBlock(node: SyntaxNode): HclBlock {
  const named = node.namedChildren;
  const type = named[0]?.text ?? '';
  const labels: string[] = [];
  let body: SyntaxNode | null = null;
  for (const c of named.slice(1)) {
    if (c.type === 'string_lit')
      labels.push(
        decodeString(
          c.namedChildren
            .filter((x) => x.type === 'template_literal')
            .map((x) => x.text)
            .join(''),
        ),
      );
    else if (c.type === 'identifier') labels.push(c.text);
    else if (c.type === 'body') body = c;
  }
  const { attributes, blocks, canonical } = readBody(body);
  return {
    type,
    labels,
    line: node.startPosition.row + 1,
    attributes,
    blocks,
    canonical: `${type} ${labels.map((l) => JSON.stringify(l)).join(' ')} {${canonical}}`,
  };
}

function readBody(body: SyntaxNode | null): {
  attributes: Map<string, HclAttribute>;
  blocks: HclBlock[];
  canonical: string;
} {
  const attributes = new Map<string, HclAttribute>();
  const blocks: HclBlock[] = [];
  const attrCanon: string[] = [];
  for (const c of body?.namedChildren ?? []) {
    if (c.type === 'attribute') {
      const name = c.firstNamedChild?.text ?? '';
      const expr = c.namedChild(1);
      if (!expr) continue;
      const tree = toExpr(expr);
      attributes.set(name, { name, line: c.startPosition.row + 1, value: valueOf(tree, expr.text), expr: tree });
      attrCanon.push(`${name}=${canonicalExpr(tree)}`);
    } else if (c.type === 'block') blocks.push(readBlock(c));
  }
  attrCanon.sort();
  return { attributes, blocks, canonical: [...attrCanon, ...blocks.map((b) => b.canonical)].join(';') };
}

/** Parses HCL2 native syntax; the parser must have been loaded (`await loadHcl()`), or the text is not read. */
export function parseHcl(text: string): HclParse {
  const p = parser;
  if (!p)
    return {
      ok: false,
      line: 1,
      message: `cannot be read: ${loadError ?? 'the HCL parser was not loaded (await loadHcl() first)'}`,
    };
  let tree: ReturnType<ParserType['parse']>;
  try {
    tree = p.parse(text);
  } catch (error) {
    return {
      ok: false,
      line: 1,
      message: `cannot be read: the HCL parser failed (${(error as Error).message.split('\n')[0]})`,
    };
  }
  if (!tree) return { ok: false, line: 1, message: 'cannot be read: the HCL parser returned no tree' };
  // The tree lives in WASM memory until deleted; everything needed is copied into plain objects first.
  let root: SyntaxNode;
  const cursor = tree.walk();
  try {
    root = copyTree(cursor, text, tree.rootNode.hasError);
  } finally {
    cursor.delete();
    tree.delete();
  }
  if (root.hasError) {
    const bad = firstError(root);
    const line = (bad?.startPosition.row ?? 0) + 1;
    return {
      ok: false,
      line,
      message: `does not parse as HCL (${bad?.isMissing ? `missing ${bad.type}` : 'unexpected input'} at line ${line})`,
    };
  }
  const body = root.namedChildren.find((c) => c.type === 'body') ?? null;
  const read = readBody(body);
  lastBodyAttrs = read.attributes;
  return { ok: true, blocks: read.blocks, attributes: read.attributes };
}

const jsonValue = (v: unknown): HclValue => {
  if (typeof v === 'string')
    return v.includes('${') || v.includes('%{')
      ? {
          kind: 'template',
          text: v,
          placeholder: v.replace(/\$\{([^}]*)\}/g, (_, e: string) => `$${e.trim().replace(/[^A-Za-z0-9_.-]+/g, '_')}`),
        }
      : { kind: 'string', value: v };
  if (typeof v === 'number') return { kind: 'number', value: v };
  if (typeof v === 'boolean') return { kind: 'bool', value: v };
  if (v === null) return { kind: 'null' };
  return { kind: 'expression', text: JSON.stringify(v) };
};

const canonicalJson = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(canonicalJson).join(',')}]`
    : v && typeof v === 'object'
      ? `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : JSON.stringify(v);

/** A JSON string of a .tf.json file as an expression: `${…}` templates are read by the HCL parser. */
function jsonStringExpr(v: string): Expr {
  if (!v.includes('${') && !v.includes('%{')) return { t: 'lit', v };
  const parsed = parseHcl(`v = ${JSON.stringify(v)}\n`);
  const attr = parsed.ok ? lastBodyAttrs?.get('v') : undefined;
  return attr ? attr.expr : { t: 'other', text: v, refs: [] };
}

/** The attributes of the last parsed top-level body (parseHcl keeps them for jsonStringExpr). */
let lastBodyAttrs: ReadonlyMap<string, HclAttribute> | null = null;

function jsonExpr(v: unknown): Expr {
  if (typeof v === 'string') return jsonStringExpr(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return { t: 'lit', v };
  if (Array.isArray(v)) return { t: 'tuple', items: v.map(jsonExpr) };
  if (v && typeof v === 'object')
    return {
      t: 'obj',
      items: Object.entries(v as Record<string, unknown>).map(([k, x]) => [{ t: 'lit', v: k }, jsonExpr(x)] as const),
    };
  return { t: 'other', text: String(v), refs: [] };
}

/** Terraform JSON accepts an array of objects wherever it accepts an object of blocks: both read the same. */
const objects = (v: unknown): Record<string, unknown>[] =>
  (Array.isArray(v) ? v : [v]).filter(
    (x): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x),
  );

/** Nested block types of resource bodies written as JSON objects (the rest stay object-valued attributes). */
const JSON_NESTED = new Set(['lifecycle', 'set', 'connection', 'dynamic']);

/**
 * Terraform JSON syntax (.tf.json, .tofu.json), read into the same shape as HCL, in object and array forms.
 * Lines are found by searching forward from the previous block, so a large file is read in one pass.
 */
/**
 * The first key that appears twice in one object of a valid JSON text (`"//"` comments aside), with its line. HCL's
 * JSON syntax keeps every repeated property (a block type given twice is two blocks), where JSON.parse keeps the
 * last: a repeated key would hide blocks from the gate.
 */
function repeatedKey(text: string): { key: string; line: number } | null {
  const frames: { keys: Set<string> | null; expectKey: boolean }[] = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '{') frames.push({ keys: new Set(), expectKey: true });
    else if (c === '[') frames.push({ keys: null, expectKey: false });
    else if (c === '}' || c === ']') frames.pop();
    else if (c === ',') {
      const top = frames.at(-1);
      if (top?.keys) top.expectKey = true;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = frames.at(-1);
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (key !== '//' && top.keys.has(key)) return { key, line };
        top.keys.add(key);
        top.expectKey = false;
      }
      i = j;
    }
  }
  return null;
}

export function parseTfJson(text: string): HclParse {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return { ok: false, line: 1, message: `is not valid JSON (${(error as Error).message})` };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    return { ok: false, line: 1, message: 'does not have a JSON object at its top level' };
  const repeated = repeatedKey(text);
  if (repeated) {
    const message =
      `repeats the key ${JSON.stringify(repeated.key)} in one object at line ${repeated.line}: Terraform reads ` +
      'every one of them (two "resource" keys are two sets of resources), JSON.parse keeps only the last';
    return { ok: false, line: repeated.line, message };
  }
  let cursor = 0;
  let cursorLine = 1;
  const lineOf = (needle: string): number => {
    const at = text.indexOf(JSON.stringify(needle), cursor);
    if (at === -1) return cursorLine;
    for (let i = cursor; i < at; i++) if (text.charCodeAt(i) === 10) cursorLine++;
    cursor = at;
    return cursorLine;
  };
  const blocks: HclBlock[] = [];
  const make = (type: string, labels: string[], body: unknown): HclBlock => {
    const line = lineOf(labels.at(-1) ?? type);
    const attributes = new Map<string, HclAttribute>();
    const nested: HclBlock[] = [];
    for (const b of objects(body)) {
      for (const [k, v] of Object.entries(b)) {
        if (k === 'provisioner') {
          for (const p of objects(v))
            for (const [kind, pb] of Object.entries(p))
              for (const one of objects(pb)) nested.push(make('provisioner', [kind], one));
        } else if (JSON_NESTED.has(k) && v && typeof v === 'object') {
          for (const one of objects(v)) nested.push(make(k, [], one));
        } else attributes.set(k, { name: k, line: lineOf(k), value: jsonValue(v), expr: jsonExpr(v) });
      }
    }
    return {
      type,
      labels,
      line,
      attributes,
      blocks: nested,
      canonical: `${type} ${labels.join(' ')} ${canonicalJson(body)}`,
    };
  };
  for (const top of objects(doc)) {
    for (const [type, value] of Object.entries(top)) {
      if (type === 'resource' || type === 'data') {
        for (const byType of objects(value)) {
          for (const [rtype, byName] of Object.entries(byType)) {
            for (const named of objects(byName))
              for (const [name, body] of Object.entries(named)) blocks.push(make(type, [rtype, name], body));
          }
        }
      } else if (type === 'module' || type === 'provider' || type === 'variable' || type === 'output') {
        for (const byName of objects(value)) {
          for (const [name, body] of Object.entries(byName))
            for (const b of objects(body)) blocks.push(make(type, [name], b));
        }
      } else if (type === 'locals') {
        for (const b of objects(value)) blocks.push(make('locals', [], b));
      } else if (type === 'removed' || type === 'moved' || type === 'import' || type === 'terraform') {
        for (const b of objects(value)) blocks.push(make(type, [], b));
      }
    }
  }
  return { ok: true, blocks };
}
