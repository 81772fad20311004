import type { Classification, Operation } from '../classify/schema.js';
import type { LoadedConfig } from '../config/load.js';
import type { InFlightOptions } from '../lock/in-flight.js';
import type { InProgress } from './schema.js';

export interface CheckOptions {
  /** Folder the check runs from (config search, relative paths). Default: process.cwd(). */
  readonly cwd?: string;
  /** Planned operations (strings, objects or ready classifications). */
  readonly operations?: readonly (Operation | Classification)[];
  /** Runbook scripts whose vault and curl calls are the operations. */
  readonly scripts?: readonly string[];
  /** Terraform plan JSON files (`terraform show -json PLANFILE`). */
  readonly plans?: readonly string[];
  /** `BASE..HEAD`: the net change of the repository's .tf files (and watched upgrade files). */
  readonly gitRange?: string;
  /** Snapshot files to consider. */
  readonly snapshots?: readonly string[];
  /** Folder to search for snapshots (overrides snapshots.dir of the config). */
  readonly snapshotDir?: string;
  /** Folder of configuration bundles (config-bundle save; overrides configBundles.dir). */
  readonly configBundleDir?: string;
  /** Object-storage sources (s3://, azure://, gs://): replace snapshots.sources of the config. */
  readonly snapshotUrls?: readonly string[];
  /** minimatch pattern inside the folder (overrides snapshots.pattern). */
  readonly pattern?: string;
  /** Config file (else vault-change-gate.config.json in cwd or at the git root). */
  readonly configFile?: string;
  /** An already loaded configuration. */
  readonly config?: LoadedConfig;
  /** Let a no-go go ahead; recorded with who and why. */
  readonly override?: string;
  /** Warnings make a no-go. */
  readonly strict?: boolean;
  /** Environment for VAULT_NAMESPACE (defaults to process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The moment of the decision (tests); default now. */
  readonly now?: Date;
  /** Progress of snapshot reads, per file. */
  readonly onProgress?: (file: string, bytes: number) => void;
  /** Ask the live cluster (VAULT_ADDR, VAULT_TOKEN, … from `env`): state, version, raft servers, index. */
  readonly vault?: boolean;
  /** With `vault`: when no fresh valid snapshot is at hand, take one now into this folder, then decide. */
  readonly takeSnapshot?: string;
  /** With `vault` (Enterprise): the automated snapshot configuration whose last run counts as evidence. */
  readonly autoSnapshot?: string;
  /**
   * Abandons the check (Ctrl-C, SIGTERM): requests in flight stop, a snapshot being taken is removed, and the check
   * throws InterruptedError instead of deciding.
   */
  readonly signal?: AbortSignal;
  /** How long the change may run (ms; default 1h): an automated snapshot due inside it is SNAPSHOT_DUE_DURING_CHANGE. */
  readonly windowMs?: number;
  /** With `takeSnapshot`: remove a stale lock of the snapshot folder first (never a live one). */
  readonly breakStaleLock?: boolean;
  /** Findings the caller made itself (exec: the change lock it could not take), decided with the others. */
  readonly inProgress?: readonly InProgress[];
  /** How files in flight are looked at (tests: an injected clock and size probe). */
  readonly inFlight?: InFlightOptions;
}
