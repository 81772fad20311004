/**
 * `vault-change-gate/unstable`: every layer's internals that the package root does not promise (parsers, rule
 * tables, helpers the CLI and the tests share). No semver promise: any of these may change or go in any release,
 * a patch included. Import from the package root where you can; pin an exact version where you cannot.
 */
export * from './classify/index.js';
export * from './snapshot/index.js';
export * from './gate/index.js';
export * from './config/index.js';
export { findSnapshots } from './snapshot/find.js';
export * from './terraform/index.js';
export * from './vault/index.js';
export * from './lock/index.js';
// The CI formats (SARIF, JUnit, GitHub workflow commands and job summary, GitLab Code Quality).
export * from './report/index.js';
export { runPrePush, HookError, type PrePushOptions, type PrePushResult } from './hook/pre-push.js';
export { installHook, uninstallHook, HookInstallError } from './hook/install.js';
export { parsePushLines, pushRanges, type PushLine, type PushRange } from './hook/push-ranges.js';
export { UserError } from './errors.js';
export * from './bundle/index.js';
