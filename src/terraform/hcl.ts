import { createRequire } from 'node:module';
import type ParserType from 'tree-sitter';

/**
 * The only importer of tree-sitter: HCL2 (.tf) and Terraform JSON (.tf.json) read into blocks with line numbers.
 *
 * Why tree-sitter-hcl: it parses real HCL2 (heredocs, templates, for expressions, dynamic blocks) with byte and
 * line positions, starts in about 10 ms and parses in well under 1 ms per file; the hcl2json family (Go on WASM)
 * needs 150-190 ms before its first parse and gives no line numbers, and HashiCorp's @cdktf/hcl2json is archived.
 */

type SyntaxNode = ParserType.SyntaxNode;

export type HclValue =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'null' }
  /** A string with interpolations: `placeholder` has each `${…}` as `$name`, for paths that are partly known. */
  | { readonly kind: 'template'; readonly text: string; readonly placeholder: string }
  /** Anything else: references, function calls, collections, conditionals. Known only at plan time. */
  | { readonly kind: 'expression'; readonly text: string };

export interface HclAttribute {
  readonly name: string;
  readonly line: number;
  readonly value: HclValue;
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

export type HclParse = { readonly ok: true; readonly blocks: HclBlock[] } | { readonly ok: false; readonly line: number; readonly message: string };

let parser: ParserType | null = null;
let loadError: string | null = null;

/** Loads the native parser once; a failure is kept and reported on every parse (fail closed), never thrown. */
function getParser(): ParserType | null {
  if (parser || loadError) return parser;
  try {
    const require = createRequire(import.meta.url);
    const Parser = require('tree-sitter') as typeof ParserType;
    const language = require('@tree-sitter-grammars/tree-sitter-hcl') as unknown;
    const p = new Parser();
    p.setLanguage(language as Parameters<ParserType['setLanguage']>[0]);
    parser = p;
  } catch (error) {
    loadError = `the HCL parser (tree-sitter) could not be loaded: ${(error as Error).message.split('\n')[0]}`;
  }
  return parser;
}

const decodeString = (raw: string): string => {
  try {
    return JSON.parse(`"${raw.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{').replace(/\n/g, '\\n')}"`) as string;
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

function leafTokens(node: SyntaxNode, out: string[]): void {
  if (node.type === 'comment') return;
  if (node.childCount === 0) {
    out.push(node.text);
    return;
  }
  for (const c of node.children) leafTokens(c, out);
}

function readValue(expression: SyntaxNode): HclValue {
  const node = expression.namedChildCount === 1 ? (expression.namedChildren[0] as SyntaxNode) : expression;
  const text = expression.text;
  if (node.type === 'literal_value') {
    const lit = node.namedChildren[0];
    if (lit?.type === 'numeric_lit') return { kind: 'number', value: Number(lit.text) };
    if (lit?.type === 'bool_lit') return { kind: 'bool', value: lit.text === 'true' };
    if (lit?.type === 'null_lit') return { kind: 'null' };
    if (lit?.type === 'string_lit') {
      return { kind: 'string', value: decodeString(lit.namedChildren.filter((c) => c.type === 'template_literal').map((c) => c.text).join('')) };
    }
  }
  if (node.type === 'template_expr') {
    const template = node.namedChildren[0];
    const parts = template?.namedChildren ?? [];
    const hasDirective = parts.some((p) => p.type === 'template_interpolation' || p.type === 'template_directive');
    const literal = parts.filter((p) => p.type === 'template_literal').map((p) => p.text).join('');
    if (!hasDirective) return { kind: 'string', value: template?.type === 'heredoc_template' ? literal : decodeString(literal) };
    const placeholder = parts
      .map((p) => {
        if (p.type === 'template_literal') return p.text;
        if (p.type === 'template_interpolation') return `$${p.text.replace(/^\$\{~?|~?\}$/g, '').trim().replace(/[^A-Za-z0-9_.-]+/g, '_')}`;
        if (p.type === 'template_directive') return '$directive';
        return '';
      })
      .join('');
    return { kind: 'template', text, placeholder };
  }
  return { kind: 'expression', text };
}

function readBlock(node: SyntaxNode): HclBlock {
  const named = node.namedChildren;
  const type = named[0]?.text ?? '';
  const labels: string[] = [];
  let body: SyntaxNode | null = null;
  for (const c of named.slice(1)) {
    if (c.type === 'string_lit') labels.push(decodeString(c.namedChildren.filter((x) => x.type === 'template_literal').map((x) => x.text).join('')));
    else if (c.type === 'identifier') labels.push(c.text);
    else if (c.type === 'body') body = c;
  }
  const { attributes, blocks, canonical } = readBody(body);
  return { type, labels, line: node.startPosition.row + 1, attributes, blocks, canonical: `${type} ${labels.map((l) => JSON.stringify(l)).join(' ')} {${canonical}}` };
}

function readBody(body: SyntaxNode | null): { attributes: Map<string, HclAttribute>; blocks: HclBlock[]; canonical: string } {
  const attributes = new Map<string, HclAttribute>();
  const blocks: HclBlock[] = [];
  const attrCanon: string[] = [];
  for (const c of body?.namedChildren ?? []) {
    if (c.type === 'attribute') {
      const name = c.namedChildren[0]?.text ?? '';
      const expr = c.namedChildren[1];
      if (!expr) continue;
      attributes.set(name, { name, line: c.startPosition.row + 1, value: readValue(expr) });
      const tokens: string[] = [];
      leafTokens(expr, tokens);
      attrCanon.push(`${name}=${tokens.join(' ')}`);
    } else if (c.type === 'block') blocks.push(readBlock(c));
  }
  attrCanon.sort();
  return { attributes, blocks, canonical: [...attrCanon, ...blocks.map((b) => b.canonical)].join(';') };
}

/** Parses HCL2 native syntax. */
export function parseHcl(text: string): HclParse {
  const p = getParser();
  if (!p) return { ok: false, line: 1, message: `cannot be read: ${loadError ?? 'the HCL parser is not available'}` };
  const tree = p.parse(text, undefined, { bufferSize: Math.max(32 * 1024, text.length * 2 + 1024) });
  const root = tree.rootNode;
  if (root.hasError) {
    const bad = firstError(root);
    const line = (bad?.startPosition.row ?? 0) + 1;
    return { ok: false, line, message: `does not parse as HCL (${bad?.isMissing ? `missing ${bad.type}` : 'unexpected input'} at line ${line})` };
  }
  const body = root.namedChildren.find((c) => c.type === 'body') ?? null;
  return { ok: true, blocks: readBody(body).blocks };
}

const jsonValue = (v: unknown): HclValue => {
  if (typeof v === 'string') return v.includes('${') || v.includes('%{') ? { kind: 'template', text: v, placeholder: v.replace(/\$\{([^}]*)\}/g, (_, e: string) => `$${e.trim().replace(/[^A-Za-z0-9_.-]+/g, '_')}`) } : { kind: 'string', value: v };
  if (typeof v === 'number') return { kind: 'number', value: v };
  if (typeof v === 'boolean') return { kind: 'bool', value: v };
  if (v === null) return { kind: 'null' };
  return { kind: 'expression', text: JSON.stringify(v) };
};

const canonicalJson = (v: unknown): string =>
  Array.isArray(v) ? `[${v.map(canonicalJson).join(',')}]` : v && typeof v === 'object' ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}` : JSON.stringify(v);

/** Terraform JSON syntax (.tf.json): the block types Terraform labels, read into the same shape. Lines are found by search. */
export function parseTfJson(text: string): HclParse {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return { ok: false, line: 1, message: `is not valid JSON (${(error as Error).message})` };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { ok: false, line: 1, message: 'does not have a JSON object at its top level' };
  const lineOf = (needle: string): number => {
    const at = text.indexOf(JSON.stringify(needle));
    return at === -1 ? 1 : text.slice(0, at).split('\n').length;
  };
  const blocks: HclBlock[] = [];
  const make = (type: string, labels: string[], body: unknown): HclBlock => {
    const bodies = Array.isArray(body) ? body : [body];
    const attributes = new Map<string, HclAttribute>();
    const nested: HclBlock[] = [];
    for (const b of bodies) {
      for (const [k, v] of Object.entries((b ?? {}) as Record<string, unknown>)) {
        if ((k === 'lifecycle' || k === 'set') && v && typeof v === 'object') nested.push(...(Array.isArray(v) ? v : [v]).map((x) => make(k, [], x)));
        else attributes.set(k, { name: k, line: lineOf(k), value: jsonValue(v) });
      }
    }
    return { type, labels, line: lineOf(labels.at(-1) ?? type), attributes, blocks: nested, canonical: `${type} ${labels.join(' ')} ${canonicalJson(body)}` };
  };
  for (const [type, value] of Object.entries(doc as Record<string, unknown>)) {
    if (!value || typeof value !== 'object') continue;
    if (type === 'resource' || type === 'data') {
      for (const [rtype, byName] of Object.entries(value as Record<string, unknown>)) {
        for (const [name, body] of Object.entries((byName ?? {}) as Record<string, unknown>)) blocks.push(make(type, [rtype, name], body));
      }
    } else if (type === 'module' || type === 'provider') {
      for (const [name, body] of Object.entries(value as Record<string, unknown>)) {
        for (const b of Array.isArray(body) ? body : [body]) blocks.push(make(type, [name], b));
      }
    } else if (type === 'removed' || type === 'moved' || type === 'import') {
      for (const b of Array.isArray(value) ? value : [value]) blocks.push(make(type, [], b));
    }
  }
  return { ok: true, blocks };
}
