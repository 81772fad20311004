import path from 'node:path';
import { describe, it } from 'vitest';
import {
  evaluate,
  inspectSnapshot,
  policyFromConfig,
  type ClusterFacts,
  type Decision,
  type Evidence,
} from '../../src/index.js';
import type { Io } from '../../src/cli/output.js';
import { renderDecision } from '../../src/cli/render-decision.js';
import { renderInspection } from '../../src/cli/render-inspection.js';
import { combine } from '../../src/gate/targets.js';
import { HOOK_NEXT_WORDS } from '../../src/hook/pre-push.js';
import { repoRoot } from '../helpers/shared.js';
import { verifiedInspection } from '../helpers/inspection.js';
import { expectGolden } from './golden.js';

/** Fixed inputs: a fixed moment, plain output (no colour), so the renderings are compared whole. */
const NOW = '2026-11-26T12:00:00.000Z';
const io = { isTTY: false, stderrIsTTY: false, env: {}, cwd: '/', columns: 80 } as unknown as Io;
const minutesAgo = (m: number) => new Date(Date.parse(NOW) - m * 60_000).toISOString();

const snap = verifiedInspection;

const facts = (name: string | null, address: string, extra: Partial<ClusterFacts> = {}): ClusterFacts => ({
  name,
  address,
  reachable: true,
  error: null,
  state: 'active',
  healthStatus: 200,
  initialized: true,
  sealed: false,
  version: '1.16.2',
  storageType: 'raft',
  sealType: 'shamir',
  clusterName: name ?? 'vault-cluster',
  clusterId: null,
  haEnabled: true,
  appliedIndex: 4215,
  raftServers: [{ id: 'vault-0', address: 'vault-0.internal:8201', voter: true, leader: true }],
  versionHistory: ['1.16.2'],
  autoSnapshot: null,
  notes: [],
  ...extra,
});

const fresh = snap('backups/vault-20261126T113000Z.snap', minutesAgo(30));
const old = snap('backups/vault-20261125T080000Z.snap', minutesAgo(28 * 60));
const damaged = snap('backups/broken.snap', minutesAgo(5), {
  valid: false,
  problems: [{ code: 'GZIP_TRUNCATED', reason: 'The compressed data ends before its gzip trailer.', message: 'The compressed data ends before its gzip trailer.' }],
});
const evidence = (e: Partial<Evidence>): Evidence => ({ now: NOW, snapshots: [], snapshotDir: 'backups', ...e });
const decide = (ops: string[], e: Partial<Evidence>) => evaluate(ops, evidence(e));
const by = { override: { reason: 'CHG-1234: snapshot verified by hand', by: 'Ada <ada@example.com>' } };

const decisions: [name: string, decision: () => Decision][] = [
  ['decision-go', () => evaluate(['vault operator rekey -init', 'GET sys/health'], evidence({ snapshots: [fresh] }))],
  ['decision-go-nothing-needed', () => evaluate(['GET sys/health', 'vault kv put secret/app x=1'], evidence({}))],
  [
    'decision-warned',
    () => {
      const policy = policyFromConfig({ policy: { mounts: 'warn' } });
      return evaluate(['POST sys/mounts/kv'], evidence({ snapshots: [old] }), policy);
    },
  ],
  ['decision-no-go-stale', () => decide(['upgrade 1.16.2 -> 1.17.0', 'POST sys/mounts/kv'], { snapshots: [old] })],
  [
    'decision-no-go-no-snapshot',
    () =>
      evaluate(
        ['vault secrets enable -path=team-a kv-v2'],
        evidence({
          snapshots: [damaged],
          rejected: [{ file: 'backups/link.snap', code: 'SYMLINK_OUTSIDE', reason: 'link.snap leaves backups.' }],
        }),
      ),
  ],
  ['decision-no-go-invalid', () => decide(['vault frobnicate sys/x', 'GET sys/health'], { snapshots: [fresh] })],
  [
    'decision-no-go-vault-unavailable',
    () => {
      const cluster = facts(null, 'https://vault.example.com:8200', {
        reachable: false,
        error: 'cannot reach Vault at https://vault.example.com:8200: connection refused (is VAULT_ADDR right?)',
        // Only what an unreachable cluster's rendering and decision read; the rest as facts() has it.
        state: 'unknown',
        appliedIndex: null,
      });
      return evaluate(['vault operator raft remove-peer vault-2'], evidence({ snapshots: [fresh], cluster }));
    },
  ],
  [
    'decision-overridden',
    () => evaluate(['vault operator rekey -init'], evidence({ snapshots: [old] }), undefined, by),
  ],
  [
    'decision-strict',
    () => {
      const reason = 'The snapshot folder backups (mode 755) can be listed or entered by every user: chmod 700 it.';
      const warnings = [{ code: 'FOLDER_OPEN_TO_OTHERS' as const, reason }];
      const strict = policyFromConfig({ strict: true });
      return evaluate(['POST sys/mounts/kv'], evidence({ snapshots: [fresh], warnings }), strict);
    },
  ],
  [
    'decision-several-clusters',
    () =>
      combine([
        decide(['POST sys/mounts/kv'], { snapshots: [fresh], cluster: facts('east', 'https://east.example.com:8200') }),
        decide(['POST sys/mounts/kv'], { snapshots: [old], cluster: facts('west', 'https://west.example.com:8200') }),
      ]),
  ],
];

describe('golden: human renderings of decisions', () => {
  it.each(decisions)('%s', (name, decide) => {
    expectGolden(name, renderDecision(decide(), io));
  });

  it('decision-hook-no-go (the hook says its own next steps)', () => {
    const d = evaluate(['POST sys/auth/oidc'], evidence({ snapshots: [old] }));
    expectGolden('decision-hook-no-go', renderDecision(d, io, HOOK_NEXT_WORDS));
  });
});

describe('golden: human renderings of inspections', () => {
  const at = Date.parse(NOW);
  const examples = path.join(repoRoot, 'examples', 'snapshots');
  it('inspection-valid (a real archive)', async () => {
    const file = 'vault-raft-2026-11-20.snap';
    const r = await inspectSnapshot(path.join(examples, file), { file });
    expectGolden('inspection-valid', renderInspection(r, io, at));
  });

  it('inspection-damaged (a real archive)', async () => {
    const r = await inspectSnapshot(path.join(examples, 'damaged.snap'), { file: 'damaged.snap' });
    expectGolden('inspection-damaged', renderInspection(r, io, at));
  });
});
