import { setTimeout as sleep } from 'node:timers/promises';
import { classifyFailure, SourceFailure } from './store.js';

/** How often and how patiently a throttled request is tried again. */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  readonly attempts: number;
  /** Wait before the second try; doubled for each further one, up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Four tries, 0.2 s, 0.4 s then 0.8 s apart: a throttled store gets about 1.4 s, never an unbounded wait. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 200, maxDelayMs: 2_000 };

/**
 * Runs `fn`, trying again while the store throttles (HTTP 429/503, SlowDown, ServerBusy): bounded tries with
 * exponential backoff and jitter, as the services ask of their clients. Any other failure, or the last throttle,
 * is thrown as a SourceFailure.
 */
export async function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  let failure: SourceFailure | null = null;
  for (let attempt = 0; attempt < policy.attempts; attempt++) {
    if (attempt > 0) {
      const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await sleep(delay / 2 + Math.random() * (delay / 2));
    }
    try {
      return await fn();
    } catch (error) {
      failure = classifyFailure(error);
      if (failure.code !== 'THROTTLED') throw failure;
    }
  }
  const last = failure as SourceFailure;
  throw new SourceFailure('THROTTLED', `${last.message.replace(/\.$/, '')} after ${policy.attempts} tries.`, {
    cause: last,
  });
}
