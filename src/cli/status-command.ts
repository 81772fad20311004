import { parseArgs } from 'node:util';
import { freshnessReport } from '../gate/status.js';
import { parseUsage } from './args.js';
import { UsageError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import type { Io } from './output.js';
import { renderHelp, usageFor } from './usage.js';
import { renderPrometheus, renderStatus } from './render-status.js';

/** Its help, from the one usage registry (src/cli/usage.ts). */
export const usage: string = renderHelp(usageFor('status') ?? []);

const spec = {
  json: { type: 'boolean' },
  format: { type: 'string' },
  config: { type: 'string' },
  'snapshot-dir': { type: 'string' },
  'snapshot-url': { type: 'string', multiple: true },
  pattern: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function statusCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseUsage('status', () =>
    parseArgs({ args, allowPositionals: true, strict: true, options: spec }),
  );
  if (values.help) {
    io.stdout(usage);
    return ExitCode.Go;
  }
  if (positionals.length) throw new UsageError(`status: unexpected argument "${positionals[0]}"`);
  const format = values.format ?? (values.json ? 'json' : 'text');
  if (!['text', 'json', 'prometheus'].includes(format) || (values.json && format !== 'json')) {
    throw new UsageError(`status: --format is text, json or prometheus (and --json is --format json), not "${format}"`);
  }
  const report = await freshnessReport({
    cwd: io.cwd,
    env: io.env,
    ...(values.config !== undefined ? { configFile: values.config } : {}),
    ...(values['snapshot-dir'] !== undefined ? { snapshotDir: values['snapshot-dir'] } : {}),
    ...(values['snapshot-url'] ? { snapshotUrls: values['snapshot-url'] } : {}),
    ...(values.pattern !== undefined ? { pattern: values.pattern } : {}),
  });
  if (format === 'json') io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else if (format === 'prometheus') io.stdout(renderPrometheus(report));
  else io.stdout(renderStatus(report, io));
  return report.ok ? ExitCode.Go : ExitCode.NoGo;
}
