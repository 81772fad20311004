import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { UserError } from '../../src/errors.js';

const SRC = path.resolve(import.meta.dirname, '../../src');

// `config` is the command main() runs below; it throws whatever error the test puts here.
const thrown = vi.hoisted(() => ({ error: null as unknown }));
vi.mock('../../src/cli/config-command.js', () => ({
  configCommand: async () => {
    throw thrown.error;
  },
}));

/**
 * Errors that are not the user's to fix, each for a reason: a refusal is a no-go (exit 1), an interrupt exits
 * 128 + the signal, an unreachable Vault is a no-go, and a snapshot that could not be taken is a failed operation
 * the `snapshot save` command reports with exit 1; an object store's failure (SourceFailure) becomes a refused
 * candidate with its code and never leaves the sources layer. A new error class must be added here or extend UserError.
 */
const NOT_THE_USERS = new Set([
  'GateRefusedError',
  'InterruptedError',
  'VaultUnreachableError',
  'SnapshotSaveError',
  // A snapshot or a change refused by the snapshot folder's lock: a no-go (exit 1), like a refusal.
  'SnapshotLockedError',
  'ChangeLockError',
  'SourceFailure',
]);

type ErrorClass = new (message: string, ...rest: unknown[]) => Error;

/** Every error class exported by any module of src/, found by loading each one. */
async function exportedErrorClasses(): Promise<Map<string, ErrorClass>> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const found = new Map<string, ErrorClass>();
  for (const file of files) {
    const module = (await import(path.join(SRC, file))) as Record<string, unknown>;
    for (const value of Object.values(module)) {
      if (typeof value === 'function' && value.prototype instanceof Error) found.set(value.name, value as ErrorClass);
    }
  }
  return found;
}

const silent = () => {
  const err: string[] = [];
  const io = { stdout: () => {}, stderr: (s: string) => err.push(s), cwd: process.cwd(), env: {} };
  return { io: io as unknown as Parameters<typeof main>[1], err };
};

describe('the error model', () => {
  it("every exported error class that is the user's to fix extends UserError and exits 2 with one line", async () => {
    const classes = await exportedErrorClasses();
    // The classes the issue names, so that a broken search cannot pass by finding nothing.
    const named = ['ConfigError', 'SnapshotReadError', 'PlanError', 'GitRangeError', 'GitError', 'HookError'];
    for (const name of [...named, 'HookInstallError', 'VaultConfigError', 'UsageError']) {
      expect(classes.has(name), name).toBe(true);
    }
    for (const [name, ErrorClass] of classes) {
      if (NOT_THE_USERS.has(name) || name === 'UserError') continue;
      const error = new ErrorClass('the file is not there; name another one', 'ENOENT');
      expect(error, name).toBeInstanceOf(UserError);
      expect(error.name, `${name} keeps its name`).toBe(name);
      thrown.error = error;
      const { io, err } = silent();
      expect(await main(['config'], io), name).toBe(2);
      expect(err.join(''), name).toBe('vault-change-gate: the file is not there; name another one\n');
    }
  });

  it('a no-go, an interrupt, an unreachable Vault are not user errors; anything else is a bug (exit 3)', async () => {
    const classes = await exportedErrorClasses();
    for (const name of NOT_THE_USERS) {
      expect(classes.get(name)?.prototype, name).not.toBeInstanceOf(UserError);
    }
    thrown.error = new TypeError('x is undefined');
    const { io, err } = silent();
    expect(await main(['config'], io)).toBe(3);
    const bug =
      /^vault-change-gate: unexpected failure \(a bug\); please report it with this output at https:\/\/\S+\/issues\nTypeError: x is/;
    expect(err.join('')).toMatch(bug);
  });

  it('a new subclass of UserError exits 2 without being listed anywhere', async () => {
    class BrandNewError extends UserError {
      override readonly name = 'BrandNewError';
    }
    thrown.error = new BrandNewError('a sentence');
    const { io } = silent();
    expect(await main(['config'], io)).toBe(2);
  });
});
