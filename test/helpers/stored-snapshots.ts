import { randomBytes } from 'node:crypto';
import { buildSnapshot, vaultState } from './snapshot-writer.js';

/** What the object-storage tests upload: snapshots of a given age, and one big enough to cut halfway. */
export const HOUR = 3_600_000;

export const aged = (agoMs: number): Buffer => buildSnapshot({ takenAt: new Date(Date.now() - agoMs) });

/** Taken ten minutes ago: fresh for every default age. */
export const fresh = (): Buffer => aged(10 * 60_000);

/** A snapshot of a few MiB (incompressible values), so that a cut leaves bytes on both sides of it. */
export const big = (): Buffer => {
  const entries = Array.from({ length: 64 }, (_, i) => [`logical/x/${i}`, randomBytes(64 * 1024)] as [string, Buffer]);
  return buildSnapshot({ takenAt: new Date(Date.now() - 60_000), state: vaultState(entries) });
};
