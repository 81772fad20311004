import { describe, expect, it } from 'vitest';
import { classify } from '../../src/index.js';
import { compareVersions, parseVersion } from '../../src/unstable.js';

describe('upgrades', () => {
  it.each([
    ['upgrade 1.16.2 -> 1.17.0', 'backup-first', 'upgrade', '1.16.2', '1.17.0'],
    ['upgrade v1.21.3 -> 2.0.0', 'backup-first', 'upgrade', '1.21.3', '2.0.0'],
    ['upgrade 1.16.2+ent -> 1.16.3+ent', 'backup-first', 'upgrade', '1.16.2+ent', '1.16.3+ent'],
    ['upgrade 1.17.0-beta1 -> 1.17.0', 'backup-first', 'upgrade', '1.17.0-beta1', '1.17.0'],
    ['upgrade 1.17.0 1.17.1', 'backup-first', 'upgrade', '1.17.0', '1.17.1'],
    ['upgrade 1.17.0 → 1.18.0', 'backup-first', 'upgrade', '1.17.0', '1.18.0'],
    ['upgrade 1.17.0 -> 1.16.2', 'backup-first', 'downgrade', '1.17.0', '1.16.2'],
    ['upgrade 2.0.0 -> 1.21.3', 'backup-first', 'downgrade', '2.0.0', '1.21.3'],
    ['upgrade 1.17.0 -> 1.17.0-rc1', 'backup-first', 'downgrade', '1.17.0', '1.17.0-rc1'],
    ['upgrade 1.16.10 -> 1.16.9', 'backup-first', 'downgrade', '1.16.10', '1.16.9'],
    ['upgrade 1.16.2 -> 1.16.2', 'not-sys', 'no-change', '1.16.2', '1.16.2'],
    ['upgrade 1.16.2+ent -> 1.16.2', 'backup-first', 'upgrade', '1.16.2+ent', '1.16.2'],
    ['upgrade 1.17.0', 'backup-first', 'upgrade', null, '1.17.0'],
  ])('%s', (op, verdict, category, from, to) => {
    const c = classify(op);
    expect([c.verdict, c.category, c.from, c.to]).toEqual([verdict, category, from, to]);
    expect(c.method).toBeNull();
  });

  it.each([
    'upgrade',
    'upgrade 1.17',
    'upgrade latest',
    'upgrade 1.16.2 -> ',
    'upgrade 1.16.2 -> 1.17.0 -> 1.18.0',
    'upgrade 01.2.3',
  ])('%s is invalid', (op) => {
    expect(classify(op).verdict).toBe('invalid');
  });

  it('accepts the object form', () => {
    expect(classify({ kind: 'upgrade', from: '1.16.2', to: '1.15.0' }).category).toBe('downgrade');
    expect(classify({ kind: 'upgrade', to: '1.17.0' }).from).toBeNull();
    expect(classify({ kind: 'upgrade', from: 7, to: '1.15.0' }).verdict).toBe('invalid');
  });

  it('orders versions as semver, ignoring build metadata', () => {
    const v = (s: string) => parseVersion(s)!;
    expect(compareVersions(v('1.10.0'), v('1.9.9'))).toBe(1);
    expect(compareVersions(v('1.17.0-beta1'), v('1.17.0-beta.2'))).not.toBe(0);
    expect(compareVersions(v('1.17.0-rc.10'), v('1.17.0-rc.9'))).toBe(1);
    expect(compareVersions(v('1.17.0+ent'), v('1.17.0'))).toBe(0);
  });
});
