export {
  acquireLock,
  describeHolder,
  heldHere,
  judge,
  LOCK_FILE_NAME,
  LockClusterSchema,
  LockError,
  LockInfoSchema,
  LockPurposeSchema,
  lockFile,
  readLock,
  releaseDetached,
  sameCluster,
  type AcquireResult,
  type FoundLock,
  type HeldLock,
  type LockCluster,
  type LockInfo,
  type LockPurpose,
  type LockRequest,
} from './lock-file.js';
export { findInFlight, type InFlight, type InFlightOptions, type SizeProbe } from './in-flight.js';
export { obstacle, type LockCode, type Obstacle } from './obstacle.js';
