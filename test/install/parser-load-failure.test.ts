import { describe, expect, it, vi } from 'vitest';

// The WASM runtime cannot be loaded (a broken or partial install): every HCL file read is refused, never thrown.
vi.mock('web-tree-sitter', () => {
  throw new Error('Cannot find module web-tree-sitter\n    at a stack line that must not be shown');
});

const { classifyTerraformChanges, parseHcl, parseTfJson } = await import('../../src/unstable.js');

describe('the HCL parser cannot be loaded', () => {
  it('makes each .tf / .tofu change invalid with one sentence, no throw', async () => {
    for (const file of ['main.tf', 'infra/audit.tofu', 'prod.auto.tfvars']) {
      const out = await classifyTerraformChanges([
        { path: file, before: null, after: 'resource "vault_audit" "a" {\n  type = "file"\n}\n' },
      ]);
      expect(out.length).toBeGreaterThan(0);
      for (const o of out) {
        expect(o.verdict).toBe('invalid');
        expect(o.reason).toContain('the HCL parser (web-tree-sitter) could not be loaded');
        expect(o.reason).not.toContain('\n');
        expect(o.reason).not.toContain('stack line');
      }
    }
  });

  it('still reads .tf.json without templates (V8 parses JSON); a template in it is an unknown value', async () => {
    expect(parseHcl('a = 1\n')).toMatchObject({ ok: false, line: 1 });
    expect(parseTfJson('{"resource":{"vault_mount":{"m":{"path":"kv"}}}}').ok).toBe(true);
    const out = await classifyTerraformChanges([
      { path: 'main.tf.json', before: null, after: '{"resource":{"vault_mount":{"m":{"path":"${var.p}"}}}}' },
    ]);
    // The template is then an unknown value: the mount's path cannot be known, so it is a backup first.
    expect(out).toMatchObject([{ verdict: 'backup-first', path: 'sys/mounts/<unknown>' }]);
  });
});
