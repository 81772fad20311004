import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readVaultSettings, VaultConfigError } from '../../src/index.js';
import { displayAddress } from '../../src/unstable.js';

/** A secret that is easy to spot in any output, with the characters a password may hold. */
const secret = fc
  .tuple(fc.constantFrom('S3c', 'Pw9', 'Tk7'), fc.stringMatching(/^[A-Za-z0-9!$&'()*+,;=._~:@/?#%-]{4,16}$/))
  .map(([a, b]) => `${a}${b}`);
const host = fc.constantFrom('127.0.0.1:8200', 'vault.example.com', '[::1]:8200', 'vault:8200/ui');

const leaks = (out: string, s: string) => [s, encodeURIComponent(s), encodeURI(s)].some((form) => out.includes(form));

describe('addresses are shown with credentials and query values masked, whatever they hold', () => {
  it('user:password@ and ?token= never reach the shown address, nor a VAULT_ADDR error', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('http', 'https', 'ftp', 'HTTP'),
        secret,
        secret,
        host,
        secret,
        (scheme, user, pass, h, q) => {
          for (const address of [
            `${scheme}://${user}:${pass}@${h}`,
            `${scheme}://${h}/?token=${q}`,
            `${scheme}://${user}:${pass}@${h}?x=${q}#${q}`,
          ]) {
            const shown = displayAddress(address);
            for (const s of [pass, q]) expect(leaks(shown, s), `${address} -> ${shown}`).toBe(false);
            try {
              readVaultSettings({ VAULT_ADDR: address }, '/nonexistent');
            } catch (error) {
              expect(error).toBeInstanceOf(VaultConfigError);
              for (const s of [pass, q]) expect(leaks((error as Error).message, s)).toBe(false);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('what is not secret stays readable', () => {
    expect(displayAddress('https://vault.example.com:8200')).toBe('https://vault.example.com:8200');
    expect(displayAddress('https://admin:pw@vault.example.com:8200/?token=abc&x=1')).toBe(
      'https://***@vault.example.com:8200?***',
    );
    expect(displayAddress('http://u:p@[::zz')).toBe('http://***@[::zz');
  });
});
