import path from 'node:path';
import { minimatch } from 'minimatch';

/**
 * Matches a relative path against a minimatch pattern, the path written with forward slashes whatever the platform.
 * Shared by the snapshot finder and the Terraform watchers, so both layers read a pattern the same way without one
 * importing the other.
 */
export const matchesPattern = (relative: string, pattern: string): boolean =>
  minimatch(relative.split(path.sep).join('/'), pattern, { dot: false, nocomment: true });
