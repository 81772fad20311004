import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { classify, classifyScript, type Classification } from '../classify/index.js';
import { parseArgs } from 'node:util';
import { parseUsage } from './args.js';
import { UsageError } from './errors.js';
import type { Io } from './output.js';
import { renderClassifications } from './render-classifications.js';

export async function readText(file: string, what: string, cwd: string): Promise<string> {
  try {
    return await readFile(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    throw new UsageError(`cannot read the ${what} ${file}: ${why}`);
  }
}

export async function classifyCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseUsage('classify', () =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { json: { type: 'boolean' }, stdin: { type: 'boolean' }, script: { type: 'string', multiple: true } },
    }),
  );
  const results: Classification[] = [];
  const env = { VAULT_NAMESPACE: io.env.VAULT_NAMESPACE };
  for (const file of values.script ?? []) {
    results.push(...classifyScript(await readText(file, 'script', io.cwd), { file, env }));
  }
  for (const op of positionals) results.push(classify(op, { env }));
  if (values.stdin) {
    for (const line of (await io.readStdin()).split(/\r?\n/)) {
      if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
      results.push(classify(line, { env }));
    }
  }
  if (results.length === 0 && !values.script?.length) {
    throw new UsageError('classify: give at least one operation, --stdin or --script FILE');
  }
  io.stdout(values.json ? `${JSON.stringify(results, null, 2)}\n` : renderClassifications(results, io));
  return results.some((r) => r.verdict === 'invalid') ? 2 : 0;
}
