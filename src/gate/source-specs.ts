import type { SnapshotSource } from '../config/schema.js';
import { parseSource, safeName, type SourceSettings, type SourceSpec } from '../sources/spec.js';

const entryOf = (s: SnapshotSource): { url: string; settings: SourceSettings } =>
  typeof s === 'string' ? { url: s, settings: {} } : { url: s.url, settings: s };

/** A config's `snapshots.sources`, parsed (a bad URL throws SourceUrlError: exit 2). */
export const specsFromConfig = (sources: readonly SnapshotSource[] | undefined): SourceSpec[] =>
  (sources ?? []).map((s) => {
    const { url, settings } = entryOf(s);
    return parseSource(url, settings);
  });

/**
 * The sources a check reads: `--snapshot-url` replaces snapshots.sources (as --snapshot-dir replaces dir), each URL
 * taking the settings of the config entry of the same URL, so that an endpoint kept in the config need not be
 * repeated on the command line.
 */
export function resolveSources(urls: readonly string[] | undefined, configured: readonly SnapshotSource[] | undefined) {
  if (urls === undefined) return specsFromConfig(configured);
  const settings = new Map((configured ?? []).map((s) => entryOf(s)).map((e) => [safeName(e.url), e.settings]));
  return urls.map((url) => parseSource(url, settings.get(safeName(url)) ?? {}));
}
