import { parseArgs } from 'node:util';
import { freshnessReport } from '../gate/status.js';
import { parseUsage } from './args.js';
import { UsageError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import type { Io } from './output.js';
import { renderPrometheus, renderStatus } from './render-status.js';

export const usage = `Usage: vault-change-gate status [--json | --format text|json|prometheus] [--config FILE]
                              [--snapshot-dir DIR] [--snapshot-url URL]... [--pattern GLOB]

The freshness report: per configured cluster (config "clusters") and per source (snapshots.dir, each of
snapshots.sources), the newest verified snapshot's age, size, raft index and sha256, the number of candidates and
how many were refused (and why), against the policy's ages. Every counted snapshot is streamed through the verifier.

Options:
  --json                  the report as JSON (the same as --format json)
  --format FORMAT         text (default), json, or prometheus (text exposition format: gauges labelled with
                          cluster and source, for a node-exporter textfile collector or a push gateway)
  --config FILE           the config file (else vault-change-gate.config.json here or at the git root)
  --snapshot-dir DIR      a folder instead of snapshots.dir
  --snapshot-url URL      s3://BUCKET/PREFIX, azure://ACCOUNT/CONTAINER/PREFIX or gs://BUCKET/PREFIX, repeatable,
                          instead of snapshots.sources (see docs/object-storage.md)
  --pattern GLOB          minimatch pattern of snapshot names (else snapshots.pattern, "**/*.snap")
  -h, --help              this help

Exit codes: 0 every cluster has a verified snapshot within snapshots.maxAge.default, 1 one has none,
2 usage or configuration error.

Example:
  vault-change-gate status --snapshot-dir backups --format prometheus > /var/lib/node_exporter/vcg.prom
`;

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
