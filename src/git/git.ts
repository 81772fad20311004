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
