import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDecision } from '../../src/cli/render-decision.js';
import type { Io } from '../../src/cli/output.js';
import {
  defaultPolicy,
  evaluate,
  inspectSnapshot,
  policyFromConfig,
  type InProgress,
  type SnapshotInspection,
} from '../../src/index.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { tempDir } from '../helpers/tmp.js';

const NOW = '2026-12-04T10:00:00.000Z';
// A real archive, read once: evaluate itself stays pure.
const dir = tempDir('eval-');
writeFileSync(path.join(dir, 'fresh.snap'), buildSnapshot({ takenAt: new Date('2026-12-04T09:50:00.000Z') }));
const fresh: SnapshotInspection = await inspectSnapshot(path.join(dir, 'fresh.snap'), { file: 'fresh.snap' });
const finding = (severity: InProgress['severity'], code: InProgress['code'] = 'SNAPSHOT_IN_PROGRESS'): InProgress => ({
  code,
  severity,
  reason: `${code} (${severity}) in backups.`,
});
const strict = policyFromConfig({}, { strict: true });
const decide = (ops: string[], inProgress: InProgress[], policy = defaultPolicy, override?: string) =>
  evaluate(
    ops,
    { now: NOW, snapshots: [fresh], inProgress },
    policy,
    override ? { override: { reason: override, by: 'alice' } } : {},
  );

describe('evaluate with backups and changes in progress (pure)', () => {
  it.each([
    ['no-go', defaultPolicy, false],
    ['no-go', strict, false],
    ['warning', defaultPolicy, true],
    ['warning', strict, false],
    ['note', defaultPolicy, true],
    ['note', strict, true],
  ] as const)('a %s finding, strict %s: allowed %s for a change that needs a backup', (severity, policy, allowed) => {
    const d = decide(['POST sys/mounts/kv'], [finding(severity)], policy);
    expect(d.allowed).toBe(allowed);
    expect(d.inProgress).toEqual([finding(severity)]);
    expect(d.reasons.includes(finding(severity).reason)).toBe(!allowed);
  });

  it('never blocks what needs no backup: reads, exempt writes', () => {
    for (const op of ['GET sys/mounts', 'PUT sys/policies/acl/x', 'PUT secret/data/x']) {
      expect(decide([op], [finding('no-go')], strict).allowed, op).toBe(true);
    }
  });

  it('an override lets it go, recorded', () => {
    const d = decide(['POST sys/mounts/kv'], [finding('no-go')], defaultPolicy, 'the snapshot is of another cluster');
    expect(d.allowed).toBe(true);
    expect(d.overridden?.by).toBe('alice');
  });

  it('renders the findings under "In progress", with a no-go one as the headline, said once', () => {
    const io = { isTTY: false, stderrIsTTY: false, columns: 100, env: { NO_COLOR: '1' } } as unknown as Io;
    const d = decide(['POST sys/mounts/kv'], [finding('no-go'), finding('note', 'CHANGE_IN_PROGRESS')]);
    const text = renderDecision(d, io);
    expect(text.split('\n')[0]).toBe('NO-GO: SNAPSHOT_IN_PROGRESS (no-go) in backups.');
    expect(text).toContain('In progress:\n  SNAPSHOT_IN_PROGRESS  SNAPSHOT_IN_PROGRESS (no-go) in backups.\n');
    expect(text).toContain('  CHANGE_IN_PROGRESS  CHANGE_IN_PROGRESS (note) in backups.\n');
    expect(text.split('SNAPSHOT_IN_PROGRESS (no-go) in backups.')).toHaveLength(3); // headline and list only
  });
});
