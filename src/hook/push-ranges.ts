import { hasCommit, newCommits, parentsOf } from '../git/git.js';

/** One line of pre-push input: `<local ref> <local oid> <remote ref> <remote oid>` (githooks). */
export interface PushLine {
  readonly localRef: string;
  readonly localOid: string;
  readonly remoteRef: string;
  readonly remoteOid: string;
}

/** What one ref's push changes: compare `base` (null: nothing) with `head`. */
export interface PushRange {
  readonly ref: string;
  readonly base: string | null;
  readonly head: string;
  /** How the base was found, for messages. */
  readonly how: 'update' | 'new-ref' | 'remote-unknown-locally' | 'force';
}

const ZERO = /^0+$/;

export function parsePushLines(text: string): PushLine[] | { problem: string } {
  const out: PushLine[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const parts = line.trim().split(' ');
    if (parts.length !== 4 || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(parts[1] as string) || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(parts[3] as string)) {
      return { problem: `line ${i + 1} of the push input is not "<local ref> <local oid> <remote ref> <remote oid>"` };
    }
    const [localRef, localOid, remoteRef, remoteOid] = parts as [string, string, string, string];
    out.push({ localRef, localOid, remoteRef, remoteOid });
  }
  return out;
}

/**
 * The range each pushed ref adds, as git documents the protocol: deletions are skipped; an update compares the
 * remote's commit with the local one (force pushes too: it is the net change of the tree); a new ref, or an update
 * whose remote commit is not known here (someone pushed meanwhile), compares the parent of the oldest commit that
 * no ref of the remote has yet (nothing, for a root commit) with the local commit.
 */
export async function pushRanges(cwd: string, lines: readonly PushLine[], remote: string | null): Promise<PushRange[]> {
  const out: PushRange[] = [];
  for (const l of lines) {
    if (ZERO.test(l.localOid)) continue; // a deletion pushes no content
    if (!ZERO.test(l.remoteOid) && (await hasCommit(cwd, l.remoteOid))) {
      out.push({ ref: l.remoteRef, base: l.remoteOid, head: l.localOid, how: 'update' });
      continue;
    }
    const fresh = await newCommits(cwd, l.localOid, remote);
    if (fresh.length === 0) continue; // every commit is already on the remote: nothing new
    const parents = await parentsOf(cwd, fresh[0] as string);
    out.push({ ref: l.remoteRef, base: parents[0] ?? null, head: l.localOid, how: ZERO.test(l.remoteOid) ? 'new-ref' : 'remote-unknown-locally' });
  }
  return out;
}
