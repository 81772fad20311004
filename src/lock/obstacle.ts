import { describeHolder, type FoundLock } from './lock-file.js';

/** The gate's codes for what stands in the way (their info entries are in src/gate/codes.ts). */
export type LockCode = 'SNAPSHOT_IN_PROGRESS' | 'CHANGE_IN_PROGRESS' | 'STALE_LOCK';

export interface Obstacle {
  readonly code: LockCode;
  /** One sentence: who holds it since when, and what to do. */
  readonly reason: string;
}

/** Why a lock found in `shownDir` stands in the way, in one sentence with its code. */
export function obstacle(found: FoundLock, shownDir: string): Obstacle {
  if (found.state === 'unreadable') {
    // Another user's live lock (mode 0600) reads as this: it may well be a snapshot being taken right now.
    return {
      code: 'STALE_LOCK',
      reason:
        `The lock in ${shownDir} cannot be read (${found.why}), so whether a snapshot is being taken there cannot ` +
        'be told: make it readable by this user, or if nothing is running remove it with --break-stale-lock ' +
        '(or "vault-change-gate lock release --break-stale-lock").',
    };
  }
  if (found.state !== 'live') {
    const holder = found.info ? `${describeHolder(found.info)}; ` : '';
    return {
      code: 'STALE_LOCK',
      reason:
        `A stale lock is left in ${shownDir}: ${holder}${found.why}. It is not taken over silently: if nothing ` +
        'is running, remove it with --break-stale-lock (or "vault-change-gate lock release --break-stale-lock").',
    };
  }
  const holder = describeHolder(found.info);
  if (found.info.purpose === 'change') {
    return {
      code: 'CHANGE_IN_PROGRESS',
      reason:
        `A change is in progress for the snapshots in ${shownDir}: ${holder}. Vault's storage docs say to back up ` +
        'before, not during, a change: wait for it to end (or "vault-change-gate lock release" once it is over).',
    };
  }
  return {
    code: 'SNAPSHOT_IN_PROGRESS',
    reason:
      `A snapshot is being taken into ${shownDir}: ${holder}. No change may start while a backup is taken: ` +
      'wait for it to finish, then run again.',
  };
}
