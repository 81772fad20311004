import { z } from 'zod';
import { BundleInspectionSchema, type BundleInspection } from '../bundle/schema.js';
import type { Category } from '../classify/schema.js';
import { formatDuration } from '../config/duration.js';
import type { SnapshotInspection } from '../snapshot/schema.js';
import { CatalogueEntrySchema } from '../vault/plugin-catalogue.js';
import { RestoreCodeSchema, type RestoreCode } from './codes.js';
import { nextStep, warning } from './findings.js';
import { SUGGESTED_SNAPSHOT_DIR } from './next-steps.js';
import { bundleMaxAgeFor, modeFor, type Policy } from './policy.js';
import type { ClusterFacts, DecidedOperation, NextStep, Warning } from './schema.js';

/**
 * Will a restore of the evidence come back up? Vault's storage docs say a backup has two pieces (the storage
 * snapshot, and the server's configuration and scripts, with the user-installed plugins reinstallable), and a
 * snapshot unseals only with the seal of its time. Pure: weighs the bundles found, the live catalogue and seal
 * status, and the chosen snapshot's seal against the decided operations.
 */

/** What the I/O layer found for the configuration bundle (check.ts, config-bundle-evidence.ts). */
export const ConfigBundleEvidenceSchema = z.strictObject({
  /** The folder searched (shown), or null when none is configured. */
  dir: z.string().nullable(),
  /** Bundles read, newest first; the search stops at the first valid one. */
  bundles: z.array(BundleInspectionSchema),
  /** With --vault: the live plugin catalogue, or why it could not be read. */
  catalogue: z.array(CatalogueEntrySchema).nullable(),
  catalogueError: z.string().nullable(),
});
export type ConfigBundleEvidence = z.infer<typeof ConfigBundleEvidenceSchema>;

export const EvidenceBundleSchema = z.strictObject({
  file: z.string(),
  createdAt: z.string(),
  age: z.string(),
  ageMs: z.number(),
  encrypted: z.boolean(),
  /** Whether its contents were verified (an age bundle read without an identity: header only). */
  contentsVerified: z.boolean(),
  sealType: z.string().nullable(),
});
export type EvidenceBundle = z.infer<typeof EvidenceBundleSchema>;

export const RestoreFindingSchema = z.strictObject({
  code: RestoreCodeSchema,
  /** Whether it makes the decision a no-go (its reason is then among `reasons`); otherwise it is a warning. */
  blocking: z.boolean(),
  reason: z.string(),
});
export type RestoreFinding = z.infer<typeof RestoreFindingSchema>;

export interface RestoreInput {
  readonly now: number;
  readonly decided: readonly DecidedOperation[];
  readonly policy: Policy;
  readonly bundle: ConfigBundleEvidence | null;
  readonly snapshot: SnapshotInspection | null;
  readonly cluster: ClusterFacts | null;
}

export interface RestoreOutcome {
  readonly chosen: EvidenceBundle | null;
  readonly findings: RestoreFinding[];
  readonly reasons: string[];
  readonly warnings: Warning[];
  readonly steps: NextStep[];
}

const PLUGIN_BLOCKS: ReadonlySet<Category> = new Set(['upgrade', 'downgrade', 'plugins']);
const SEAL_PLANNED: ReadonlySet<Category> = new Set(['rekey', 'seal']);

const describe = (o: DecidedOperation): string => (o.method && o.path ? `${o.method} ${o.path}` : o.input);

/** The newest valid bundle not dated in the future (beyond the clock skew allowed); null when none. */
function chooseBundle(bundles: readonly BundleInspection[], now: number, skewMs: number): BundleInspection | null {
  return (
    bundles
      .filter((b) => b.valid && b.createdAt !== null && Date.parse(b.createdAt) <= now + skewMs)
      .sort((a, b) => Date.parse(b.createdAt as string) - Date.parse(a.createdAt as string))[0] ?? null
  );
}

/** The live seal against the snapshot's: a sentence when a rekey or seal migration came after it, else null. */
function sealChange(snapshot: SnapshotInspection | null, cluster: ClusterFacts | null): string | null {
  const seal = snapshot?.seal;
  if (!seal || !cluster?.reachable || !cluster.sealType) return null;
  const liveType = cluster.sealType;
  const then = `${snapshot.file} was taken with a ${seal.type ?? 'unknown'} seal`;
  if (seal.type && liveType !== seal.type) {
    return `${then} but the cluster now has a ${liveType} seal: a seal migration came after it, so restoring it needs the seal (KMS key or unseal keys) of that time.`;
  }
  // Shamir: n and t are the unseal key shares; auto-unseal: the recovery key shares.
  const shares = seal.type === 'shamir' ? seal : seal.recovery;
  const n = cluster.sealShares ?? null;
  const t = cluster.sealThreshold ?? null;
  if (!shares || n === null || t === null || shares.shares === null || shares.threshold === null) return null;
  if (shares.shares === n && shares.threshold === t) return null;
  const kind = seal.type === 'shamir' ? 'unseal' : 'recovery';
  return (
    `${then} and ${shares.threshold} of ${shares.shares} ${kind} key shares, but the cluster now has ${t} of ${n}: ` +
    `a rekey came after it, so restoring it needs the ${kind} key shares valid at snapshot time.`
  );
}

/** Weighs the restore evidence; see the module comment. */
export function judgeRestore(input: RestoreInput): RestoreOutcome {
  const { decided, policy, bundle, snapshot, cluster, now } = input;
  const findings: RestoreFinding[] = [];
  const steps: NextStep[] = [];
  const add = (code: RestoreCode, blocking: boolean, reason: string) => {
    if (!findings.some((f) => f.code === code && f.reason === reason)) findings.push({ code, blocking, reason });
  };
  const backed = decided.filter((o) => o.needs === 'snapshot');
  const chosenInspection = bundle ? chooseBundle(bundle.bundles, now, policy.clockSkewMs) : null;
  const chosen: EvidenceBundle | null = chosenInspection
    ? (() => {
        const ageMs = Math.max(0, now - Date.parse(chosenInspection.createdAt as string));
        return {
          file: chosenInspection.file,
          createdAt: chosenInspection.createdAt as string,
          age: formatDuration(ageMs),
          ageMs,
          encrypted: chosenInspection.encrypted,
          contentsVerified: chosenInspection.contentsVerified,
          sealType: chosenInspection.manifest?.seal.type ?? null,
        };
      })()
    : null;

  // The bundle itself, for each operation whose category needs one.
  const refused = bundle ? bundle.bundles.filter((b) => !b.valid).length : 0;
  let needsBundle = false;
  for (const o of bundle ? backed : []) {
    if (!policy.configBundles.requireFor.includes(o.category)) continue;
    needsBundle = true;
    const limit = bundleMaxAgeFor(policy, o.category);
    const blocking = modeFor(policy, o.category) === 'require';
    const maxAge = formatDuration(limit);
    const where = bundle?.dir ? ` in ${bundle.dir}` : ' (set configBundles.dir or --config-bundle-dir)';
    if (!chosen) {
      const lack = `there is no valid configuration bundle${where}${refused ? ` (${refused} refused)` : ''}`;
      add(
        'NO_CONFIG_BUNDLE',
        blocking,
        `${describe(o)} (${o.category}) needs a configuration bundle no older than ${maxAge}, and ${lack}.`,
      );
    } else if (chosen.ageMs > limit) {
      add(
        'STALE_CONFIG_BUNDLE',
        blocking,
        `${describe(o)} (${o.category}) needs a configuration bundle no older than ${maxAge}, and the newest valid one (${chosen.file}) is ${chosen.age} old.`,
      );
    }
  }
  if (findings.some((f) => f.code === 'NO_CONFIG_BUNDLE' || f.code === 'STALE_CONFIG_BUNDLE')) {
    const dir = bundle?.dir ?? SUGGESTED_SNAPSHOT_DIR;
    const text = `Make a configuration bundle now: vault-change-gate config-bundle save ${dir} --server-config /etc/vault.d --vault`;
    steps.push(nextStep('MAKE_CONFIG_BUNDLE', text));
  }

  // The plugins: every external one of the live catalogue has its binary (by sha256) in the bundle.
  if (backed.length && bundle && (bundle.catalogue || bundle.catalogueError) && (chosen || needsBundle)) {
    const blocking = backed.some((o) => PLUGIN_BLOCKS.has(o.category));
    if (bundle.catalogueError) {
      add(
        'PLUGIN_NOT_REINSTALLABLE',
        blocking,
        `The live plugin catalogue could not be read (${bundle.catalogueError}), so whether its plugins can be reinstalled is unknown.`,
      );
    } else if (chosen) {
      const hashes = new Set((chosenInspection?.manifest?.files ?? []).map((f) => f.sha256));
      for (const p of (bundle.catalogue ?? []).filter((x) => !x.builtin)) {
        if (p.sha256 && hashes.has(p.sha256)) continue;
        const why = chosenInspection?.manifest
          ? `has no binary with its sha256 (${p.sha256 ?? 'none registered'}) in ${chosen.file}`
          : `cannot be checked against ${chosen.file}, which is encrypted and was not opened`;
        add(
          'PLUGIN_NOT_REINSTALLABLE',
          blocking,
          `Plugin ${p.type}/${p.name}${p.version ? ` ${p.version}` : ''} ${why}: a restore could not reinstall it.`,
        );
      }
    }
  }

  // The seal the snapshot needs, against the live one and the bundle's configuration.
  const change = backed.length ? sealChange(snapshot, cluster) : null;
  if (change)
    add(
      'SEAL_CHANGED_SINCE_SNAPSHOT',
      backed.some((o) => o.category === 'snapshot-restore'),
      change,
    );
  const snapshotSeal = snapshot?.seal?.type ?? snapshot?.sealType ?? null;
  if (backed.length && chosen?.sealType && snapshotSeal && !chosen.sealType.split('+').includes(snapshotSeal)) {
    const blocking = needsBundle || backed.some((o) => o.category === 'snapshot-restore');
    add(
      'SEAL_TYPE_MISMATCH',
      blocking,
      `${chosen.file} configures a ${chosen.sealType} seal but ${snapshot?.file} was taken with a ${snapshotSeal} seal: a restore onto that server would not unseal.`,
    );
  }

  // A planned rekey or seal migration: the evidence snapshot will need the shares of today.
  const planned = decided.filter((o) => SEAL_PLANNED.has(o.category) && o.verdict === 'backup-first');
  if (planned.length) {
    const evidence = snapshot ? ` (${snapshot.file})` : '';
    steps.push(
      nextStep(
        'KEEP_SEAL_KEYS',
        `After this ${planned[0]?.category === 'rekey' ? 'rekey' : 'seal change'}, the evidence snapshot${evidence} needs the current unseal or recovery key shares (or KMS key): keep them until a snapshot taken after the change exists.`,
      ),
    );
  }

  const reasons = findings.filter((f) => f.blocking).map((f) => f.reason);
  const warnings = findings.filter((f) => !f.blocking).map((f) => warning(f.code, f.reason));
  return { chosen, findings, reasons, warnings, steps };
}
