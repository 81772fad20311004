import { open } from 'node:fs/promises';
import { hostname } from 'node:os';
import { ConfigError } from '../config/load.js';
import { fsErrorWords } from '../shared/fs-errors.js';
import type { Decision } from './schema.js';

/**
 * Appends one decision as one JSON line: opened for append only, created 0600 (decisions name snapshot files and
 * hashes), written in one call and flushed to disk before returning, so a team can show later that each risky
 * change had its backup. Never holds a token: decisions carry none.
 */
export async function appendDecision(
  file: string,
  decision: Decision,
  context: { cwd: string; by: string },
): Promise<void> {
  const record = {
    type: 'vault-change-gate/decision',
    version: 1,
    by: context.by,
    host: hostname(),
    cwd: context.cwd,
    ...decision,
  };
  let handle;
  try {
    handle = await open(file, 'a', 0o600);
  } catch (error) {
    // Fail closed: a decision that cannot be recorded does not go ahead silently.
    throw cannotWrite(file, error);
  }
  try {
    await handle.write(`${JSON.stringify(record)}\n`);
    await handle.sync();
  } catch (error) {
    // A disk that fills up or fails mid-write: the same one line, never a stack trace.
    throw cannotWrite(file, error);
  } finally {
    await handle.close().catch(() => {});
  }
}

function cannotWrite(file: string, error: unknown): ConfigError {
  const why = fsErrorWords(error, true);
  const next = 'fix decisionLog or the folder, then run again';
  return new ConfigError(`cannot write the decision log ${file} (${why}); ${next}`);
}
