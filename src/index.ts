/**
 * The public API, under semver: the entry points, the zod schemas of what they take and return (types from
 * z.infer), and the error classes they throw. Every name here is a promise, so the list is kept short and
 * written out by hand (no `export *`): a new export is a decision, and test/public-api.test.ts lists them all.
 * Everything else is reachable from `vault-change-gate/unstable` (src/unstable.ts), with no such promise.
 */

// classify: operations and runbooks to classifications.
export { classify, classifyMany, classifyScript, type ClassifyOptions } from './classify/index.js';
export type { ScriptOptions } from './classify/runbook.js';
export {
  CategorySchema,
  ClassificationSchema,
  CliOperationSchema,
  HttpMethodSchema,
  HttpOperationSchema,
  OperationObjectSchema,
  OperationSchema,
  RequestClassificationSchema,
  UpgradeOperationSchema,
  VerdictSchema,
  type Category,
  type Classification,
  type CliOperation,
  type HttpMethod,
  type HttpOperation,
  type Operation,
  type RequestClassification,
  type UpgradeOperation,
  type Verdict,
} from './classify/index.js';

// config: the configuration file's shape (check reads it; evaluate's policy is built from it).
export { ConfigError, ConfigSchema, PolicyModeSchema } from './config/index.js';
export type { Config, LoadedConfig, PolicyMode } from './config/index.js';

// snapshot: verifying archives.
export { createSnapshotVerifier, inspectSnapshot, SnapshotReadError, type InspectOptions } from './snapshot/index.js';
export {
  ProblemCodeSchema,
  ProblemSchema,
  RaftServerSchema,
  SnapshotFormatSchema,
  SnapshotInspectionSchema,
  SnapshotMetaSchema,
  type Problem,
  type ProblemCode,
  type RaftServer,
  type SnapshotFormat,
  type SnapshotInspection,
  type SnapshotMeta,
} from './snapshot/index.js';

// terraform: plan JSON and the .tf files changed in a git range.
export { classifyGitRange, classifyPlan, readPlanFile } from './terraform/index.js';
export { GitRangeError, PlanError, PlanSchema } from './terraform/index.js';
export type { UpgradeWatch } from './terraform/index.js';
export type { Plan } from './terraform/plan.js';

// vault: taking a snapshot from a live cluster (settings as the vault CLI reads them, a client, the save).
export { createVaultClient, readVaultSettings, saveSnapshot, SidecarSchema, SnapshotSaveError } from './vault/index.js';
export { InterruptedError, VaultConfigError, VaultUnreachableError } from './vault/index.js';
export type { Sidecar, SnapshotIdentity, VaultClient, VaultSettings } from './vault/index.js';
export type { SaveOptions } from './vault/snapshot-save.js';

// gate: the go/no-go decision, pure (evaluate) or with I/O (check, guard).
export { check, evaluate, GateRefusedError, guard, type CheckOptions, type EvaluateContext } from './gate/index.js';
export { ChangeLockError, withChangeLock, type ChangeLockOptions } from './gate/index.js';
export { defaultPolicy, policyFromConfig, type Policy } from './gate/index.js';
export {
  ClusterFactsSchema,
  DecidedOperationSchema,
  DecisionSchema,
  EvidenceSchema,
  EvidenceSnapshotSchema,
  InProgressSchema,
  OperationStatusSchema,
  OverrideSchema,
  RejectedSchema,
  WarningSchema,
  type ClusterFacts,
  type DecidedOperation,
  type Decision,
  type Evidence,
  type EvidenceSnapshot,
  type InProgress,
  type OperationStatus,
  type Override,
  type Rejected,
  type Warning,
} from './gate/index.js';

// gate: the stable codes of warnings, refusals and next steps, with what each means; the statuses that block.
export {
  BLOCKING_STATUSES,
  InProgressCodeSchema,
  isBlocking,
  NextStepCodeSchema,
  RejectionCodeSchema,
  WarningCodeSchema,
} from './gate/index.js';
export { gateRejectionInfo, inProgressInfo, rejectionInfo, warningInfo } from './gate/index.js';
export type { CodeInfo, InProgressCode, NextStepCode, RejectionCode, WarningCode } from './gate/index.js';

// errors: every error that is the user's to fix (exit 2 in the CLI) extends UserError.
export { UserError } from './errors.js';

// hook: the pre-push hook's runner and its errors.
export { HookError, runPrePush, type PrePushOptions, type PrePushResult } from './hook/pre-push.js';
export { HookInstallError } from './hook/install.js';
