export { createSnapshotVerifier, inspectSnapshot, SnapshotReadError, type InspectOptions } from './inspect.js';
export * from './schema.js';
