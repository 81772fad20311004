import { open } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Decision } from './schema.js';

/**
 * Appends one decision as one JSON line: opened for append only, created 0600 (decisions name snapshot files and
 * hashes), written in one call and flushed to disk before returning, so a team can show later that each risky
 * change had its backup. Never holds a token: decisions carry none.
 */
export async function appendDecision(file: string, decision: Decision, context: { cwd: string; by: string }): Promise<void> {
  const record = { type: 'vault-change-gate/decision', version: 1, by: context.by, host: hostname(), cwd: context.cwd, ...decision };
  const handle = await open(file, 'a', 0o600);
  try {
    await handle.write(`${JSON.stringify(record)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
