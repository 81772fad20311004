/**
 * The layers of src/, lowest first: a module may import its own layer and the layers before it, never a later one.
 * This list is the one statement of the order; test/architecture/layers.test.ts enforces it on every import.
 *
 * - shared: tiny helpers with no knowledge of Vault (src/shared/, src/errors.ts, this file).
 * - classify: pure words → verdicts; knows nothing of files, git or Vault.
 * - config: the configuration file and its schema (uses classify's categories).
 * - snapshot: reading and verifying archives.
 * - lock: the lock of a snapshot folder (a snapshot and a change never at once) and snapshots in flight there; before
 *   vault and gate, which both take it.
 * - git before terraform: the Terraform readers walk a git range through the git adapter, never the reverse.
 * - vault: the live cluster (HTTP), saving snapshots, the cluster facts.
 * - bundle: the configuration bundle (Vault's server configuration, the files it names, plugins): reads Vault's
 *   HCL with the terraform layer's parser and records the live plugin catalogue, so it sits after both.
 * - sources: snapshots in object storage (S3, Azure Blob, GCS), listed and streamed through the verifier; each SDK
 *   loaded only when its kind of source is used.
 * - gate: collects the evidence from all of the above and decides.
 * - report: the CI formats (SARIF, JUnit, GitHub, GitLab) of a decision or of classifications; pure renderers.
 * - hook: the pre-push hook, built on the gate.
 * - api: src/index.ts and src/unstable.ts, the library's public entries (they may export from any layer, but not
 *   from the CLI).
 * - cli: argument parsing, rendering, exit codes.
 */
export const LAYERS = [
  'shared',
  'classify',
  'config',
  'snapshot',
  'lock',
  'git',
  'terraform',
  'vault',
  'bundle',
  'sources',
  'gate',
  'report',
  'hook',
  'api',
  'cli',
] as const;
export type Layer = (typeof LAYERS)[number];

/** Modules at the root of src/ that are not a folder of their own. */
const ROOT_MODULES: Readonly<Record<string, Layer>> = {
  'errors.ts': 'shared',
  'layers.ts': 'shared',
  'index.ts': 'api',
  'unstable.ts': 'api',
};

/** The layer of a source file, from its path relative to src/ (forward slashes); null when it belongs to none. */
export function layerOf(relative: string): Layer | null {
  const slash = relative.indexOf('/');
  const name = slash < 0 ? (ROOT_MODULES[relative] ?? null) : relative.slice(0, slash);
  return (LAYERS as readonly string[]).includes(name ?? '') ? (name as Layer) : null;
}
