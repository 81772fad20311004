export { check, whoAmI, type CheckOptions } from './check.js';
export { guard, GateRefusedError } from './guard.js';
export { ChangeLockError, changeLockFolders, withChangeLock, type ChangeLockOptions } from './change-lock.js';
export { evaluate, snapshotFileName, type EvaluateContext } from './evaluate.js';
export { defaultPolicy, maxAgeFor, modeFor, policyFromConfig, ONE_HOUR_CATEGORIES, type Policy } from './policy.js';
export { appendDecision } from './decision-log.js';
export * from './schema.js';
export * from './codes.js';
