import { simpleGit, type SimpleGit } from 'simple-git';

/**
 * The only importer of simple-git. simple-git 4 strips GIT_* variables from the git it runs unless they are
 * allowed: inside a hook, git's own GIT_DIR / GIT_WORK_TREE / GIT_INDEX_FILE must reach it, so they are.
 */
const ALLOWED_ENV = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_COMMON_DIR', 'GIT_CONFIG_NOSYSTEM', 'GIT_CONFIG_GLOBAL'];

/** A wrapped git failure: the root cause is kept as `cause`. */
export class GitError extends Error {
  override readonly name = 'GitError';
}

export function git(cwd: string): SimpleGit {
  return simpleGit({ baseDir: cwd, allowEnvironment: ALLOWED_ENV });
}

/** `Name <email>` from git's configuration, or null when git has none (or there is no git). */
export async function gitUser(cwd: string): Promise<string | null> {
  try {
    const g = git(cwd);
    const name = (await g.raw(['config', '--get', 'user.name']).catch(() => '')).trim();
    const email = (await g.raw(['config', '--get', 'user.email']).catch(() => '')).trim();
    if (!name && !email) return null;
    return email ? `${name || email} <${email}>` : name;
  } catch {
    return null;
  }
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
    raw = await git(cwd).raw(['diff', '--raw', '-z', '-M', '--no-abbrev', '--no-ext-diff', '--no-textconv', base, head, '--']);
  } catch (error) {
    throw new GitError(`git cannot compare ${base} and ${head}: ${firstLine(error)}`, { cause: error });
  }
  const parts = raw.split('\0');
  const out: ChangedFile[] = [];
  for (let i = 0; i + 1 < parts.length; ) {
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

const firstLine = (error: unknown): string => (error instanceof Error ? error.message : String(error)).trim().split('\n')[0] ?? '';

/**
 * Reads many blobs (by id or `rev:path`) with one `git cat-file --batch`: one process instead of one per file.
 * simple-git cannot feed a command's standard input, so this one call spawns git itself, with the same environment.
 */
export async function readBlobs(cwd: string, specs: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  const wanted = specs.filter((s) => !isZero(s) && !out.has(s));
  for (const s of specs) if (isZero(s)) out.set(s, null);
  if (wanted.length === 0) return out;
  const { spawn } = await import('node:child_process');
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
    return (await git(cwd).raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`])).trim() || null;
  } catch {
    return null;
  }
}

/** The repository's top folder, or null outside one. */
export async function repoRoot(cwd: string): Promise<string | null> {
  try {
    return (await git(cwd).revparse(['--show-toplevel'])).trim() || null;
  } catch {
    return null;
  }
}

/**
 * Whether an object exists locally and is a commit. `cat-file -t` rather than `-e`: simple-git waits 50 ms after
 * a command that prints nothing, which the pre-push hook cannot afford.
 */
export async function hasCommit(cwd: string, oid: string): Promise<boolean> {
  try {
    return (await git(cwd).raw(['cat-file', '-t', `${oid}^{commit}`])).trim() === 'commit';
  } catch {
    return false;
  }
}

/** Commits reachable from `oid` and from no ref of `remote` (all remotes when null), oldest first. */
export async function newCommits(cwd: string, oid: string, remote: string | null): Promise<string[]> {
  const raw = await git(cwd).raw(['rev-list', '--topo-order', '--reverse', oid, '--not', remote ? `--remotes=${remote}` : '--remotes']);
  return raw.split('\n').filter(Boolean);
}

/** The parents of a commit (none for a root commit; a shallow clone's boundary also shows none). */
export async function parentsOf(cwd: string, oid: string): Promise<string[]> {
  const raw = await git(cwd).raw(['rev-list', '--parents', '-n', '1', oid]);
  return raw.trim().split(/\s+/).slice(1);
}

/** The id of the empty tree in this repository's hash (SHA-1 or SHA-256). */
export async function emptyTree(cwd: string): Promise<string> {
  const format = (await git(cwd).raw(['rev-parse', '--show-object-format']).catch(() => 'sha1')).trim();
  return format === 'sha256' ? '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321' : '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
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
