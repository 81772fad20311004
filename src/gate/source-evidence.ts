import type { SnapshotInspection } from '../snapshot/schema.js';
import { collectFromSource, type SourceCollected } from '../sources/collect.js';
import type { RetryPolicy } from '../sources/retry.js';
import type { SourceSpec } from '../sources/spec.js';
import { RejectionCodeSchema } from './codes.js';
import { whyRefused } from './refusal.js';
import type { ClusterFacts, Rejected } from './schema.js';
import type { Shared } from './targets.js';

/** What reading the sources needs from the check: when, the policy, the environment with the credentials. */
export interface SourceContext {
  readonly now: number;
  readonly skewMs: number;
  readonly maxIndexLag: number | null;
  readonly cluster: ClusterFacts | null;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly pattern: string;
  readonly onProgress?: (file: string, bytes: number) => void;
  readonly retry?: RetryPolicy;
}

export const sourceContext = (shared: Shared, cluster: ClusterFacts | null, pattern: string): SourceContext => ({
  now: Date.parse(shared.now),
  skewMs: shared.policy.clockSkewMs,
  maxIndexLag: shared.policy.maxIndexLag,
  cluster,
  env: shared.options.env ?? process.env,
  pattern,
  ...(shared.options.onProgress ? { onProgress: shared.options.onProgress } : {}),
});

/**
 * Each source read in turn, each stopping at its first candidate whyRefused accepts (the same judge as a folder's
 * files; an object has no sidecar). A source that fails is refused with its code; the next one is still read.
 */
export async function readSources(sources: readonly SourceSpec[], ctx: SourceContext): Promise<SourceCollected[]> {
  const accept = (s: SnapshotInspection) => whyRefused(s, { ...ctx, sidecar: null }) === null;
  const out: SourceCollected[] = [];
  for (const spec of sources) {
    const extra = {
      ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
      ...(ctx.retry ? { retry: ctx.retry } : {}),
    };
    out.push(await collectFromSource(spec, { env: ctx.env, pattern: ctx.pattern, accept, ...extra }));
  }
  return out;
}

/** The sources' refusals as the decision carries them; codes parsed, so a new one fails loudly rather than unlisted. */
export const refusalsOf = (collected: readonly SourceCollected[]): Rejected[] =>
  collected.flatMap((c) =>
    c.refused.map((r) => ({ file: r.file, code: RejectionCodeSchema.parse(r.code), reason: r.reason })),
  );
