export { readVaultSettings, VaultConfigError, type VaultSettings } from './settings.js';
export { createVaultClient, type VaultClient, type VaultReply } from './client.js';
export { gatherClusterFacts, HEALTH_MEANING } from './facts.js';
export { saveSnapshot, SnapshotSaveError } from './snapshot-save.js';
export { VaultUnreachableError } from './transport.js';
