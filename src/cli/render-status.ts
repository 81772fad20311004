import type { ClusterStatus, SourceStatus, StatusReport } from '../gate/status.js';
import { palette, type Io } from './output.js';
import { escapeControls as e } from './render-classifications.js';

const mib = (bytes: number) => (bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${bytes} B`);

function refusalSummary(s: SourceStatus): string {
  const byCode = new Map<string, number>();
  for (const r of s.refusals) byCode.set(r.code, (byCode.get(r.code) ?? 0) + 1);
  const codes = [...byCode].map(([code, n]) => (n > 1 ? `${code} ×${n}` : code)).join(', ');
  return `${s.refused} refused${codes ? ` (${codes})` : ''}`;
}

/** The freshness report for a person: a line per cluster, a line per source, the first refusal's reason. */
export function renderStatus(report: StatusReport, io: Io): string {
  const c = palette(io);
  const lines: string[] = [];
  for (const cl of report.clusters) {
    const name = cl.cluster ?? 'snapshots';
    const verdict = cl.fresh ? c.green('FRESH') : c.red('STALE');
    const newest = cl.newest ? `newest verified snapshot ${cl.newest.age} old` : 'no verified snapshot';
    lines.push(
      `${verdict}  ${c.bold(name)}: ${newest} (max age ${cl.maxAge}; ${cl.strictestMaxAge} for upgrades and rekeys)`,
    );
    if (cl.sources.length === 0)
      lines.push('  no source: set snapshots.dir or snapshots.sources, or give --snapshot-dir');
    for (const s of cl.sources) lines.push(...sourceLines(s, cl, io));
  }
  return `${lines.join('\n')}\n`;
}

function sourceLines(s: SourceStatus, cl: ClusterStatus, io: Io): string[] {
  const c = palette(io);
  // Names of files and objects are whoever wrote them: control characters written out, as in check's output.
  const lines = [`  ${e(s.source)}  ${s.candidates} candidate${s.candidates === 1 ? '' : 's'}, ${refusalSummary(s)}`];
  const n = s.newest;
  if (n) {
    const age = n.ageMs <= cl.maxAgeMs ? n.age : c.red(n.age);
    const index = n.index === null ? '' : `, index ${n.index}`;
    lines.push(
      `    newest ${e(n.file)}: ${age} old (${n.takenAt}), ${mib(n.bytes)}${index}, sha256 ${n.sha256 ?? '?'}`,
    );
  } else lines.push(`    ${c.dim('no verified snapshot')}`);
  const first = s.refusals[0];
  if (first) lines.push(`    ${c.dim(`${first.code}: ${e(first.reason)}`)}`);
  return lines;
}

/** A Prometheus label value: backslash, double quote and line feed escaped (the text exposition format). */
const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/**
 * The Prometheus text exposition format (version 0.0.4): gauges with cluster and source labels, for a
 * node-exporter textfile collector or a push gateway. A metric without a snapshot is left out, not set to 0.
 */
export function renderPrometheus(report: StatusReport): string {
  const families = new Map<string, { help: string; samples: string[] }>();
  const gauge = (name: string, help: string, labels: Record<string, string>, value: number) => {
    const family = families.get(name) ?? { help, samples: [] };
    families.set(name, family);
    const text = Object.entries(labels)
      .map(([k, v]) => `${k}="${label(v)}"`)
      .join(',');
    family.samples.push(`${name}{${text}} ${value}`);
  };
  const P = 'vault_change_gate';
  for (const cl of report.clusters) {
    const cluster = cl.cluster ?? '';
    gauge(
      `${P}_cluster_fresh`,
      'A verified snapshot within snapshots.maxAge.default exists (1) or not (0).',
      { cluster },
      cl.fresh ? 1 : 0,
    );
    gauge(`${P}_max_age_seconds`, 'snapshots.maxAge.default, in seconds.', { cluster }, cl.maxAgeMs / 1000);
    for (const s of cl.sources) {
      const l = { cluster, source: s.source };
      gauge(`${P}_snapshot_candidates`, 'Snapshot files or objects that matched the pattern.', l, s.candidates);
      gauge(`${P}_snapshot_refused`, 'Candidates refused (damaged, cut, …) and source failures.', l, s.refused);
      gauge(`${P}_snapshot_verified`, 'A verified snapshot was found (1) or not (0).', l, s.newest ? 1 : 0);
      if (!s.newest) continue;
      const n = s.newest;
      gauge(`${P}_snapshot_age_seconds`, 'Age of the newest verified snapshot, by its own time.', l, n.ageMs / 1000);
      gauge(
        `${P}_snapshot_timestamp_seconds`,
        'When the newest verified snapshot was taken.',
        l,
        Date.parse(n.takenAt) / 1000,
      );
      gauge(`${P}_snapshot_size_bytes`, 'Size of the newest verified snapshot.', l, n.bytes);
      if (n.index !== null)
        gauge(`${P}_snapshot_raft_index`, 'Raft index of the newest verified snapshot.', l, n.index);
      if (n.sha256) {
        gauge(
          `${P}_snapshot_info`,
          'The newest verified snapshot, named by its file and sha256.',
          { ...l, file: n.file, sha256: n.sha256 },
          1,
        );
      }
    }
  }
  const out: string[] = [];
  for (const [name, f] of families) out.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} gauge`, ...f.samples);
  return `${out.join('\n')}\n`;
}
