import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** ../shared beside the repository: reference notes and real fixtures, never copied in. Tests skip without it. */
export const sharedDir = path.resolve(fileURLToPath(new URL('../../..', import.meta.url)), 'shared');
export const hasShared = existsSync(path.join(sharedDir, 'README.md'));
export const sharedPath = (...parts: string[]): string => path.join(sharedDir, ...parts);
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
