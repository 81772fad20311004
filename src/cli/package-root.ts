import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | null = null;

/** The folder of this package's package.json, found from this file wherever it runs from (src, dist, the bundle). */
export function packageRoot(): string {
  if (root) return root;
  for (let d = path.dirname(fileURLToPath(import.meta.url)); ; d = path.dirname(d)) {
    const manifest = path.join(d, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'vault-change-gate'
    )
      return (root = d);
    if (path.dirname(d) === d) throw new Error('vault-change-gate: cannot find its own package.json');
  }
}

export const cliScript = (): string => path.join(packageRoot(), 'bin', 'vault-change-gate.js');
