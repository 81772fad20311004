import type { Classification, Operation } from '../classify/schema.js';
import { check } from './check.js';
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
  const decision = await check({ ...options, operations: [...(options.operations ?? []), ...operations] });
  if (!decision.allowed) throw new GateRefusedError(decision);
  return fn(decision);
}
