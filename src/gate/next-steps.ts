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
  /** No snapshot file, folder or automated snapshot was given: nothing was looked for. */
  readonly noEvidenceSource?: boolean;
  /** Where an override is recorded besides the decision itself (the config's decisionLog), or null. */
  readonly decisionLog?: string | null;
  /** Steps about the restore evidence (configuration bundle, seal keys), before the override. */
  readonly restoreSteps?: readonly NextStep[];
}

/**
 * Where the "take a snapshot" step saves when no folder is given, and the folder the next run is then told to read
 * (outside any repository, so a backup is never committed by mistake).
 */
export const SUGGESTED_SNAPSHOT_DIR = '~/vault-snapshots';

/** The three ways to give the gate its evidence, said once for the CLI. */
const NO_SOURCE_TEXT =
  'No evidence source is given, so no snapshot was looked for. Give one: --snapshot-dir DIR (a folder of ' +
  'snapshots), --snapshot FILE, or "snapshots": { "dir": "DIR" } in vault-change-gate.config.json ' +
  '(or, with a live Vault, --vault --take-snapshot DIR).';

const OVERRIDE_TEXT =
  'Or go ahead anyway with a reason, which is recorded: --override "why" (or VAULT_CHANGE_GATE_OVERRIDE).';

/** What to do after a no-go, exact commands included; nothing after a go. */
export function nextSteps(ctx: NextContext): NextStep[] {
  const { decided, policy, warnings } = ctx;
  // An override went ahead: the only step left is to know what was recorded, and where.
  // Steps about the restore (keep the seal keys after a rekey) still hold.
  if (ctx.overridden)
    return [...(ctx.restoreSteps ?? []), nextStep('OVERRIDDEN', overriddenText(ctx.decisionLog ?? null))];
  const next: NextStep[] = [];
  const lacking = decided.some((d) => lacksSnapshot(d.status));
  if (lacking && ctx.noEvidenceSource) next.push(nextStep('NO_EVIDENCE_SOURCE', NO_SOURCE_TEXT));
  if (decided.some((d) => d.status === 'vault-unavailable')) {
    const text = `Make Vault reachable and unsealed (${ctx.address}), then run the check again.`;
    next.push(nextStep('MAKE_VAULT_AVAILABLE', text));
  }
  if (lacking) {
    // Without a folder, save into one the next run is told to read: never somewhere it would not look.
    const dir = ctx.snapshotDir ?? SUGGESTED_SNAPSHOT_DIR;
    const consul = ctx.format === 'consul';
    const target = `${dir.replace(/\/$/, '')}/${snapshotFileName(ctx.now, consul ? 'consul' : 'vault')}`;
    const save = consul ? 'consul snapshot save' : 'vault operator raft snapshot save';
    // A folder that is not there yet is made first: `snapshot save` into a missing folder fails.
    const missing = ctx.snapshotDir === null || warnings.some((w) => w.code === 'SNAPSHOT_DIR_MISSING');
    const mkdir = missing ? `mkdir -m 700 -p ${dir} && ` : '';
    next.push(nextStep('TAKE_SNAPSHOT', `Take a snapshot now: ${mkdir}${save} ${target}`));
    const again = ctx.snapshotDir === null ? ` with --snapshot-dir ${dir}` : '';
    next.push(nextStep('CHECK_AGAIN', `Then run the same check again${again}.`));
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
  next.push(nextStep('OVERRIDE', OVERRIDE_TEXT));
  return next;
}

/** After an override: what was recorded, and where; no "take a snapshot, then run again" any more. */
function overriddenText(decisionLog: string | null): string {
  const where = decisionLog
    ? `and appended to the decision log ${decisionLog}`
    : 'and nowhere else: no decisionLog is configured, so keep this output (or set "decisionLog") as the record';
  return `Overridden: the change goes ahead. Who, when and why are recorded in this decision ("overridden"), ${where}.`;
}
