import type { Policy } from './policy.js';
import type { SnapshotFormat } from '../snapshot/schema.js';
import type { DecidedOperation, Warning } from './schema.js';

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
}

/** What to do after a no-go, exact commands included; nothing after a go. */
export function nextSteps(ctx: NextContext): string[] {
  const { decided, policy, warnings } = ctx;
  const next: string[] = [];
  if (decided.some((d) => d.status === 'vault-unavailable')) {
    next.push(`Make Vault reachable and unsealed (${ctx.address}), then run the check again.`);
  }
  if (decided.some((d) => d.status === 'no-snapshot' || d.status === 'stale')) {
    const dir = ctx.snapshotDir ?? '.';
    const consul = ctx.format === 'consul';
    const target = `${dir.replace(/\/$/, '')}/${snapshotFileName(ctx.now, consul ? 'consul' : 'vault')}`;
    const save = consul ? 'consul snapshot save' : 'vault operator raft snapshot save';
    next.push(`Take a snapshot now: ${save} ${target}`);
    next.push('Then run the same check again.');
  }
  if (decided.some((d) => d.status === 'refused' && d.verdict === 'invalid')) {
    next.push('Fix the operations that are not understood (each says why), or remove them.');
  }
  if (decided.some((d) => d.category === 'downgrade' && d.status === 'refused')) {
    next.push(
      'To go back to an older version, restore the pre-upgrade snapshot on that version; ' +
        'set "allowDowngrade": true only if you know the storage format did not change.',
    );
  }
  if (policy.strict && warnings.length) {
    next.push('Fix the warnings (for a snapshot readable by others: chmod 600 FILE), or run without --strict.');
  }
  next.push(
    ctx.overridden
      ? 'Overridden: the change goes ahead, and the decision records who and why.'
      : 'Or go ahead anyway with a reason, which is recorded: --override "why" (or VAULT_CHANGE_GATE_OVERRIDE).',
  );
  return next;
}
