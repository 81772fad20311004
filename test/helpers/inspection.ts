import type { SnapshotInspection } from '../../src/index.js';

/** A valid Vault snapshot's inspection, as the verifier reports it, taken at `takenAt`: fixed evidence for tests. */
export const verifiedInspection = (
  file: string,
  takenAt: string,
  extra: Partial<SnapshotInspection> = {},
): SnapshotInspection => ({
  file,
  valid: true,
  format: 'vault',
  id: 'bolt-snapshot',
  index: 4210,
  term: 3,
  version: 1,
  size: 18_432,
  takenAt,
  servers: [{ id: 'vault-0', address: 'vault-0.internal:8201', suffrage: 'voter' }],
  sha256: 'ab'.repeat(32),
  vaultVersions: ['1.16.2'],
  sealType: 'shamir',
  keys: {},
  bytes: 9_000,
  notes: [],
  problems: [],
  ...extra,
});
