import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  classifyGitRange,
  classifyPlan,
  classifyScript,
  evaluate,
  policyFromConfig,
  type Classification,
  type Decision,
  type SnapshotInspection,
} from '../../src/index.js';
import { verifiedInspection } from '../helpers/inspection.js';
import { GitDir } from '../helpers/gitdir.js';
import { repoRoot } from '../helpers/shared.js';

/** Fixed decisions for the CI formats: a fixed moment, fixed snapshots, inputs of each kind. */
export const NOW = '2026-11-26T12:00:00.000Z';
const minutesAgo = (m: number) => new Date(Date.parse(NOW) - m * 60_000).toISOString();

export const fresh = verifiedInspection('backups/vault-20261126T113000Z.snap', minutesAgo(30));
export const old = verifiedInspection('backups/vault-20261125T080000Z.snap', minutesAgo(28 * 60));

/** A runbook with a token on one line, a rekey, a /sys read, and a line the gate cannot read. */
export const RUNBOOK = [
  '#!/usr/bin/env bash',
  'set -euo pipefail',
  'vault login -method=token hvs.RUNBOOKSECRET0123456789',
  'vault status',
  'vault operator rekey -init -key-shares=5 -key-threshold=3',
  'vault frobnicate sys/x',
  'curl -H "X-Vault-Token: hvs.CURLSECRET0123456789" -X POST https://vault:8200/v1/sys/mounts/kv -d @kv.json',
  '',
].join('\n');
export const runbook = (): Classification[] => classifyScript(RUNBOOK, { file: 'runbooks/rotate keys.sh' });

export const plan = (): Classification[] =>
  classifyPlan(
    JSON.parse(readFileSync(path.join(repoRoot, 'examples/terraform/plan.json'), 'utf8')) as unknown,
    'plan.json',
  );

/**
 * The operations `classify --git-range` finds in a real repository's change: an audit device added and a secret
 * changed in .tf files (file, line and resource address each). Read once: git runs, the result is fixed.
 */
async function readTfRange(): Promise<Classification[]> {
  const repo = new GitDir();
  const base = repo.commit({
    'vault/app.tf':
      'resource "vault_kv_secret_v2" "app" {\n  mount     = "secret"\n  name      = "app"\n  data_json = "{}"\n}\n',
  });
  const head = repo.commit({
    'vault/audit.tf':
      '# the audit log\n\nresource "vault_audit" "file" {\n  type = "file"\n' +
      '  options = { file_path = "/var/log/vault.log" }\n}\n',
    'vault/app.tf':
      'resource "vault_kv_secret_v2" "app" {\n  mount     = "secret"\n  name      = "app"\n' +
      '  data_json = "{\\"a\\":1}"\n}\n',
  });
  return classifyGitRange(repo.dir, base, head);
}
const tfRangeOperations = await readTfRange();
export const tfRange = (): Classification[] => tfRangeOperations;

const evidence = (snapshots: SnapshotInspection[]) => ({ now: NOW, snapshots, snapshotDir: 'backups' });

/** name → decision: go, warned, no-go, invalid; over a runbook, a .tf range and a plan. */
export const decisions: [name: string, decide: () => Decision][] = [
  ['tf-range-go', () => evaluate(tfRange(), evidence([fresh]))],
  ['tf-range-no-go', () => evaluate(tfRange(), evidence([]))],
  [
    'plan-warned',
    () => evaluate(plan(), evidence([old]), policyFromConfig({ policy: { mounts: 'warn', auth: 'warn' } })),
  ],
  ['plan-no-go', () => evaluate(plan(), evidence([old]))],
  ['runbook-invalid', () => evaluate(runbook(), evidence([fresh]))],
];
