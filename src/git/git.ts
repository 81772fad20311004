import { spawn } from 'node:child_process';
import { UserError } from '../errors.js';

/** A wrapped git failure: the root cause is kept as `cause`. */
export class GitError extends UserError {
  override readonly name = 'GitError';
}

/** The few ways of running git this project needs: output as text, a failure as a GitError with git's first line. */
export interface Git {
  raw(args: readonly string[]): Promise<string>;
  revparse(args: readonly string[]): Promise<string>;
}

/**
 * git, run directly rather than through simple-git: loading simple-git cost the hook's start-up more than the git
 * processes it ran, it waited 50 ms after every command that prints nothing, and it had to be told to pass on the
 * GIT_* variables that git sets inside a hook. git inherits this process's environment, as any git hook does.
 */
export function git(cwd: string): Git {
  const raw = async (args: readonly string[]): Promise<string> => {
    const r = await run(cwd, args);
    if (r.code !== 0) throw new GitError(firstLine(r.stderr) || `git ${args[0] ?? ''} exited with ${r.code}`);
    return r.stdout;
  };
  return { raw, revparse: (args) => raw(['rev-parse', ...args]) };
}

/** `Name <email>` from git's configuration, or null when git has none (or there is no git). */
export async function gitUser(cwd: string): Promise<string | null> {
  // One git process for both (the last value of each wins, as with --get).
  const r = await run(cwd, ['config', '--get-regexp', '^user\\.(name|email)$']).catch(() => null);
  let name = '';
  let email = '';
  for (const line of r?.code === 0 ? r.stdout.split('\n') : []) {
    const space = line.indexOf(' ');
    const value = space < 0 ? '' : line.slice(space + 1).trim();
    if (line.startsWith('user.name ')) name = value;
    else if (line.startsWith('user.email ')) email = value;
  }
  if (!name && !email) return null;
  return email ? `${name || email} <${email}>` : name;
}

export interface ChangedFile {
  readonly status: string;
  /** Path before (renames and copies), else the same as `path`. */
  readonly from: string;
  readonly path: string;
  /** Blob ids; the all-zero id where the file does not exist on that side. */
  readonly oldBlob: string;
  readonly newBlob: string;
}

const isZero = (oid: string): boolean => /^0+$/.test(oid);

/** Files changed between two revisions, with their blob ids (`git diff --raw -z -M`). */
export async function changedFiles(cwd: string, base: string, head: string): Promise<ChangedFile[]> {
  let raw: string;
  try {
    raw = await git(cwd).raw([
      'diff',
      '--raw',
      '-z',
      '-M',
      '--no-abbrev',
      '--no-ext-diff',
      '--no-textconv',
      base,
      head,
      '--',
    ]);
  } catch (error) {
    throw new GitError(`git cannot compare ${base} and ${head}: ${firstLine(error)}`, { cause: error });
  }
  const parts = raw.split('\0');
  const out: ChangedFile[] = [];
  for (let i = 0; i + 1 < parts.length;) {
    const meta = parts[i++] as string;
    const m = /^:(\d+) (\d+) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])(\d*)$/.exec(meta);
    if (!m) break;
    const status = m[5] as string;
    const first = parts[i++] as string;
    const second = status === 'R' || status === 'C' ? (parts[i++] as string) : first;
    out.push({ status, from: first, path: second, oldBlob: m[3] as string, newBlob: m[4] as string });
  }
  return out;
}

const firstLine = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).trim().split('\n')[0] ?? '';

/**
 * Reads many blobs (by id or `rev:path`) with one `git cat-file --batch`: one process instead of one per file.
 * One `cat-file --batch` process for every blob, fed on standard input.
 */
export async function readBlobs(cwd: string, specs: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  const wanted = specs.filter((s) => !isZero(s) && !out.has(s));
  for (const s of specs) if (isZero(s)) out.set(s, null);
  if (wanted.length === 0) return out;
  const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(wanted.map((s) => `${s}\n`).join(''));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new GitError(`git cat-file failed: ${stderr.trim().split('\n')[0] ?? code}`);
  const buf = Buffer.concat(chunks);
  let at = 0;
  for (const spec of wanted) {
    const nl = buf.indexOf(10, at);
    const header = buf.toString('utf8', at, nl);
    at = nl + 1;
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!m) {
      out.set(spec, null); // "<spec> missing"
      continue;
    }
    const size = Number(m[2]);
    out.set(spec, m[1] === 'blob' ? buf.toString('utf8', at, at + size) : null);
    at += size + 1;
  }
  return out;
}

/** Files (recursively) under `dir` at a revision. */
export async function listFiles(cwd: string, rev: string, dir: string): Promise<string[]> {
  try {
    const raw = await git(cwd).raw(['ls-tree', '-r', '-z', '--name-only', rev, '--', dir === '.' ? '.' : `${dir}/`]);
    return raw.split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** Resolves a revision to its full object id, or null. */
export async function resolveRev(cwd: string, rev: string): Promise<string | null> {
  try {
    return (
      (await git(cwd).raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`])).trim() || null
    );
  } catch {
    return null;
  }
}

/** The repository's top folder, or null outside one. */
export async function repoRoot(cwd: string): Promise<string | null> {
  const top = await plainTopFolder(cwd);
  if (top) return top;
  try {
    return (await git(cwd).revparse(['--show-toplevel'])).trim() || null;
  } catch {
    return null;
  }
}

/**
 * `cwd` itself when it plainly is a work tree's top folder (a `.git` folder with a HEAD, or a `.git` file pointing
 * elsewhere), which is where git runs hooks from: one git process less on every push. Anything else (GIT_DIR or
 * GIT_WORK_TREE set, a subfolder, a bare repository) is left to `git rev-parse`.
 */
async function plainTopFolder(cwd: string): Promise<string | null> {
  if (process.env.GIT_DIR || process.env.GIT_WORK_TREE) return null;
  const { readFile, realpath, stat } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const dotGit = join(cwd, '.git');
  const info = await stat(dotGit).catch(() => null);
  if (!info) return null;
  const plain = info.isDirectory()
    ? await stat(join(dotGit, 'HEAD')).then(
        (h) => h.isFile(),
        () => false,
      )
    : (await readFile(dotGit, 'utf8').catch(() => '')).startsWith('gitdir: ');
  return plain ? realpath(cwd).catch(() => null) : null;
}

/** Whether an object exists locally and is a commit. */
export async function hasCommit(cwd: string, oid: string): Promise<boolean> {
  return (await run(cwd, ['cat-file', '-e', `${oid}^{commit}`])).code === 0;
}

/**
 * Whether the remote-tracking ref `refs/remotes/<remote>/<branch>` of the plain `.git` folder under `root` holds
 * `oid`, read from the files (loose ref, then packed-refs): the usual pre-push case (the branch was pushed or
 * fetched before) without a git process. False whenever that cannot be told this way; the caller then asks git.
 */
export async function trackingRefHolds(root: string, remote: string, branch: string, oid: string): Promise<boolean> {
  if (!plainRefPart(remote) || !plainRefPart(branch) || branch.split('/').includes('.')) return false;
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const ref = `refs/remotes/${remote}/${branch}`;
  const loose = await readFile(join(root, '.git', ref), 'utf8').catch(() => null);
  if (loose !== null) return loose.trim() === oid;
  const packed = await readFile(join(root, '.git', 'packed-refs'), 'utf8').catch(() => '');
  return packed.split('\n').some((line) => line === `${oid} ${ref}`);
}

interface RunOptions {
  readonly input?: string;
  readonly env?: Readonly<Record<string, string>>;
}

/** What one git process did: its exit code and output. */
interface GitRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs git directly, with this process's environment (inside a hook, git's own GIT_DIR and friends) plus `env`.
 * Never throws for a non-zero exit: the caller decides what a failure means. Standard input is fed when given, so
 * long lists of revisions go through `--stdin` rather than the command line.
 */
async function run(cwd: string, args: readonly string[], options: RunOptions = {}): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd,
      env: options.env ? { ...process.env, ...options.env } : process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => err.push(c));
    child.on('error', (error) => reject(new GitError(`cannot run git: ${firstLine(error)}`, { cause: error })));
    const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8');
    child.on('close', (code) => resolve({ code: code ?? 128, stdout: text(out), stderr: text(err) }));
    // A git that exits before reading all of its input is reported by its exit code, not by EPIPE.
    child.stdin?.on('error', () => {});
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/**
 * The commits reachable from `head` and from none of `exclude` (commit ids, fed on standard input: no limit on
 * how many), and the boundary: the excluded commits they grow from. No boundary means the commits reach a root.
 */
export async function commitsNotIn(
  cwd: string,
  head: string,
  exclude: readonly string[],
): Promise<{ count: number; boundary: string[] }> {
  const input = `${head}\n${[...new Set(exclude)].map((x) => `^${x}\n`).join('')}`;
  const r = await run(cwd, ['rev-list', '--boundary', '--stdin'], { input });
  if (r.code !== 0) throw new GitError(`git cannot list the commits of ${head}: ${firstLine(r.stderr)}`);
  let count = 0;
  const boundary: string[] = [];
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('-')) boundary.push(line.slice(1));
    else if (line) count++;
  }
  return { count, boundary };
}

/** Which of `oids` are commits in this repository: one `git cat-file --batch-check` for all of them. */
export async function presentCommits(cwd: string, oids: readonly string[]): Promise<Set<string>> {
  const wanted = [...new Set(oids)];
  if (wanted.length === 0) return new Set();
  const input = wanted.map((o) => `${o}\n`).join('');
  const r = await run(cwd, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], { input });
  return new Set(
    r.stdout
      .split('\n')
      .filter((l) => l.endsWith(' commit'))
      .map((l) => l.slice(0, l.indexOf(' '))),
  );
}

/** The best common ancestor of `head` and any of `others` (`git merge-base`), or null when they share none. */
export async function mergeBase(cwd: string, head: string, others: readonly string[]): Promise<string | null> {
  const r = await run(cwd, ['merge-base', head, ...others]);
  return r.code === 0 ? r.stdout.trim() || null : null;
}

/**
 * Whether `name` is a configured remote (not a URL or a path given to `git push`) whose remote-tracking refs describe
 * `url`, the repository pushed to: its fetch URL, insteadOf applied, is `url` (any when `url` is null). A remote that
 * pushes elsewhere (`pushurl`, `pushInsteadOf`) is not: its tracking refs are another repository's.
 */
export async function isNamedRemote(cwd: string, name: string, url: string | null = null): Promise<boolean> {
  if (name.includes('\n') || name.startsWith('-')) return false;
  const r = await run(cwd, ['remote', 'get-url', name]);
  return r.code === 0 && (url === null || r.stdout.trim() === url);
}

/** A ref name git itself would accept as the last part of a remote-tracking ref (no globs, no `..`). */
const plainRefPart = (name: string): boolean =>
  /^[^\s*?[\\:^~]+$/.test(name) && !name.includes('..') && !name.startsWith('-');

/** The commit of `refs/remotes/<remote>/HEAD` (the default branch as last fetched), or null. */
export async function trackedDefault(cwd: string, remote: string): Promise<string | null> {
  if (!plainRefPart(remote)) return null;
  const rev = `refs/remotes/${remote}/HEAD^{commit}`;
  const r = await run(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', rev]);
  return r.code === 0 ? r.stdout.trim() || null : null;
}

/** The commits that this remote's tracking refs (`refs/remotes/<remote>/*`, that remote only) point at. */
export async function trackedCommits(cwd: string, remote: string): Promise<string[]> {
  if (!plainRefPart(remote)) return [];
  const r = await run(cwd, ['for-each-ref', '--format=%(objectname) %(objecttype)', `refs/remotes/${remote}/`]);
  if (r.code !== 0) return [];
  return r.stdout
    .split('\n')
    .filter((l) => l.endsWith(' commit'))
    .map((l) => l.slice(0, l.indexOf(' ')));
}

/** What a remote has now (`git ls-remote --symref`): its refs and where its HEAD points, if anywhere. */
export interface RemoteRefs {
  readonly refs: ReadonlyMap<string, string>;
  /** The default branch (the ref HEAD points at) and its commit; null when HEAD is unborn or not advertised. */
  readonly head: { readonly ref: string; readonly oid: string } | null;
}

/** Asks the remote for its refs; never prompts for credentials. A one-line reason when it cannot. */
export async function lsRemote(cwd: string, url: string): Promise<RemoteRefs | { problem: string }> {
  const r = await run(cwd, ['ls-remote', '--symref', '--end-of-options', url], { env: { GIT_TERMINAL_PROMPT: '0' } });
  if (r.code !== 0) return { problem: firstLine(r.stderr) || `git ls-remote exited with ${r.code}` };
  const refs = new Map<string, string>();
  let headRef: string | null = null;
  for (const line of r.stdout.split('\n')) {
    const symref = /^ref: (\S+)\tHEAD$/.exec(line);
    if (symref) headRef = symref[1] as string;
    const plain = /^([0-9a-f]{40}(?:[0-9a-f]{24})?)\t(.+)$/.exec(line);
    if (plain) refs.set(plain[2] as string, plain[1] as string);
  }
  const headOid = headRef ? refs.get(headRef) : undefined;
  return { refs, head: headRef && headOid ? { ref: headRef, oid: headOid } : null };
}

/**
 * Fetches one commit by id from `url` (a remote's advertised tip) into the object store only: no ref, no
 * FETCH_HEAD, no tags, never a credential prompt. Null when done, else git's one-line reason.
 */
export async function fetchCommit(cwd: string, url: string, oid: string): Promise<string | null> {
  const quiet = ['--quiet', '--no-tags', '--no-write-fetch-head', '--no-recurse-submodules', '--no-auto-gc'];
  const args = ['fetch', ...quiet, '--end-of-options', url, oid];
  const r = await run(cwd, args, { env: { GIT_TERMINAL_PROMPT: '0' } });
  if (r.code === 0 && (await hasCommit(cwd, oid))) return null;
  return firstLine(r.stderr) || `git fetch exited with ${r.code}`;
}

/** The id of the empty tree in this repository's hash (SHA-1 or SHA-256). */
export async function emptyTree(cwd: string): Promise<string> {
  const format = (
    await git(cwd)
      .raw(['rev-parse', '--show-object-format'])
      .catch(() => 'sha1')
  ).trim();
  return format === 'sha256'
    ? '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321'
    : '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
}

/** Where git looks for hooks (`git rev-parse --git-path hooks`): honours core.hooksPath. Absolute. */
export async function hooksDir(cwd: string): Promise<string> {
  const raw = (await git(cwd).raw(['rev-parse', '--git-path', 'hooks'])).trim();
  const { isAbsolute, resolve } = await import('node:path');
  return isAbsolute(raw) ? raw : resolve(cwd, raw);
}

export interface TreeEntry {
  /** `100644`, `100755`, `120000` (a symbolic link: its blob is the target path), `160000` (a submodule). */
  readonly mode: string;
  readonly oid: string;
  readonly path: string;
}

/** Every file of a revision, with its mode and blob id (`git ls-tree -r -z --full-tree`): one process. */
export async function listTree(cwd: string, rev: string): Promise<TreeEntry[]> {
  let raw: string;
  try {
    raw = await git(cwd).raw(['ls-tree', '-r', '-z', '--full-tree', rev]);
  } catch (error) {
    throw new GitError(`git cannot list the files of ${rev}: ${firstLine(error)}`, { cause: error });
  }
  const out: TreeEntry[] = [];
  for (const line of raw.split('\0')) {
    const m = /^(\d+) \w+ ([0-9a-f]+)\t([\s\S]*)$/.exec(line);
    if (m) out.push({ mode: m[1] as string, oid: m[2] as string, path: m[3] as string });
  }
  return out;
}
