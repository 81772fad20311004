import path from 'node:path';
import {
  changedFiles,
  emptyTree,
  GitError,
  listTree,
  readBlobs,
  repoRoot,
  resolveRev,
  type ChangedFile,
  type TreeEntry,
} from '../git/git.js';
import type { Classification } from '../classify/schema.js';
import { matchesPattern } from '../shared/glob.js';
import { isConfigFile, isTfvarsFile, startParserFor } from './configuration.js';
import { classifyConfigurations, VALUES_FILE, type Side, type UpgradeWatch } from './tf-diff.js';
import { UserError } from '../errors.js';

/** A git range that cannot be read: a usage or configuration problem (exit 2). */
export class GitRangeError extends UserError {
  override readonly name = 'GitRangeError';
}

export function parseRange(range: string): { base: string; head: string } {
  const m = /^([^.\s]+(?:\.[^.\s]+)*)\.\.(\.?)([^.\s]+(?:\.[^.\s]+)*)?$/.exec(range);
  if (!m || m[2] === '.')
    throw new GitRangeError(`"${range}" is not a range: write BASE..HEAD (for example origin/main..HEAD)`);
  return { base: m[1] as string, head: m[3] ?? 'HEAD' };
}

/**
 * Classifies the net change of `.tf` and `.tf.json` files between two revisions of the repository at `cwd` (plus
 * watched upgrade files). Reads every blob with one git process.
 */
export async function classifyGitRange(
  cwd: string,
  base: string,
  head: string,
  options: { upgradeWatch?: readonly UpgradeWatch[] } = {},
): Promise<Classification[]> {
  const root = await repoRoot(cwd);
  if (!root) throw new GitRangeError(`${cwd} is not inside a git repository`);
  const [b, h] = [await resolveRev(root, base), await resolveRev(root, head)];
  if (!b) throw new GitRangeError(`the revision "${base}" does not exist in this repository`);
  if (!h) throw new GitRangeError(`the revision "${head}" does not exist in this repository`);
  return classifyCommits(root, b, h, options);
}

const SYMLINK = '120000';

/**
 * Which module folders a change touches: those of every changed (or renamed) configuration and tfvars file, by
 * name on either side; and how a symbolic link's target is found inside the repository.
 */
function collectConfigurations(files: readonly ChangedFile[]) {
  const changed = new Set(files.flatMap((f) => [f.from, f.path]));
  const dirs = new Set<string>();
  for (const p of changed) if (isConfigFile(p) || isTfvarsFile(p)) dirs.add(path.posix.dirname(p));
  const targetOf = (link: string, target: string): string | null => {
    if (target.startsWith('/')) return null;
    const joined = path.posix.normalize(path.posix.join(path.posix.dirname(link), target));
    return joined.startsWith('../') || joined === '..' ? null : joined;
  };
  return { changed, dirs, targetOf };
}

/** The same, between two commit ids (the hook's entry point). `base` null means "from nothing" (a root commit). */
export async function classifyCommits(
  root: string,
  base: string | null,
  head: string,
  options: { upgradeWatch?: readonly UpgradeWatch[] } = {},
): Promise<Classification[]> {
  // The empty tree stands for "nothing" so that a first commit is compared with no files.
  const from = base ?? (await emptyTree(root));
  let files: ChangedFile[];
  let trees: { before: TreeEntry[]; after: TreeEntry[] };
  try {
    // Nothing to list in the empty tree: one git process less.
    const [changed, before, after] = await Promise.all([
      changedFiles(root, from, head),
      base === null ? Promise.resolve([]) : listTree(root, from),
      listTree(root, head),
    ]);
    files = changed;
    trees = { before, after };
  } catch (error) {
    if (error instanceof GitError) throw new GitRangeError(error.message, { cause: error });
    throw error;
  }
  const { changed, dirs, targetOf } = collectConfigurations(files);
  // A folder whose configuration may read a changed file (`triggers = { h = filemd5("${path.module}/x.sh") }`, a
  // provisioner's `file(…)`): every folder of configuration above the file is read too, and compared with the file's
  // text on each side. Only folders whose own configuration changed report files they cannot read.
  const configChanged = new Set(dirs);
  const configDirs = new Set(
    [...trees.before, ...trees.after].filter((e) => isConfigFile(e.path)).map((e) => path.posix.dirname(e.path)),
  );
  for (const p of changed) {
    if (isConfigFile(p) || isTfvarsFile(p)) continue;
    for (let d = path.posix.dirname(p); ; d = path.posix.dirname(d)) {
      if (configDirs.has(d)) dirs.add(d);
      if (d === '.' || d === '/') break;
    }
  }
  startParserFor([...dirs].some((d) => !configChanged.has(d)) ? [...changed, 'x.tf'] : changed);
  // Links to configuration files: their targets (blob text) are read first, then followed within the revision.
  const links = (['before', 'after'] as const).flatMap((side) =>
    trees[side]
      .filter((e) => e.mode === SYMLINK && (isConfigFile(e.path) || isTfvarsFile(e.path)))
      .map((e) => ({ side, e })),
  );
  const linkTexts = await readBlobs(
    root,
    links.map((l) => l.e.oid),
  );
  const byPath = {
    before: new Map(trees.before.map((e) => [e.path, e])),
    after: new Map(trees.after.map((e) => [e.path, e])),
  };
  const resolved = new Map<string, string | null>(); // `${side}\0${link}` → target path or null (outside, dangling)
  for (const { side, e } of links) {
    let target = targetOf(e.path, linkTexts.get(e.oid) ?? '');
    for (let hops = 0; target && byPath[side].get(target)?.mode === SYMLINK && hops < 8; hops++) {
      const next = byPath[side].get(target) as TreeEntry;
      target = targetOf(target, (await readBlobs(root, [next.oid])).get(next.oid) ?? '');
    }
    if (target && !byPath[side].has(target)) target = null;
    resolved.set(`${side}\0${e.path}`, target);
    if (target && changed.has(target)) dirs.add(path.posix.dirname(e.path));
  }
  const wanted = { before: [] as { path: string; oid: string }[], after: [] as { path: string; oid: string }[] };
  const unreadable: { file: string; reason: string }[] = [];
  for (const side of ['before', 'after'] as const) {
    for (const e of trees[side]) {
      if (
        !dirs.has(path.posix.dirname(e.path)) ||
        !(isConfigFile(e.path) || isTfvarsFile(e.path)) ||
        e.mode === '160000'
      )
        continue;
      if (e.mode !== SYMLINK) wanted[side].push({ path: e.path, oid: e.oid });
      else {
        const target = resolved.get(`${side}\0${e.path}`);
        const entry = target ? byPath[side].get(target) : undefined;
        if (entry) wanted[side].push({ path: e.path, oid: entry.oid });
        else if (side === 'after' && configChanged.has(path.posix.dirname(e.path)))
          unreadable.push({
            file: e.path,
            reason: 'is a symbolic link to a file outside the repository (or to nothing)',
          });
      }
    }
  }
  const watched = (p: string) =>
    VALUES_FILE.test(p) || (options.upgradeWatch ?? []).some((w) => matchesPattern(p, w.files));
  const relevant = files.filter((f) => watched(f.path));
  const blobs = await readBlobs(
    root,
    [...wanted.before, ...wanted.after].map((w) => w.oid).concat(relevant.flatMap((f) => [f.oldBlob, f.newBlob])),
  );
  const texts = (list: { path: string; oid: string }[]) =>
    new Map(list.flatMap((w) => (blobs.get(w.oid) != null ? [[w.path, blobs.get(w.oid) as string] as const] : [])));
  const changes = relevant.map((f) => ({
    path: f.path,
    before: blobs.get(f.oldBlob) ?? null,
    after: blobs.get(f.newBlob) ?? null,
  }));
  const revOf = (side: Side) => (side === 'before' ? from : head);
  const filesUnder = (side: Side, dir: string) =>
    trees[side].filter((e) => e.path.startsWith(dir === '.' ? '' : `${dir}/`)).map((e) => e.path);
  return classifyConfigurations(
    { before: texts(wanted.before), after: texts(wanted.after), dirs: [...dirs], unreadable },
    changes,
    {
      ...(options.upgradeWatch ? { upgradeWatch: options.upgradeWatch } : {}),
      readFile: async (side, file) =>
        (await readBlobs(root, [`${revOf(side)}:${file}`])).get(`${revOf(side)}:${file}`) ?? null,
      readFiles: async (side, list) => {
        const got = await readBlobs(
          root,
          list.map((f) => `${revOf(side)}:${f}`),
        );
        return new Map(list.map((f) => [f, got.get(`${revOf(side)}:${f}`) ?? null]));
      },
      listDir: async (side, dir) => filesUnder(side, dir),
    },
  );
}
