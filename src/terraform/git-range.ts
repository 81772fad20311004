import { changedFiles, emptyTree, GitError, listFiles, readBlobs, repoRoot, resolveRev } from '../git/git.js';
import type { Classification } from '../classify/schema.js';
import { matchesPattern } from '../snapshot/find.js';
import { classifyTerraformChanges, type Side, type UpgradeWatch } from './tf-diff.js';

/** A git range that cannot be read: a usage or configuration problem (exit 2). */
export class GitRangeError extends Error {
  override readonly name = 'GitRangeError';
}

export function parseRange(range: string): { base: string; head: string } {
  const m = /^([^.\s]+(?:\.[^.\s]+)*)\.\.(\.?)([^.\s]+(?:\.[^.\s]+)*)?$/.exec(range);
  if (!m || m[2] === '.') throw new GitRangeError(`"${range}" is not a range: write BASE..HEAD (for example origin/main..HEAD)`);
  return { base: m[1] as string, head: m[3] ?? 'HEAD' };
}

/**
 * Classifies the net change of `.tf` and `.tf.json` files between two revisions of the repository at `cwd` (plus
 * watched upgrade files). Reads every blob with one git process.
 */
export async function classifyGitRange(cwd: string, base: string, head: string, options: { upgradeWatch?: readonly UpgradeWatch[] } = {}): Promise<Classification[]> {
  const root = await repoRoot(cwd);
  if (!root) throw new GitRangeError(`${cwd} is not inside a git repository`);
  const [b, h] = [await resolveRev(root, base), await resolveRev(root, head)];
  if (!b) throw new GitRangeError(`the revision "${base}" does not exist in this repository`);
  if (!h) throw new GitRangeError(`the revision "${head}" does not exist in this repository`);
  return classifyCommits(root, b, h, options);
}

/** The same, between two commit ids (the hook's entry point). `base` null means "from nothing" (a root commit). */
export async function classifyCommits(root: string, base: string | null, head: string, options: { upgradeWatch?: readonly UpgradeWatch[] } = {}): Promise<Classification[]> {
  // The empty tree stands for "nothing" so that a first commit is compared with no files.
  const from = base ?? (await emptyTree(root));
  let files;
  try {
    files = await changedFiles(root, from, head);
  } catch (error) {
    if (error instanceof GitError) throw new GitRangeError(error.message, { cause: error });
    throw error;
  }
  const watched = (p: string) => /\.(ya?ml)$/.test(p) || (options.upgradeWatch ?? []).some((w) => matchesPattern(p, w.files));
  const relevant = files.filter((f) => f.path.endsWith('.tf') || f.path.endsWith('.tf.json') || f.from.endsWith('.tf') || watched(f.path));
  const blobs = await readBlobs(root, relevant.flatMap((f) => [f.oldBlob, f.newBlob]));
  const changes = relevant.map((f) => ({ path: f.path, before: blobs.get(f.oldBlob) ?? null, after: blobs.get(f.newBlob) ?? null }));
  // A rename keeps its old path on the before side, so a block that only moved files is matched by its folder.
  for (const f of relevant) {
    if (f.from !== f.path && changes.some((c) => c.path === f.path)) {
      const c = changes.find((x) => x.path === f.path);
      if (c && f.from.split('/').slice(0, -1).join('/') !== f.path.split('/').slice(0, -1).join('/')) {
        changes.push({ path: f.from, before: c.before, after: null });
        (c as { before: string | null }).before = null;
      }
    }
  }
  const revOf = (side: Side) => (side === 'before' ? from : head);
  return classifyTerraformChanges(changes, {
    ...(options.upgradeWatch ? { upgradeWatch: options.upgradeWatch } : {}),
    readFile: async (side, file) => (await readBlobs(root, [`${revOf(side)}:${file}`])).get(`${revOf(side)}:${file}`) ?? null,
    listDir: (side, dir) => listFiles(root, revOf(side), dir),
  });
}
