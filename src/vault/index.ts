export { displayAddress, readVaultSettings, VaultConfigError, type VaultSettings } from './settings.js';
export { createVaultClient, type VaultClient, type VaultDownload, type VaultReply } from './client.js';
export { gatherClusterFacts, HEALTH_MEANING } from './facts.js';
export { saveSnapshot, SnapshotLockedError, SnapshotSaveError, type SnapshotIdentity } from './snapshot-save.js';
export { readSidecar, sidecarPath, SidecarSchema, type Sidecar, type SidecarRead } from './sidecar.js';
export { InterruptedError, VaultUnreachableError } from './transport.js';
