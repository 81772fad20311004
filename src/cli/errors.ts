/** A mistake in how the command was called: exit 2, one line, no stack. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
