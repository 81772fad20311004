import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import * as stable from '../src/index.js';
import * as unstable from '../src/unstable.js';
import { allDocs } from './helpers/docs.js';
import { repoRoot } from './helpers/shared.js';

/**
 * The package root's runtime names, written out: each is a semver promise, so adding or removing one must be a
 * visible change here (types are checked by `npm run attw` and the type check).
 */
const PROMISED = [
  'CategorySchema',
  'ClassificationSchema',
  'CliOperationSchema',
  'ClusterFactsSchema',
  'ConfigError',
  'ConfigSchema',
  'DecidedOperationSchema',
  'DecisionSchema',
  'EvidenceSchema',
  'EvidenceSnapshotSchema',
  'GateRefusedError',
  'ChangeLockError',
  'GitRangeError',
  'HookError',
  'HookInstallError',
  'HttpMethodSchema',
  'HttpOperationSchema',
  'InProgressSchema',
  'InterruptedError',
  'OperationObjectSchema',
  'OperationSchema',
  'OperationStatusSchema',
  'OverrideSchema',
  'PlanError',
  'PlanSchema',
  'PolicyModeSchema',
  'ProblemCodeSchema',
  'ProblemSchema',
  'RaftServerSchema',
  'RejectedSchema',
  'RequestClassificationSchema',
  'SidecarSchema',
  'SnapshotFormatSchema',
  'SnapshotInspectionSchema',
  'SnapshotMetaSchema',
  'SnapshotReadError',
  'SnapshotSaveError',
  'UpgradeOperationSchema',
  'VaultConfigError',
  'VaultUnreachableError',
  'VerdictSchema',
  'WarningSchema',
  'check',
  'classify',
  'classifyGitRange',
  'classifyMany',
  'classifyPlan',
  'classifyScript',
  'createSnapshotVerifier',
  'createVaultClient',
  'defaultPolicy',
  'evaluate',
  'guard',
  'inspectSnapshot',
  'policyFromConfig',
  'readPlanFile',
  'readVaultSettings',
  'runPrePush',
  'saveSnapshot',
  'withChangeLock',
  'BLOCKING_STATUSES',
  'isBlocking',
  'NextStepCodeSchema',
  'RejectionCodeSchema',
  'WarningCodeSchema',
  'InProgressCodeSchema',
  'gateRejectionInfo',
  'inProgressInfo',
  'rejectionInfo',
  'warningInfo',
  'UserError',
];

const readme = allDocs;
const importsFrom = (specifier: string): string[] =>
  [...readme.matchAll(/^import \{([^}]*)\} from '([^']+)';$/gm)]
    .filter((m) => m[2] === specifier)
    .flatMap((m) => (m[1] as string).split(',').map((n) => n.trim().replace(/^type\s+/, '')))
    .filter((n) => n !== '');

describe('the public API', () => {
  it('exports exactly the promised names from the package root', () => {
    expect(Object.keys(stable).sort()).toEqual([...PROMISED].sort());
  });

  it('keeps every promised name reachable from the unstable entry too, as the same value', () => {
    const pick = (m: object, name: string): unknown => (m as Record<string, unknown>)[name];
    for (const name of PROMISED) expect(pick(unstable, name), name).toBe(pick(stable, name));
    expect(Object.keys(unstable).length).toBeGreaterThan(PROMISED.length);
  });

  it('has every name the README imports from the package', () => {
    const names = importsFrom('vault-change-gate');
    expect(names.length).toBeGreaterThan(3);
    for (const name of names) expect(PROMISED, name).toContain(name);
  });

  it('resolves both entries through package.json "exports", as an installed package would', () => {
    // Self-reference by package name goes through "exports" exactly as a dependant's import does, on the built dist/.
    const script =
      "const s = await import('vault-change-gate');" +
      " const u = await import('vault-change-gate/unstable');" +
      ' console.log(JSON.stringify([Object.keys(s).length, typeof u.categoryInfo, typeof s.categoryInfo]));';
    const args = ['--input-type=module', '-e', script];
    const out = execFileSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([PROMISED.length, 'object', 'undefined']);
  });
});
