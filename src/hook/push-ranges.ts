import { commitsNotIn, fetchCommit, hasCommit, isNamedRemote, lsRemote, mergeBase } from '../git/git.js';
import { presentCommits, trackedCommits, trackedDefault, trackingRefHolds, type RemoteRefs } from '../git/git.js';

/** One line of pre-push input: `<local ref> <local oid> <remote ref> <remote oid>` (githooks). */
export interface PushLine {
  readonly localRef: string;
  readonly localOid: string;
  readonly remoteRef: string;
  readonly remoteOid: string;
}

/** What one ref's push changes: compare `base` (null: nothing, i.e. the whole history of `head`) with `head`. */
export interface PushRange {
  readonly ref: string;
  readonly base: string | null;
  readonly head: string;
  /**
   * How the base was found: `update` (the ref's old value on the remote), `new-ref` (where the pushed commits leave
   * what the remote already has), `whole-history` (nothing the remote has could be established: fail closed).
   */
  readonly how: 'update' | 'new-ref' | 'whole-history';
  /** Why the range is not the plain `old..new`, for the hook's message; absent when it is. */
  readonly note?: string;
}

/** Where the push goes, as git says it: `$1` and `$2`. */
export interface PushTarget {
  /** `$1` when it differs from the URL: a remote's name if it is configured as one (then its tracking refs count). */
  readonly name: string | null;
  /** What git pushes to (`$2`; else `$1`): asked for refs and fetched from. Null when unknown. */
  readonly url: string | null;
}

/** The target with `remote` set only to a configured remote's name. */
interface Resolved {
  readonly remote: string | null;
  readonly url: string | null;
}

const ZERO = /^0+$/;
const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const short = (oid: string) => oid.slice(0, 12);

/** A URL or git message as it may be shown: no credentials (`//user:pass@`), no query string. */
const shown = (text: string): string => text.replace(/(\/\/)[^/@\s]*@/g, '$1').replace(/\?[^\s'"]*/g, '');

export function parsePushLines(text: string): PushLine[] | { problem: string } {
  const out: PushLine[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const parts = line.trim().split(' ');
    if (parts.length !== 4 || !OID.test(parts[1] as string) || !OID.test(parts[3] as string)) {
      return { problem: `line ${i + 1} of the push input is not "<local ref> <local oid> <remote ref> <remote oid>"` };
    }
    const [localRef, localOid, remoteRef, remoteOid] = parts as [string, string, string, string];
    out.push({ localRef, localOid, remoteRef, remoteOid });
  }
  return out;
}

/** What the remote already has, for a new ref: the commits to exclude, and how they were found. */
interface Known {
  readonly exclude: readonly string[];
  /** Why it is not the default branch (the usual case, which needs no word). */
  readonly note?: string;
}

/**
 * The range each pushed ref adds, and nothing less:
 * - a deletion pushes no content;
 * - an update is `old..new` with the ref's old value on that remote (a force push too: the net change of the ref);
 *   an old value not in this repository is fetched from the remote; if it cannot be, the whole history is judged;
 * - a new ref is what is not reachable from the remote's default branch: compared with the best common ancestor of
 *   the two (nothing when there is none). Only when the default branch cannot be known do the refs that remote
 *   already has count instead (never another remote's); with neither, the whole history is judged.
 */
export async function pushRanges(cwd: string, lines: readonly PushLine[], target: PushTarget): Promise<PushRange[]> {
  const out: PushRange[] = [];
  // Only a ref whose old value is not here needs to know the remote: asked once per push, and only then.
  let resolved: Resolved | undefined;
  const remote = async (): Promise<Resolved> => {
    if (resolved) return resolved;
    // Its tracking refs count only when they are of the repository pushed to (not with a pushurl elsewhere).
    const named = target.name !== null && (await isNamedRemote(cwd, target.name, target.url));
    return (resolved ??= { remote: named ? target.name : null, url: target.url });
  };
  let known: Known | undefined;
  for (const l of lines) {
    if (ZERO.test(l.localOid)) continue;
    if (!ZERO.test(l.remoteOid)) {
      const branch = l.remoteRef.startsWith('refs/heads/') ? l.remoteRef.slice('refs/heads/'.length) : null;
      const tracked = target.name !== null && branch !== null;
      const here =
        (tracked && (await trackingRefHolds(cwd, target.name as string, branch, l.remoteOid))) ||
        (await hasCommit(cwd, l.remoteOid));
      const update = { ref: l.remoteRef, base: l.remoteOid, head: l.localOid, how: 'update' } as const;
      out.push(here ? update : await fetchedRange(cwd, l, await remote()));
      continue;
    }
    known ??= await whatTheRemoteHas(cwd, await remote());
    const { count, boundary } = await commitsNotIn(cwd, l.localOid, known.exclude);
    if (count === 0) continue; // every commit is already there (a tag or a branch on a commit the remote has)
    const base = await baseOf(cwd, l.localOid, boundary);
    const how = known.exclude.length === 0 ? 'whole-history' : 'new-ref';
    const note = known.note ? { note: `${l.remoteRef} is new and ${known.note}` } : {};
    out.push({ ref: l.remoteRef, base, head: l.localOid, how, ...note });
  }
  return out;
}

/**
 * Where new commits leave what the remote has: the one boundary commit; none (they reach a root): nothing; several
 * (merges of what the remote has): their best common ancestor with the pushed commit, or, past what a command line
 * holds, nothing (the whole history, fail closed) rather than a guess.
 */
async function baseOf(cwd: string, head: string, boundary: readonly string[]): Promise<string | null> {
  if (boundary.length <= 1) return boundary[0] ?? null;
  return boundary.length > 2000 ? null : mergeBase(cwd, head, boundary);
}

/** An update whose old value is not here: fetched from the remote to compare with, else the whole history. */
async function fetchedRange(cwd: string, l: PushLine, target: Resolved): Promise<PushRange> {
  const update = { ref: l.remoteRef, base: l.remoteOid, head: l.localOid, how: 'update' } as const;
  const where = target.remote ?? (target.url ? shown(target.url) : 'the remote');
  const failed = target.url ? await fetchCommit(cwd, target.url, l.remoteOid) : 'the push names no remote';
  const problem = failed === null ? null : shown(failed);
  if (problem === null) {
    return { ...update, note: `${where}'s ${l.remoteRef} was at ${short(l.remoteOid)}, fetched to compare` };
  }
  return {
    ref: l.remoteRef,
    base: null,
    head: l.localOid,
    how: 'whole-history',
    note:
      `${where}'s ${l.remoteRef} is at ${short(l.remoteOid)}, which is not in this repository and could not be ` +
      `fetched (${problem}): the whole history of ${short(l.localOid)} is judged`,
  };
}

async function whatTheRemoteHas(cwd: string, target: Resolved): Promise<Known> {
  // The default branch as last fetched is enough and costs no round trip.
  const tracked = target.remote ? await trackedDefault(cwd, target.remote) : null;
  if (tracked) return { exclude: [tracked] };
  const listed: RemoteRefs | { problem: string } = target.url ? await lsRemote(cwd, target.url) : { problem: 'no URL' };
  const asked = 'problem' in listed ? { problem: shown(listed.problem) } : listed;
  if (!('problem' in asked)) {
    const head = asked.head;
    const url = target.url as string;
    const here = async (oid: string) => (await hasCommit(cwd, oid)) || (await fetchCommit(cwd, url, oid)) === null;
    if (head && (await here(head.oid))) return { exclude: [head.oid] };
    const why = head
      ? `the remote's default branch (${head.ref}) could not be fetched`
      : 'the remote has no default branch';
    const branches = [...asked.refs].filter(([ref]) => ref.startsWith('refs/heads/')).map(([, oid]) => oid);
    const theirs = [...(await presentCommits(cwd, branches))];
    if (theirs.length > 0) return { exclude: theirs, note: `${why}: compared with the branches it has` };
    return { exclude: [], note: `${why}, and no branch it has is known here: the whole history is judged` };
  }
  const theirs = target.remote ? await trackedCommits(cwd, target.remote) : [];
  if (theirs.length > 0) {
    const note = `the remote cannot be asked (${asked.problem}); compared with its ${target.remote}/* refs`;
    return { exclude: theirs, note };
  }
  return { exclude: [], note: `the remote cannot be asked (${asked.problem}): the whole history is judged` };
}
