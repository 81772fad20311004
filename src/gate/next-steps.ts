import type { Policy } from './policy.js';
import type { SnapshotFormat } from '../snapshot/schema.js';
import { nextStep } from './findings.js';
import { lacksSnapshot, type DecidedOperation, type NextStep, type Warning } from './schema.js';

/** `vault-20261126T130500Z.snap`: sortable, and safe in any file system. */
export const snapshotFileName = (nowIso: string, format: 'vault' | 'consul' = 'vault'): string =>
  `${format}-${nowIso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.snap`;

/** What the next steps are built from. */
export interface NextContext {
  readonly now: string;
  readonly decided: readonly DecidedOperation[];
  readonly warnings: readonly Warning[];
  readonly policy: Policy;
  readonly address: string | undefined;
  readonly snapshotDir: string | null;
  /** The chosen evidence's format (a Consul snapshot is followed by a Consul one). */
  readonly format: SnapshotFormat | null;
  readonly overridden: boolean;
  /** Steps about the restore evidence (configuration bundle, seal keys), before the override. */
  readonly restoreSteps?: readonly NextStep[];
}

const OVERRIDE_TEXT =
  'Or go ahead anyway with a reason, which is recorded: --override "why" (or VAULT_CHANGE_GATE_OVERRIDE).';

/** What to do after a no-go, exact commands included; nothing after a go. */
export function nextSteps(ctx: NextContext): NextStep[] {
  const { decided, policy, warnings } = ctx;
  const next: NextStep[] = [];
  if (decided.some((d) => d.status === 'vault-unavailable')) {
    const text = `Make Vault reachable and unsealed (${ctx.address}), then run the check again.`;
    next.push(nextStep('MAKE_VAULT_AVAILABLE', text));
  }
  if (decided.some((d) => lacksSnapshot(d.status))) {
    const dir = ctx.snapshotDir ?? '.';
    const consul = ctx.format === 'consul';
    const target = `${dir.replace(/\/$/, '')}/${snapshotFileName(ctx.now, consul ? 'consul' : 'vault')}`;
    const save = consul ? 'consul snapshot save' : 'vault operator raft snapshot save';
    next.push(nextStep('TAKE_SNAPSHOT', `Take a snapshot now: ${save} ${target}`));
    next.push(nextStep('CHECK_AGAIN', 'Then run the same check again.'));
  }
  if (decided.some((d) => d.status === 'refused' && d.verdict === 'invalid')) {
    next.push(nextStep('FIX_INVALID', 'Fix the operations that are not understood (each says why), or remove them.'));
  }
  if (decided.some((d) => d.category === 'downgrade' && d.status === 'refused')) {
    next.push(
      nextStep(
        'RESTORE_INSTEAD_OF_DOWNGRADE',
        'To go back to an older version, restore the pre-upgrade snapshot on that version; ' +
          'set "allowDowngrade": true only if you know the storage format did not change.',
      ),
    );
  }
  if (policy.strict && warnings.length) {
    const text = 'Fix the warnings (for a snapshot readable by others: chmod 600 FILE), or run without --strict.';
    next.push(nextStep('FIX_WARNINGS', text));
  }
  next.push(...(ctx.restoreSteps ?? []));
  next.push(
    ctx.overridden
      ? nextStep('OVERRIDDEN', 'Overridden: the change goes ahead, and the decision records who and why.')
      : nextStep('OVERRIDE', OVERRIDE_TEXT),
  );
  return next;
}
