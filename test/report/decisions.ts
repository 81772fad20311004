import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  classifyPlan,
  classifyScript,
  evaluate,
  policyFromConfig,
  type Classification,
  type Decision,
  type SnapshotInspection,
} from '../../src/index.js';
import { verifiedInspection } from '../helpers/inspection.js';
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

/** Operations as `classify --git-range` gives them for changed .tf blocks: file, line and resource address. */
export const tfRange = (): Classification[] => [
  {
    input: 'vault_audit.file: create',
    verdict: 'backup-first',
    category: 'audit',
    method: 'PUT',
    path: 'sys/audit/file',
    namespace: '',
    reason: 'PUT sys/audit/file writes to /sys (audit).',
    file: 'vault/audit.tf',
    line: 3,
    address: 'vault_audit.file',
  },
  {
    input: 'vault_kv_secret_v2.app: update',
    verdict: 'not-sys',
    category: 'logical',
    method: null,
    path: null,
    namespace: '',
    reason: 'vault_kv_secret_v2 writes only outside /sys, so the backup rule does not apply.',
    file: 'vault/app.tf',
    line: 12,
    address: 'vault_kv_secret_v2.app',
  },
];

const evidence = (snapshots: SnapshotInspection[]) => ({ now: NOW, snapshots, snapshotDir: 'backups' });

/** name → decision: go, warned, no-go, invalid; over a runbook, a .tf range and a plan. */
export const decisions: [name: string, decide: () => Decision][] = [
  ['tf-range-go', () => evaluate(tfRange(), evidence([fresh]))],
  [
    'plan-warned',
    () => evaluate(plan(), evidence([old]), policyFromConfig({ policy: { mounts: 'warn', auth: 'warn' } })),
  ],
  ['plan-no-go', () => evaluate(plan(), evidence([old]))],
  ['runbook-invalid', () => evaluate(runbook(), evidence([fresh]))],
];
