import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { describe, expect, it, vi } from 'vitest';
import { inspectBundle } from '../../src/bundle/inspect.js';
import { saveBundle } from '../../src/bundle/save.js';
import { runCli } from '../helpers/cli.js';
import { craftBundle, serverFixture } from '../helpers/server-config.js';
import { gzip, tar, tarHeader } from '../helpers/snapshot-writer.js';
import { tempDir } from '../helpers/tmp.js';

const BIN = path.join(__dirname, '../../bin/vault-change-gate.js');
const files = { 'files/1-vault.hcl': Buffer.from('ui = true\n'), 'files/2-plugin': Buffer.alloc(3000, 7) };

async function codesOf(bytes: Buffer, name = 'vault-config-20261204T091500Z.tar.gz', identities?: string[]) {
  const dir = tempDir('damaged-');
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  const r = await inspectBundle(file, identities ? { identities } : {});
  expect(r.valid).toBe(r.problems.length === 0);
  return r.problems.map((p) => p.code);
}

describe('config-bundle inspect: every damaged-bundle class has its code', () => {
  const good = craftBundle(files);

  it('the hand-made bundle is valid (the baseline of every case below)', async () => {
    expect(await codesOf(good)).toEqual([]);
  });

  const cases: [string, () => Buffer, string][] = [
    ['empty file', () => Buffer.alloc(0), 'EMPTY_FILE'],
    ['not gzip', () => Buffer.from('ui = true\n'), 'NOT_GZIP'],
    ['truncated', () => good.subarray(0, good.length - 40), 'GZIP_TRUNCATED'],
    ['trailing data', () => Buffer.concat([good, Buffer.from('junk')]), 'GZIP_TRAILING_DATA'],
    ['a second gzip member', () => Buffer.concat([good, good]), 'GZIP_MULTI_MEMBER'],
    [
      'a flipped byte in the compressed data',
      () => {
        const b = Buffer.from(good);
        b[Math.floor(b.length / 2)]! ^= 0xff;
        return b;
      },
      'GZIP_',
    ],
    ['no manifest', () => craftBundle(files, { omitManifest: true }), 'MANIFEST_MISSING'],
    [
      'manifest not JSON',
      () =>
        gzip(
          tar([
            { name: 'files/1-vault.hcl', data: files['files/1-vault.hcl'] },
            { name: 'manifest.json', data: Buffer.from('{') },
          ]),
        ),
      'MANIFEST_INVALID',
    ],
    ['manifest of another shape', () => craftBundle(files, { tamper: (m) => (m.version = 2) }), 'MANIFEST_INVALID'],
    [
      'a file altered',
      () => craftBundle(files, { tamper: (m) => (m.files[1].sha256 = '0'.repeat(64)) }),
      'HASH_MISMATCH',
    ],
    ['a file of another size', () => craftBundle(files, { tamper: (m) => (m.files[0].size = 99) }), 'SIZE_MISMATCH'],
    [
      'a listed file missing',
      () =>
        craftBundle(files, {
          tamper: (m) => m.files.push({ ...m.files[0], entry: 'files/3-gone', path: '/etc/vault.d/gone' }),
        }),
      'MISSING_ENTRY',
    ],
    [
      'an entry outside the manifest (path trick)',
      () => craftBundle(files, { extra: [{ name: '../../etc/cron.d/evil', data: Buffer.from('x') }] }),
      'NOT_IN_MANIFEST',
    ],
    [
      'an entry twice',
      () => craftBundle(files, { extra: [{ name: 'files/1-vault.hcl', data: Buffer.from('other') }] }),
      'DUPLICATE_ENTRY',
    ],
    [
      'a symbolic link entry',
      () => craftBundle(files, { extra: [{ name: 'link', data: Buffer.alloc(0), type: '2' }] }),
      'TAR_ENTRY_TYPE',
    ],
    [
      'a tar header with a bad checksum',
      () => {
        const t = tar([{ name: 'manifest.json', data: Buffer.from('{}') }]);
        t[0] = 0x4e;
        return gzip(t);
      },
      'TAR_HEADER_CHECKSUM',
    ],
    [
      'no tar end marker',
      () => gzip(tar([{ name: 'manifest.json', data: Buffer.from('{}') }], { endMarker: false })),
      'TAR_NO_END_MARKER',
    ],
    [
      'a tar cut in an entry',
      () => gzip(Buffer.concat([tarHeader({ name: 'files/1-x', data: Buffer.alloc(900) }), Buffer.alloc(100)])),
      'TAR_TRUNCATED',
    ],
  ];
  for (const [name, make, code] of cases) {
    it(name, async () => {
      const codes = await codesOf(make());
      expect(
        codes.some((c) => c.startsWith(code)),
        `${codes.join(',')} should hold ${code}`,
      ).toBe(true);
    });
  }

  it('a FIFO, a folder or a device is NOT_A_FILE, without waiting for a writer', async () => {
    const dir = tempDir('damaged-');
    execFileSync('mkfifo', [path.join(dir, 'vault-config-x.tar.gz')]);
    for (const f of [path.join(dir, 'vault-config-x.tar.gz'), dir, '/dev/zero']) {
      expect((await inspectBundle(f)).problems.map((p) => p.code)).toEqual(['NOT_A_FILE']);
    }
  });

  it('CLI: same exit codes and problem-code style as snapshot inspect', async () => {
    const dir = tempDir('damaged-');
    writeFileSync(path.join(dir, 'good.tar.gz'), good);
    writeFileSync(
      path.join(dir, 'bad.tar.gz'),
      craftBundle(files, { tamper: (m) => (m.files[1].sha256 = 'a'.repeat(64)) }),
    );
    let r = await runCli(['config-bundle', 'inspect', 'good.tar.gz'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^VALID {4}configuration bundle {2}good\.tar\.gz/);
    r = await runCli(['config-bundle', 'inspect', 'bad.tar.gz', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).problems[0]).toMatchObject({ code: 'HASH_MISMATCH' });
    r = await runCli(['config-bundle', 'inspect', 'missing.tar.gz'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read missing\.tar\.gz: no such file/);
  });
});

/** A bundle of a Shamir-sealed server's configuration, encrypted to `identity`'s recipient, in a new folder. */
async function encryptedBundle(identity: string, now?: Date): Promise<{ file: string }> {
  const fx = serverFixture({ seal: 'shamir' });
  const saved = await saveBundle(tempDir('bundles-'), {
    serverConfigs: [fx.config],
    cwd: fx.root,
    recipients: [await identityToRecipient(identity)],
    ...(now ? { now } : {}),
  });
  if (!saved.saved) throw new Error(saved.reason);
  return { file: saved.file };
}

describe('age encryption (age-encryption, the age v1 format)', () => {
  it('round trip: --recipient writes .tar.gz.age; header-only without --identity; verified with it', async () => {
    const identity = await generateIdentity();
    const recipient = await identityToRecipient(identity);
    const fx = serverFixture();
    const out = tempDir('bundles-');
    const r = await runCli([
      'config-bundle',
      'save',
      out,
      '--server-config',
      fx.config,
      '--recipient',
      recipient,
      '--strict',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/warning/);
    const [name] = readdirSync(out);
    expect(name).toMatch(/^vault-config-\d{8}T\d{6}Z\.tar\.gz\.age$/);
    const file = path.join(out, name as string);
    expect(readFileSync(file).subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const header = await inspectBundle(file);
    expect(header).toMatchObject({ valid: true, encrypted: true, contentsVerified: false, recipients: ['X25519'] });
    expect(header.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const idFile = path.join(out, 'key.txt');
    writeFileSync(idFile, `# created: now\n# public key: ${recipient}\n${identity}\n`, { mode: 0o600 });
    const full = await runCli(['config-bundle', 'inspect', file, '--identity', idFile, '--json']);
    expect(full.code).toBe(0);
    const parsed = JSON.parse(full.stdout);
    expect(parsed).toMatchObject({ valid: true, encrypted: true, contentsVerified: true });
    expect(parsed.manifest.files.length).toBe(8);
    expect(full.stdout).not.toContain(identity);
  });

  it('an encrypted bundle renamed to a fresher time counts from its last write, never from the name alone', async () => {
    const old = new Date('2026-11-01T08:00:00Z');
    const { file } = await encryptedBundle(await generateIdentity(), old);
    utimesSync(file, old, old);
    const renamed = path.join(path.dirname(file), 'vault-config-20261204T091500Z.tar.gz.age');
    renameSync(file, renamed);
    const r = await inspectBundle(renamed);
    expect(r.valid).toBe(true);
    expect(r.createdAt).toBe('2026-11-01T08:00:00.000Z');
    expect(r.notes.join(' ')).toMatch(
      /name says 2026-12-04T09:15:00.000Z, but the file was last written at 2026-11-01/,
    );
    // Copied later (mtime after the name): the name's time stands; within its second, too.
    const later = new Date('2026-12-04T09:15:00.400Z');
    utimesSync(renamed, later, later);
    expect((await inspectBundle(renamed)).createdAt).toBe('2026-12-04T09:15:00.000Z');
    const earlier = new Date('2026-12-04T09:14:59.500Z');
    utimesSync(renamed, earlier, earlier);
    expect((await inspectBundle(renamed)).createdAt).toBe('2026-12-04T09:15:00.000Z');
  });

  it('a wrong identity, a damaged payload, a truncated file, a broken header: each named', async () => {
    const identity = await generateIdentity();
    const other = await generateIdentity();
    const { file } = await encryptedBundle(identity);
    const bytes = readFileSync(file);
    const name = path.basename(file);
    expect(await codesOf(bytes, name, [other])).toEqual(['AGE_DECRYPT_FAILED']);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 100]! ^= 1;
    expect(await codesOf(flipped, name, [identity])).toEqual(['AGE_DECRYPT_FAILED']);
    // Without a key, a cut is seen when the payload's length is one age never writes; with one, always.
    const payloadStart = bytes.indexOf('\n', bytes.indexOf('\n---') + 1) + 1;
    expect(await codesOf(bytes.subarray(0, payloadStart + 20), name)).toEqual(['AGE_HEADER_INVALID']);
    expect(await codesOf(bytes.subarray(0, bytes.length - 5), name, [identity])).toEqual(['AGE_DECRYPT_FAILED']);
    expect(
      await codesOf(Buffer.concat([Buffer.from('age-encryption.org/v1\n-> X25519\n'), Buffer.alloc(64)]), name),
    ).toEqual(['AGE_HEADER_INVALID']);
    expect(await codesOf(bytes, name, [identity])).toEqual([]);
  });

  it('a recipient that is not age, an identity file that is not one: usage errors before anything is written', async () => {
    const fx = serverFixture({ seal: 'shamir' });
    const out = tempDir('bundles-');
    let r = await runCli([
      'config-bundle',
      'save',
      out,
      '--server-config',
      fx.config,
      '--recipient',
      'ssh-ed25519 AAAA',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not an age recipient/);
    expect(readdirSync(out)).toEqual([]);
    writeFileSync(path.join(out, 'id.txt'), 'hello\n');
    writeFileSync(path.join(out, 'b.tar.gz'), craftBundle(files));
    r = await runCli(['config-bundle', 'inspect', path.join(out, 'b.tar.gz'), '--identity', path.join(out, 'id.txt')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not an age identity file/);
  });
});

describe('Ctrl-C or SIGTERM during config-bundle save (the built CLI)', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s: exits %i and leaves no file, partial or whole',
    async (signal, exitCode) => {
      const fx = serverFixture({ seal: 'shamir', pluginBytes: [] });
      // Incompressible and large enough that the write is still going when the signal comes.
      const { randomBytes } = await import('node:crypto');
      writeFileSync(path.join(fx.pluginDir, 'vault-plugin-big'), randomBytes(96 << 20));
      const out = tempDir('bundles-');
      const child = spawn(process.execPath, [BIN, 'config-bundle', 'save', out, '--server-config', fx.config], {
        env: { ...process.env, NO_COLOR: '1' },
      });
      let output = '';
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      await vi.waitFor(
        () => {
          const temp = existsSync(out) ? readdirSync(out).find((f) => f.endsWith('.tmp')) : undefined;
          expect(temp && statSync(path.join(out, temp)).size).toBeGreaterThan(0);
        },
        { timeout: 20_000, interval: 10 },
      );
      child.kill(signal);
      expect(await exit).toBe(exitCode);
      expect(output).toMatch(/interrupted; no bundle was written and nothing was left behind/);
      expect(readdirSync(out)).toEqual([]);
    },
    60_000,
  );
});
