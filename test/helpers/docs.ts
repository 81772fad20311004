import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './shared.js';

/** README.md and every docs/*.md (other helpers add their own pages): the documents the tests hold to the code. */
export const docFiles: readonly string[] = [
  'README.md',
  ...readdirSync(path.join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];

export const readDoc = (file: string): string => readFileSync(path.join(repoRoot, file), 'utf8');

/** Every document, one after the other (for "is it documented somewhere"). */
export const allDocs: string = docFiles.map(readDoc).join('\n\n');
