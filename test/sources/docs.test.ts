import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { sourceRejectionInfo, type CodeInfo } from '../../src/gate/codes.js';
import { specsFromConfig } from '../../src/gate/source-specs.js';
import { shellWords } from '../../src/classify/shell.js';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/shared.js';

const doc = readFileSync(path.join(repoRoot, 'docs', 'object-storage.md'), 'utf8');

describe('docs/object-storage.md', () => {
  it('lists the source refusal codes exactly as their info table says', () => {
    const at = doc.indexOf('**Source refusal codes**');
    const block = doc.slice(at).split('\n\n')[1] ?? '';
    const rows: Record<string, CodeInfo> = {};
    for (const m of block.matchAll(/^\| `([A-Z_]+)` \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$/gm)) {
      rows[m[1] as string] = { title: m[2] as string, explanation: m[3] as string, action: m[4] as string };
    }
    expect(rows).toEqual(sourceRejectionInfo);
  });

  it("shows a config whose snapshots.sources the config schema accepts, each URL a source's", () => {
    const json = /```json\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const config = ConfigSchema.parse(JSON.parse(json));
    const specs = specsFromConfig(config.snapshots?.sources);
    expect(specs.map((s) => s.kind)).toEqual(['s3', 's3', 'azure', 'gs']);
    expect(specs[1]).toMatchObject({ endpoint: 'http://minio.internal:9000', forcePathStyle: true });
  });

  const commands = [...doc.matchAll(/^vault-change-gate (.*?)\s+# exit (\d)$/gm)];
  it('has command examples', () => expect(commands.length).toBeGreaterThan(3));
  it.each(commands.map((m) => [m[1] as string, Number(m[2])] as const))(
    'vault-change-gate %s exits %i',
    async (line, code) => {
      const split = shellWords(line);
      if ('error' in split) throw new Error(split.error);
      const r = await runCli(split.words, { cwd: repoRoot });
      expect(r.code, r.stderr).toBe(code);
    },
  );
});
