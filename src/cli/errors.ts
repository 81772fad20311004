import { UserError } from '../errors.js';

/** A mistake in how the command was called: exit 2, one line, no stack. */
export class UsageError extends UserError {
  override readonly name = 'UsageError';
}
