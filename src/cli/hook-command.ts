import { HOOK_NEXT_WORDS, runByPreCommit, runPrePush } from '../hook/pre-push.js';
import { UsageError } from './errors.js';
import type { Io } from './output.js';
import { escapeControls } from './render-classifications.js';
import { renderDecision } from './render-decision.js';
import { decisionExitCode, ExitCode } from './exit-codes.js';

/**
 * `hook pre-push [REMOTE [URL]]`: what the git hook runs, with the push's standard input. Everything goes to
 * stderr (git shows it); exit 0 lets the push go, anything else stops it.
 */
export async function hookCommand(args: string[], io: Io): Promise<number> {
  const [name, remote, url] = args;
  if (name !== 'pre-push')
    throw new UsageError('hook: the only hook is "pre-push": vault-change-gate hook pre-push REMOTE URL');
  // Under pre-commit the framework has read git's input and passes the range in its variables instead.
  const input = runByPreCommit(io.env) ? '' : await io.readStdin();
  const where = { ...(remote ? { remote } : {}), ...(url ? { url } : {}) };
  const result = await runPrePush({ cwd: io.cwd, ...where, input, env: io.env });
  // Whenever the range is not the plain old..new of a ref, say which range was judged and why.
  for (const r of result.ranges) if (r.note) io.stderr(`vault-change-gate: ${r.note}.\n`);
  const d = result.decision;
  const needed = d.operations.filter(
    (o) => o.verdict !== 'not-sys' && o.verdict !== 'read-only' && o.verdict !== 'excluded',
  );
  if (d.allowed && !d.overridden) {
    // The snapshot's name is whoever wrote the folder's: written out, as in the full decision below.
    if (needed.length)
      io.stderr(
        `vault-change-gate: GO: ${needed.length} Vault change${needed.length > 1 ? 's' : ''} covered by ${escapeControls(d.snapshot?.file ?? 'policy')}${d.snapshot ? ` (taken ${d.snapshot.age} ago)` : ''}.\n`,
      );
    return ExitCode.Go;
  }
  io.stderr(`vault-change-gate pre-push: ${renderDecision(d, { ...io, isTTY: io.stderrIsTTY }, HOOK_NEXT_WORDS)}`);
  return decisionExitCode(d);
}
