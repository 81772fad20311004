/**
 * The one error model. An error that is the user's to fix (a bad flag, an unreadable file, a broken config, a git
 * range that does not resolve) extends UserError: the CLI prints its message as one line and exits 2, by
 * `instanceof`, so a new subclass can never fall through to "unexpected failure". Anything else that reaches the CLI
 * is a bug (exit 3). A no-go is not an error of the user's (GateRefusedError, VaultUnreachableError, an interrupt).
 *
 * Each subclass keeps its own `name` (callers and logs match on it) and says in one sentence what went wrong.
 */
export class UserError extends Error {
  override readonly name: string = 'UserError';
}
