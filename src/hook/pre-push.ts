import type { Classification } from '../classify/schema.js';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { repoRoot, resolveRev } from '../git/git.js';
import { check } from '../gate/check.js';
import type { NextStepCode } from '../gate/codes.js';
import { nextStep } from '../gate/findings.js';
import { SUGGESTED_SNAPSHOT_DIR } from '../gate/next-steps.js';
import type { Decision } from '../gate/schema.js';
import { classifyCommits } from '../terraform/git-range.js';
import { parsePushLines, pushRanges, type PushRange, type PushTarget } from './push-ranges.js';
import { UserError } from '../errors.js';

/** The hook was called wrongly (outside a repository, unreadable input): exit 2, one line. */
export class HookError extends UserError {
  override readonly name = 'HookError';
}

export interface PrePushOptions {
  readonly cwd: string;
  /** `$1`: the remote's name (or its URL when pushing to a URL). */
  readonly remote?: string;
  /** `$2`: the URL pushed to. */
  readonly url?: string;
  /** The push's standard input. */
  readonly input: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now?: Date;
}

export interface PrePushResult {
  readonly decision: Decision;
  readonly ranges: readonly PushRange[];
  /** Whether the repository has a vault-change-gate.config.json. */
  readonly configured: boolean;
}

/** In a hook there are no flags: the override and git's own bypass are said the way they are used (by code). */
export const HOOK_NEXT_WORDS = {
  OVERRIDE: [
    'Or push with a reason, which the decision records (and the decision log, when configured): ' +
      'VAULT_CHANGE_GATE_OVERRIDE="why" git push',
    'Or skip this check entirely (not recorded): git push --no-verify',
  ],
  CHECK_AGAIN: 'Then push again.',
  // The hook has no flags: its CONFIGURE step says where the folder is set.
  NO_EVIDENCE_SOURCE: [],
} as const satisfies Partial<Record<NextStepCode, string | readonly string[]>>;

const ZERO = /^0+$/;

/** Whether the pre-commit framework runs the hook: it sets PRE_COMMIT=1 and takes git's standard input itself. */
export const runByPreCommit = (env: PrePushOptions['env']): boolean => env.PRE_COMMIT === '1';

/**
 * pre-commit passes one pushed ref in PRE_COMMIT_FROM_REF / PRE_COMMIT_TO_REF, the range it computed itself; when
 * it judges the whole history it passes only PRE_COMMIT_LOCAL_BRANCH. Read only under pre-commit (PRE_COMMIT=1),
 * never from a stray environment.
 */
async function preCommitLines(root: string, env: PrePushOptions['env']): Promise<string> {
  const local = env.PRE_COMMIT_LOCAL_BRANCH;
  const head = env.PRE_COMMIT_TO_REF || (local ? await resolveRev(root, local) : null);
  if (!head) {
    const missing = 'without PRE_COMMIT_TO_REF or PRE_COMMIT_LOCAL_BRANCH: nothing says what is pushed';
    throw new HookError(`run by pre-commit (PRE_COMMIT=1) ${missing}`);
  }
  const given = env.PRE_COMMIT_FROM_REF;
  const from = given && !ZERO.test(given) ? given : '0'.repeat(head.length);
  return `${local ?? 'HEAD'} ${head} ${env.PRE_COMMIT_REMOTE_BRANCH ?? 'refs/heads/unknown'} ${from}\n`;
}

/**
 * git passes the remote's name and the URL (the same string twice when pushing to a URL); pre-commit passes them
 * in PRE_COMMIT_REMOTE_NAME / _URL.
 */
function pushTarget(options: PrePushOptions, preCommit: boolean): PushTarget {
  const name = (preCommit ? options.env.PRE_COMMIT_REMOTE_NAME : options.remote) || null;
  const url = (preCommit ? options.env.PRE_COMMIT_REMOTE_URL : options.url) || null;
  return { name: name !== url ? name : null, url: url ?? name };
}

const key = (c: Classification): string => `${c.file ?? ''}:${c.line ?? ''}:${c.input}:${c.verdict}`;

/**
 * The pre-push check: the net change of every pushed ref (plus watched upgrade files), decided by the gate with the
 * repository's configuration. No configuration and a change that needs a backup is a no-go that says how to
 * configure, never a silent pass.
 */
export async function runPrePush(options: PrePushOptions): Promise<PrePushResult> {
  const root = await repoRoot(options.cwd);
  if (!root) throw new HookError(`${options.cwd} is not inside a git repository`);
  const preCommit = runByPreCommit(options.env);
  const lines = parsePushLines(preCommit ? await preCommitLines(root, options.env) : options.input);
  if ('problem' in lines) throw new HookError(lines.problem);
  const ranges = await pushRanges(root, lines, pushTarget(options, preCommit));
  const loaded: LoadedConfig = await loadConfig({ cwd: root });
  const configured = loaded.file !== null;
  const seen = new Set<string>();
  const operations: Classification[] = [];
  for (const r of ranges) {
    for (const c of await classifyCommits(
      root,
      r.base,
      r.head,
      loaded.config.upgradeWatch ? { upgradeWatch: loaded.config.upgradeWatch } : {},
    )) {
      if (seen.has(key(c))) continue;
      seen.add(key(c));
      operations.push(c);
    }
  }
  const override = options.env.VAULT_CHANGE_GATE_OVERRIDE?.trim();
  const decision = await check({
    cwd: root,
    operations,
    config: loaded,
    env: options.env,
    ...(override ? { override } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  if (configured || !operations.some((o) => o.verdict === 'backup-first')) return { decision, ranges, configured };
  // Unconfigured: say how to configure, and keep it a no-go unless overridden.
  const reason =
    'This push changes Vault in a way that needs a backup first, but the repository has no vault-change-gate.config.json at its root to say where snapshots are.';
  const setup =
    'Add vault-change-gate.config.json at the repository root to say where snapshots are, for example: ' +
    `{ "snapshots": { "dir": "${SUGGESTED_SNAPSHOT_DIR}" } }`;
  return {
    configured,
    ranges,
    decision: {
      ...decision,
      allowed: decision.overridden !== null,
      verdict: decision.overridden !== null ? 'go' : 'no-go',
      reasons: [reason, ...decision.reasons.filter((r) => r !== reason)],
      next: [setup, ...decision.next],
      nextSteps: [nextStep('CONFIGURE', setup), ...decision.nextSteps],
    },
  };
}
