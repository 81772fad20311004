/** Words for the file-system errors a user can meet and fix; keyed by Node's `code`. */
const WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EIO: 'an input/output error on the device',
  EROFS: 'the file system is read-only',
  EFBIG: 'the file is too large',
};

/**
 * Why a file could not be read or written, in a few words ("no such file", "permission denied"), for the one
 * sentence a user sees. Writing a new file fails with ENOENT when its folder is missing, so that case is named as
 * such. A code without words is shown as it is; an error without a code as "unreadable" or "error".
 */
export function fsErrorWords(error: unknown, writing = false): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (writing && code === 'ENOENT') return 'its folder does not exist';
  return (code && WORDS[code]) ?? code ?? (writing ? 'error' : 'unreadable');
}
