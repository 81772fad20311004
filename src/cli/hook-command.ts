import { runByPreCommit, runPrePush } from '../hook/pre-push.js';
import { UsageError } from './errors.js';
import type { Io } from './output.js';
import { renderDecision } from './render-decision.js';
import { ExitCode } from './exit-codes.js';

/**
 * `hook pre-push [REMOTE [URL]]`: what the git hook runs, with the push's standard input. Everything goes to
 * stderr (git shows it); exit 0 lets the push go, anything else stops it.
 */
export async function hookCommand(args: string[], io: Io): Promise<number> {
  const [name, remote, url] = args;
  if (name !== 'pre-push') throw new UsageError('hook: the only hook is "pre-push": vault-change-gate hook pre-push REMOTE URL');
  // Under pre-commit the framework has read git's input and passes the range in its variables instead.
  const input = runByPreCommit(io.env) ? '' : await io.readStdin();
  const where = { ...(remote ? { remote } : {}), ...(url ? { url } : {}) };
  const result = await runPrePush({ cwd: io.cwd, ...where, input, env: io.env });
  // Whenever the range is not the plain old..new of a ref, say which range was judged and why.
  for (const r of result.ranges) if (r.note) io.stderr(`vault-change-gate: ${r.note}.\n`);
  const d = result.decision;
  const needed = d.operations.filter((o) => o.verdict !== 'not-sys' && o.verdict !== 'read-only' && o.verdict !== 'excluded');
  if (d.allowed && !d.overridden) {
    if (needed.length) io.stderr(`vault-change-gate: GO: ${needed.length} Vault change${needed.length > 1 ? 's' : ''} covered by ${d.snapshot?.file ?? 'policy'}${d.snapshot ? ` (taken ${d.snapshot.age} ago)` : ''}.\n`);
    return ExitCode.Go;
  }
  // In a hook there are no flags: the override and git's own bypass are said the way they are used.
  const next = d.next.map((n) =>
    n.startsWith('Or go ahead anyway')
      ? 'Or push with a reason, which the decision records (and the decision log, when configured): VAULT_CHANGE_GATE_OVERRIDE="why" git push\n  Or skip this check entirely (not recorded): git push --no-verify'
      : n === 'Then run the same check again.'
        ? 'Then push again.'
        : n,
  );
  io.stderr(`vault-change-gate pre-push: ${renderDecision({ ...d, next }, { ...io, isTTY: io.stderrIsTTY })}`);
  return d.allowed ? ExitCode.Go : ExitCode.NoGo;
}
