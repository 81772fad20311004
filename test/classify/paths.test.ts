import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/index.js';
import { classifyRequest } from '../../src/unstable.js';

const NEEDS_NOTHING = new Set(['excluded', 'read-only', 'not-sys']);

describe('path tricks', () => {
  it.each([
    ['POST sys//mounts/kv', 'invalid'],
    ['POST //sys/mounts/kv', 'invalid'],
    ['POST sys/policies/../mounts/kv', 'invalid'],
    ['POST sys/./mounts/kv', 'invalid'],
    ['POST sys/%2e%2e/mounts/kv', 'invalid'],
    ['POST sys/policies%2f..%2fmounts/kv', 'invalid'],
    ['POST sys/%2Fmounts/kv', 'invalid'],
    ['POST sys/policies%252f..%252fmounts', 'invalid'],
    ['POST sys/mounts/k%zz', 'invalid'],
    ['POST sys/mounts/kv%00', 'invalid'],
    ['POST sys\\mounts\\kv', 'invalid'],
    ['POST sys/mounts/kv#frag', 'invalid'],
    ['POST SYS/mounts/kv', 'invalid'],
    ['POST Sys/policies/acl/x', 'invalid'],
    ['POST ｓｙｓ/mounts/kv', 'invalid'],
    ['FOO sys/mounts/kv', 'invalid'],
    ['OPTIONS sys/mounts', 'invalid'],
    ['POST sys/policiesx/acl/a', 'backup-first'],
    ['POST sys/leases-foo', 'backup-first'],
    ['POST sys/toolsx/hash', 'backup-first'],
    ['POST sys/Policies/acl/a', 'backup-first'],
    ['POST sys/mounts/kv%20space', 'backup-first'],
    ['POST sys/policies/acl/%C3%A9', 'excluded'],
    ['post sys/mounts/kv', 'backup-first'],
    ['POST https://vault.example:8200/v1/sys/mounts/kv', 'backup-first'],
    ['POST https://vault.example:8200/sys/mounts/kv', 'invalid'],
    ['POST /v1/ns1/ns2/sys/mounts/kv', 'backup-first'],
    ['POST /v1/ns1/sys/policies/acl/a', 'excluded'],
    ['POST auth/userpass/users/sys', 'not-sys'],
    ['POST identity/entity/name/sys/x', 'not-sys'],
    ['GET sys/billing/overview?refresh_data=true', 'backup-first'],
    ['GET sys/billing/overview?refresh_data=false', 'read-only'],
    ['GET sys/mounts?list=1', 'read-only'],
    ['GET sys/unknown-thing', 'backup-first'],
    ['PATCH sys/seal-status', 'backup-first'],
    ['POST sys', 'backup-first'],
    ['GET /', 'invalid'],
    ['GET ', 'invalid'],
  ])('%s → %s', (op, verdict) => {
    const c = classify(op);
    expect(c.verdict, c.reason).toBe(verdict);
  });

  it('reads a namespace from the path prefix and from the option, joined', () => {
    expect(classifyRequest('POST', '/v1/ns1/ns2/sys/mounts/x').namespace).toBe('ns1/ns2');
    expect(classifyRequest('POST', 'sys/mounts/x', 'ns1/').namespace).toBe('ns1');
    expect(classifyRequest('POST', 'ns2/sys/mounts/x', 'ns1').namespace).toBe('ns1/ns2');
    expect(classifyRequest('POST', 'sys/mounts/x', 'ns1/../x').verdict).toBe('invalid');
    expect(classifyRequest('POST', 'sys/mounts/x').path).toBe('sys/mounts/x');
  });

  it('names the problem in one sentence', () => {
    expect(classify('POST sys//mounts/kv').reason).toMatch(/^Not understood: .*empty segment.*\.$/);
  });
});

/** Paths that reach an endpoint that needs a backup, and pieces an attacker would wrap them in. */
const BACKUP_FIRST_TARGETS = [
  'sys/mounts/kv',
  'sys/rekey/init',
  'sys/rotate',
  'sys/storage/raft/snapshot-force',
  'sys/auth/x',
  'sys/raw/core/x',
  'sys/policy/x',
];
const junk = fc.constantFrom(
  '',
  '/',
  '//',
  '.',
  '..',
  '%2e',
  '%2E',
  '%2f',
  '%2F',
  '%5c',
  '%25',
  '%00',
  '\u0000',
  '\t',
  ' ',
  '\\',
  '#',
  '?',
  '?list=true',
  'v1',
  'v1/',
  'policies',
  'leases',
  'tools',
  'sys',
  'SYS',
  'ns1',
  '$X',
  '`x`',
  '%',
  'ｓ',
  '\u202e',
);

describe('the normaliser under random and hostile input', () => {
  it('never throws, whatever the method and path', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 6 }),
        fc.string({ maxLength: 80, unit: 'binary' }),
        fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
        (m, p, ns) => {
          const c = classifyRequest(m, p, ns);
          expect(typeof c.reason).toBe('string');
          expect(c.reason.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('never lets a backup-first target through as excluded, read-only or not-sys', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('POST', 'PUT', 'DELETE', 'PATCH'),
        fc.constantFrom(...BACKUP_FIRST_TARGETS),
        fc.array(junk, { maxLength: 4 }),
        fc.array(junk, { maxLength: 3 }),
        fc.nat(),
        (method, target, before, inside, at) => {
          const segs = target.split('/');
          const cut = 1 + (at % segs.length);
          const path = [...before, ...segs.slice(0, cut), ...inside, ...segs.slice(cut)].join('/');
          const c = classifyRequest(method, path);
          // Whatever is added, the answer may be stricter (invalid, backup-first) but never one that needs nothing
          // while the real target (after Vault's own handling) would still be the backup-first endpoint.
          if (NEEDS_NOTHING.has(c.verdict)) {
            // The only honest way to need nothing is to no longer address that endpoint at all: then the decoded
            // path as Vault would route it must not contain the target.
            const decoded = decodeURIComponent(path.split('?')[0]!.replace(/%(?![0-9a-fA-F]{2})/g, '%25'))
              .split('/')
              .filter((s) => s !== '' && s !== '.');
            const resolved: string[] = [];
            for (const s of decoded) {
              if (s === '..') resolved.pop();
              else resolved.push(s);
            }
            // Vault routes by the first `sys` segment; what stands before it is a namespace, unless a reserved
            // mount root (auth, identity, cubbyhole) comes first.
            const sysAt = resolved.indexOf('sys');
            const reservedFirst = resolved
              .slice(0, Math.max(sysAt, 0))
              .some((s) => ['auth', 'identity', 'cubbyhole'].includes(s));
            const routed = sysAt === -1 || reservedFirst ? '' : resolved.slice(sysAt).join('/');
            expect(routed, `${method} ${JSON.stringify(path)} → ${c.verdict}`).not.toBe(target);
          }
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('answers writes under the excluded prefixes only when the prefix is a whole segment', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('leases', 'namespaces', 'tools', 'wrapping', 'policies', 'pprof'),
        fc.string({ minLength: 1, maxLength: 5 }).filter((s) => /^[a-z0-9-]+$/.test(s)),
        (family, suffix) => {
          expect(classifyRequest('POST', `sys/${family}${suffix}/x`).verdict).toBe('backup-first');
          expect(['excluded', 'read-only']).toContain(classifyRequest('POST', `sys/${family}/${suffix}`).verdict);
        },
      ),
    );
  });
});

describe('classify and classifyScript under random input', () => {
  const words = fc.constantFrom(
    'vault',
    'operator',
    'rekey',
    '-init',
    'secrets',
    'enable',
    '-path=x',
    'write',
    'sys/mounts/x',
    'curl',
    '-X',
    'POST',
    'http://v/v1/sys/rotate',
    '$X',
    '"',
    "'",
    '\\',
    ';',
    '|',
    '&&',
    '$(',
    ')',
    '`',
    '<<EOF',
    'EOF',
    '\n',
    '#',
    'upgrade',
    '1.2.3',
    '->',
    'GET',
    'LIST',
    '?list=true',
    '%2e',
  );
  it('classify never throws and always answers in the documented shape', async () => {
    const { ClassificationSchema, classify } = await import('../../src/index.js');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 60 }),
          fc.array(words, { maxLength: 8 }).map((w) => w.join(' ')),
        ),
        (text) => {
          expect(ClassificationSchema.safeParse(classify(text)).success).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });
  it('classifyScript never throws, whatever the script', async () => {
    const { classifyScript } = await import('../../src/index.js');
    fc.assert(
      fc.property(
        fc
          .array(
            fc.array(words, { maxLength: 8 }).map((w) => w.join(' ')),
            { maxLength: 6 },
          )
          .map((l) => l.join('\n')),
        (text) => {
          expect(Array.isArray(classifyScript(text))).toBe(true);
        },
      ),
      { numRuns: 1500 },
    );
  });
});
