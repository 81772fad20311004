import type { Classification, Operation } from '../classify/schema.js';
import { ConfigError } from '../config/load.js';
import { check } from './check.js';
import { assertCheckOptions } from './option-keys.js';
import type { CheckOptions } from './check-options.js';
import type { Decision } from './schema.js';

/** Thrown by `guard` on a no-go; carries the decision. */
export class GateRefusedError extends Error {
  override readonly name = 'GateRefusedError';
  readonly decision: Decision;
  constructor(decision: Decision) {
    super(`vault-change-gate: no-go: ${decision.reasons[0] ?? 'the change is refused'}`);
    this.decision = decision;
  }
}

/**
 * Runs `fn` only when the gate says go for `operations`; otherwise throws GateRefusedError (and `fn` never starts).
 * `fn` receives the decision, e.g. to record which snapshot covered the change.
 */
export async function guard<T>(
  operations: readonly (Operation | Classification)[],
  fn: (decision: Decision) => T | Promise<T>,
  options: CheckOptions = {},
): Promise<T> {
  // Plain JavaScript callers get the same one-sentence ConfigError as for a bad option, not a TypeError later.
  if (!Array.isArray(operations)) throw new ConfigError('guard(): the operations must be an array');
  if (typeof fn !== 'function') throw new ConfigError('guard(): the second argument must be the function to run');
  assertCheckOptions(options, 'guard');
  const decision = await check({ ...options, operations: [...(options.operations ?? []), ...operations] });
  if (!decision.allowed) throw new GateRefusedError(decision);
  return fn(decision);
}
