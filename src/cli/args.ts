import { UsageError } from './errors.js';

/**
 * Runs an argument parser (node:util parseArgs, strict) and turns its errors into one-line usage errors.
 * Taking a thunk keeps parseArgs' precise inferred types at the call site.
 */
export function parseUsage<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const message =
      error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '') : String(error);
    throw new UsageError(`${command}: ${message}`);
  }
}
