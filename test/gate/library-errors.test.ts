import { describe, expect, it, vi } from 'vitest';
import { check, ConfigError, GateRefusedError, guard, UserError } from '../../src/index.js';
import { tempDir } from '../helpers/tmp.js';

/** What plain JavaScript can pass, which TypeScript would refuse. */
const untyped = (value: unknown) => value as never;

describe('check() and guard() raise documented error classes only (docs/library.md)', () => {
  it('refuses an unknown option key in plain JavaScript, naming the near one, rather than ignoring it', async () => {
    const cwd = tempDir();
    const wrong = untyped({ cwd, operations: ['POST sys/mounts/kv'], snapshotdir: '/var/backups/vault' });
    await expect(check(wrong)).rejects.toThrow(ConfigError);
    await expect(check(wrong)).rejects.toThrow('check(): unknown option "snapshotdir"; did you mean "snapshotDir"?');
    await expect(check(untyped({ cwd, operations: [], snapshot_dir: 'x' }))).rejects.toThrow(/"snapshotDir"/);
    await expect(check(untyped({ cwd, frobnicate: true }))).rejects.toThrow(/unknown option "frobnicate"$/);
    await expect(check(untyped('POST sys/mounts/kv'))).rejects.toThrow(/must be an object, not a string/);
  });

  it('guard() refuses unknown keys, a non-array and a non-function before running anything', async () => {
    const fn = vi.fn();
    const cwd = tempDir();
    await expect(guard(['POST sys/mounts/kv'], fn, untyped({ cwd, snapshotsDir: 'x' }))).rejects.toThrow(ConfigError);
    await expect(guard(untyped('POST sys/mounts/kv'), fn, { cwd })).rejects.toThrow(ConfigError);
    await expect(guard(['GET sys/health'], untyped(null), { cwd })).rejects.toThrow(ConfigError);
    expect(fn).not.toHaveBeenCalled();
  });

  it('a missing snapshotDir is a ConfigError, a UserError; a no-go in guard() is a GateRefusedError', async () => {
    const cwd = tempDir();
    const missing = check({ cwd, operations: ['POST sys/mounts/kv'], snapshotDir: 'nope' });
    await expect(missing).rejects.toBeInstanceOf(ConfigError);
    await expect(check({ cwd, operations: ['x'], snapshotDir: 'nope' })).rejects.toBeInstanceOf(UserError);
    const fn = vi.fn();
    const refused = await guard(['POST sys/mounts/kv'], fn, { cwd }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GateRefusedError);
    expect((refused as GateRefusedError).decision.nextSteps[0]?.code).toBe('NO_EVIDENCE_SOURCE');
    expect(fn).not.toHaveBeenCalled();
  });
});
