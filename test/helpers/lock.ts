import { hostname } from 'node:os';
import type { LockInfo } from '../../src/lock/index.js';

/**
 * A lock as another process would have left it: by default a live snapshot save of this host (our parent process,
 * which is alive and is not this process, so the lock is not ours).
 */
export function othersLock(over: Partial<LockInfo> = {}): string {
  const info: LockInfo = {
    kind: 'vault-change-gate/lock',
    version: 1,
    purpose: 'snapshot',
    pid: process.ppid,
    host: hostname(),
    startedAt: '2026-12-04T09:00:00.000Z',
    cluster: { id: null, name: null, address: null },
    reason: 'snapshot save other.snap',
    expiresAt: null,
    token: 'theirs',
    ...over,
  };
  return JSON.stringify(info);
}
