import { describe, expect, it } from 'vitest';
import { defaultPolicy, evaluate, type Decision, type SnapshotInspection } from '../../src/index.js';
import { renderDecision } from '../../src/cli/render-decision.js';
import { HOOK_NEXT_WORDS } from '../../src/hook/pre-push.js';

const NOW = '2026-11-26T12:00:00.000Z';
const io = { isTTY: false, env: {} } as unknown as Parameters<typeof renderDecision>[1];

const stale: SnapshotInspection = {
  file: 'old.snap',
  valid: true,
  format: 'vault',
  id: 'bolt-snapshot',
  index: 100,
  term: 2,
  version: 1,
  size: 10,
  takenAt: '2026-11-20T12:00:00.000Z',
  servers: [],
  sha256: 'ab'.repeat(32),
  vaultVersions: [],
  sealType: 'shamir',
  keys: {},
  bytes: 100,
  notes: [],
  problems: [],
};

describe('next steps carry codes; renderers choose words by code', () => {
  const ops = ['POST sys/mounts/kv', 'vault frobnicate sys/x'];
  const d = evaluate(ops, { now: NOW, snapshots: [stale], snapshotDir: '/b' });

  it('gives each next step a code, and keeps `next` as their texts', () => {
    expect(d.nextSteps.map((s) => s.code)).toEqual(['TAKE_SNAPSHOT', 'CHECK_AGAIN', 'FIX_INVALID', 'OVERRIDE']);
    expect(d.next).toEqual(d.nextSteps.map((s) => s.text));
  });

  it('says an override went ahead with its own code', () => {
    const override = { override: { reason: 'r', by: 'a' } };
    const o = evaluate(['POST sys/mounts/kv'], { now: NOW, snapshots: [] }, defaultPolicy, override);
    expect(o.nextSteps.at(-1)?.code).toBe('OVERRIDDEN');
  });

  it("uses the hook's words however the gate words its sentences", () => {
    const reworded: Decision = { ...d, nextSteps: d.nextSteps.map((s) => ({ ...s, text: `reworded ${s.code}` })) };
    const out = renderDecision(reworded, io, HOOK_NEXT_WORDS);
    expect(out).toContain('  Then push again.\n');
    expect(out).toContain('  Or skip this check entirely (not recorded): git push --no-verify\n');
    expect(out).toContain('  reworded TAKE_SNAPSHOT\n');
    expect(out).not.toContain('reworded OVERRIDE');
    expect(out).not.toContain('reworded CHECK_AGAIN');
  });

  it('gives warnings a `reason`, with `message` as its deprecated alias, and accepts either as evidence', () => {
    const w = evaluate(['POST sys/mounts/kv'], {
      now: NOW,
      snapshots: [],
      warnings: [
        { code: 'SNAPSHOT_DIR_MISSING', message: 'old name.' },
        { code: 'SNAPSHOT_TAKEN', reason: 'new name.' },
      ],
    }).warnings;
    expect(w).toEqual([
      { code: 'SNAPSHOT_DIR_MISSING', reason: 'old name.', message: 'old name.' },
      { code: 'SNAPSHOT_TAKEN', reason: 'new name.', message: 'new name.' },
    ]);
  });

  it('refuses a warning code that is not in the enum', () => {
    const bad = { now: NOW, snapshots: [], warnings: [{ code: 'MADE_UP', reason: 'x.' }] } as never;
    expect(() => evaluate(['POST sys/mounts/kv'], bad)).toThrow();
  });
});
