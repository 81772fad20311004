import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { UserError } from '../errors.js';

/**
 * The age format (age-encryption.org/v1) through `age-encryption` (typage, by the format's author, Filippo
 * Valsorda): pure TypeScript over the audited noble libraries, streaming, no native build; it is loaded only when
 * a bundle is encrypted or opened. The header check below needs no key: it is what inspect does without one.
 */

export class AgeKeyError extends UserError {
  override readonly name = 'AgeKeyError';
}

type AgeModule = typeof import('age-encryption');
let loaded: Promise<AgeModule> | null = null;
const age = (): Promise<AgeModule> => (loaded ??= import('age-encryption'));

/** Checks each recipient (`age1…`) before anything is written; throws AgeKeyError naming the bad one. */
export async function checkRecipients(recipients: readonly string[]): Promise<void> {
  const { Encrypter } = await age();
  for (const r of recipients) {
    try {
      new Encrypter().addRecipient(r);
    } catch {
      throw new AgeKeyError(`--recipient ${JSON.stringify(r.slice(0, 80))} is not an age recipient (age1…)`);
    }
  }
}

/** A pipeline step that encrypts what flows through it to the recipients. */
export function encryptStream(recipients: readonly string[]) {
  return async function* encrypt(input: AsyncIterable<Buffer>): AsyncGenerator<Uint8Array> {
    const { Encrypter } = await age();
    const e = new Encrypter();
    for (const r of recipients) e.addRecipient(r);
    const web = Readable.toWeb(Readable.from(input)) as unknown as ReadableStream<Uint8Array>;
    const out = await e.encrypt(web);
    for await (const chunk of out as unknown as AsyncIterable<Uint8Array>) yield chunk;
  };
}

/** The identities of an age identity file (`AGE-SECRET-KEY-1…` lines; `#` comments). Never printed. */
export function parseIdentityFile(text: string, file: string): string[] {
  const keys = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  if (keys.length === 0 || keys.some((k) => !/^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/.test(k))) {
    throw new AgeKeyError(`${file} is not an age identity file (lines of AGE-SECRET-KEY-1…)`);
  }
  return keys;
}

/** Decrypts a stream with the identities; rejects (wrong key, damaged header) before any plaintext comes. */
export async function decryptStream(source: Readable, identities: readonly string[]): Promise<Readable> {
  const { Decrypter } = await age();
  const d = new Decrypter();
  for (const i of identities) d.addIdentity(i);
  const web = Readable.toWeb(source) as unknown as ReadableStream<Uint8Array>;
  const out = await d.decrypt(web);
  return Readable.fromWeb(out as unknown as WebReadableStream<Uint8Array>);
}

export type AgeHeader =
  { ok: true; recipients: string[]; headerLength: number } | { ok: false; reason: string; more?: boolean };

const INTRO = 'age-encryption.org/v1\n';
const B64 = /^[A-Za-z0-9+/]*$/;

/**
 * Reads an age header (the text before the binary payload): the version line, the recipient stanzas
 * (`-> TYPE args…` and their base64 body), and the `---` MAC line. The MAC itself needs the file key: not checked.
 */
export function parseAgeHeader(head: Buffer): AgeHeader {
  if (head.subarray(0, 34).toString('latin1').startsWith('-----BEGIN AGE ENCRYPTED FILE-----'))
    return { ok: false, reason: 'it is ASCII-armored age; this tool writes and reads binary age only' };
  if (head.length < INTRO.length) return { ok: false, reason: 'it ends inside the age header', more: true };
  if (head.toString('latin1', 0, INTRO.length) !== INTRO) return { ok: false, reason: 'it does not start as age does' };
  const recipients: string[] = [];
  let at = INTRO.length;
  let inStanza = false;
  for (;;) {
    const nl = head.indexOf(0x0a, at);
    if (nl === -1) return { ok: false, reason: 'it ends inside the age header', more: true };
    const line = head.toString('latin1', at, nl);
    at = nl + 1;
    if (line.startsWith('---')) {
      const mac = line.slice(4);
      if (line[3] !== ' ' || mac.length !== 43 || !B64.test(mac))
        return { ok: false, reason: 'its age header MAC line is malformed' };
      if (recipients.length === 0) return { ok: false, reason: 'its age header names no recipient' };
      return { ok: true, recipients, headerLength: at };
    }
    if (line.startsWith('-> ')) {
      const args = line.slice(3).split(' ');
      if (!args[0] || args.some((a) => a === '')) return { ok: false, reason: 'an age recipient stanza is malformed' };
      recipients.push(args[0]);
      inStanza = true;
      continue;
    }
    if (!inStanza || line.length > 64 || !B64.test(line))
      return { ok: false, reason: 'its age header holds a line that is not part of a stanza' };
    if (line.length < 64) inStanza = false;
  }
}
