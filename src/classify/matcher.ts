import { catalogue, excludedReads, type CatalogueEntry } from './catalogue.js';

/**
 * A segment trie over the catalogue. Literal children are tried before `:one` and `*many` children, so the most
 * specific pattern wins (`mfa/method/totp/:name/generate` over `mfa/method/:type/:name`); a `*many` child consumes
 * as few segments as it can, so `mounts/a/b/tune` is the tune endpoint of mount `a/b`.
 */
interface TrieNode<T> {
  lit: Map<string, TrieNode<T>>;
  one: TrieNode<T> | null;
  many: TrieNode<T> | null;
  value: T | null;
}

const node = <T>(): TrieNode<T> => ({ lit: new Map(), one: null, many: null, value: null });

/** Stands in for a segment that holds an unexpanded variable: it matches parameters but no literal. */
export const WILDCARD_SEGMENT = '\u0000var';

export class SegmentTrie<T> {
  private readonly root: TrieNode<T> = node();

  add(pattern: string, value: T): void {
    let n = this.root;
    for (const seg of pattern.split('/')) {
      if (seg.startsWith(':')) n = n.one ??= node();
      else if (seg.startsWith('*')) n = n.many ??= node();
      else {
        let next = n.lit.get(seg);
        if (!next) n.lit.set(seg, (next = node()));
        n = next;
      }
    }
    if (n.value !== null) throw new Error(`duplicate catalogue pattern ${pattern}`);
    n.value = value;
  }

  match(segments: readonly string[], start = 0): T | null {
    return this.walk(this.root, segments, start);
  }

  private walk(n: TrieNode<T>, segs: readonly string[], i: number): T | null {
    if (i === segs.length) return n.value;
    const seg = segs[i] as string;
    const lit = n.lit.get(seg);
    if (lit) {
      const found = this.walk(lit, segs, i + 1);
      if (found !== null) return found;
    }
    if (n.one) {
      const found = this.walk(n.one, segs, i + 1);
      if (found !== null) return found;
    }
    if (n.many) {
      for (let j = i + 1; j <= segs.length; j++) {
        const found = this.walk(n.many, segs, j);
        if (found !== null) return found;
      }
    }
    return null;
  }
}

export interface CompiledEntry extends CatalogueEntry {
  readonly reads: ReadonlySet<string>;
  readonly writes: ReadonlySet<string>;
}

const methodSet = (list: string | undefined): ReadonlySet<string> => {
  const set = new Set<string>();
  for (const m of (list ?? '').split(' ')) {
    if (!m) continue;
    set.add(m);
    if (m === 'POST') set.add('PUT'); // Vault maps POST and PUT to the same update operation
  }
  return set;
};

let sysTrie: SegmentTrie<CompiledEntry> | null = null;
let excludedReadTrie: SegmentTrie<true> | null = null;

/** The compiled catalogue, built once on first use. */
export function sysCatalogue(): SegmentTrie<CompiledEntry> {
  if (sysTrie) return sysTrie;
  const trie = new SegmentTrie<CompiledEntry>();
  for (const e of catalogue) trie.add(e.p, { ...e, reads: methodSet(e.r), writes: methodSet(e.w) });
  return (sysTrie = trie);
}

export function excludedReadCatalogue(): SegmentTrie<true> {
  if (excludedReadTrie) return excludedReadTrie;
  const trie = new SegmentTrie<true>();
  for (const p of excludedReads) trie.add(p, true);
  return (excludedReadTrie = trie);
}
