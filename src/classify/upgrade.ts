import type { Classification } from './schema.js';
import { compareVersions, isEnterprise, parseVersion } from './version.js';

const UPGRADE_RULE =
  'Vault does not support storage downgrades, so an upgrade without a snapshot can be one-way: take a backup first';

const make = (
  input: string,
  from: string | null,
  to: string,
  verdict: Classification['verdict'],
  category: Classification['category'],
  reason: string,
): Classification => ({
  input,
  verdict,
  category,
  method: null,
  path: null,
  namespace: '',
  reason,
  from,
  to,
});

/**
 * Classifies a Vault version change. `from` is undefined when the running version is to be read from the live
 * cluster: the change is then an upgrade until the cluster says otherwise.
 */
export function classifyUpgrade(input: string, from: string | undefined, to: string): Classification {
  const target = parseVersion(to);
  if (!target) {
    return make(
      input,
      from ?? null,
      to,
      'invalid',
      'invalid',
      `Not understood: ${JSON.stringify(to)} is not a Vault version (like 1.16.2, v1.21.3 or 1.16.2+ent); the gate refuses what it cannot classify.`,
    );
  }
  if (from === undefined) {
    return make(
      input,
      null,
      target.text,
      'backup-first',
      'upgrade',
      `Changing Vault to ${target.text} from the running version (read from the cluster): ${UPGRADE_RULE}.`,
    );
  }
  const source = parseVersion(from);
  if (!source) {
    return make(
      input,
      from,
      target.text,
      'invalid',
      'invalid',
      `Not understood: ${JSON.stringify(from)} is not a Vault version (like 1.16.2, v1.21.3 or 1.16.2+ent); the gate refuses what it cannot classify.`,
    );
  }
  const order = compareVersions(target, source);
  const editionChange = isEnterprise(source) !== isEnterprise(target);
  const edition = editionChange
    ? ` (and from ${isEnterprise(source) ? 'Enterprise' : 'Community'} to ${isEnterprise(target) ? 'Enterprise' : 'Community'})`
    : '';
  const [f, t] = [source.text, target.text];
  if (order < 0) {
    const why = `${f} -> ${t} is a downgrade${edition}: Vault does not support storage downgrades; the way back is restoring the pre-upgrade snapshot on the old version.`;
    return make(input, f, t, 'backup-first', 'downgrade', why);
  }
  if (order === 0 && !editionChange)
    return make(input, f, t, 'not-sys', 'no-change', `${f} -> ${t} changes no version, so storage is not touched.`);
  return make(input, f, t, 'backup-first', 'upgrade', `${f} -> ${t} is an upgrade${edition}: ${UPGRADE_RULE}.`);
}

/** Reads `upgrade FROM -> TO`, `upgrade FROM TO` and `upgrade TO`. Returns null when the text is not an upgrade. */
export function parseUpgradeText(text: string): { from?: string; to: string } | { problem: string } | null {
  const m = /^upgrade(?:\s+(.*))?$/i.exec(text.trim());
  if (!m) return null;
  const rest = (m[1] ?? '').trim();
  const arrow = /^(\S+?)\s*(?:->|→|=>)\s*(\S+)$/.exec(rest) ?? /^([^\s>→=-]\S*)\s+([^\s>→=-]\S*)$/.exec(rest);
  if (arrow) return { from: arrow[1] as string, to: arrow[2] as string };
  if (/^[^\s>→=]+$/.test(rest) && !rest.endsWith('-')) return { to: rest };
  return { problem: 'write it as "upgrade FROM -> TO" or "upgrade TO"' };
}
