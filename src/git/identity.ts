import { userInfo } from 'node:os';
import { gitUser } from './git.js';

/** Who asks for an override (and who is logged as deciding): git's user, else the OS user, else "unknown". */
export async function whoAmI(cwd: string): Promise<string> {
  const fromGit = await gitUser(cwd);
  if (fromGit) return fromGit;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
