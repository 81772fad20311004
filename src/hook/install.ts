import { chmod, readFile, rename, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { hooksDir, repoRoot } from '../git/git.js';
import { UserError } from '../errors.js';

/** A line every hook we write carries, so that we never mistake someone else's hook for ours. */
export const HOOK_MARKER = '# vault-change-gate:pre-push';
const PREVIOUS = 'pre-push.vault-change-gate-previous';

/** Installing or removing the hook cannot be done as asked (exit 2, one line). */
export class HookInstallError extends UserError {
  override readonly name = 'HookInstallError';
}

const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The hook script: absolute node and CLI paths (pushes work without PATH changes), a chained previous hook first. */
export function hookScript(node: string, cli: string): string {
  return `#!/bin/sh
${HOOK_MARKER} (v1): written by "vault-change-gate install-hook"; "vault-change-gate uninstall-hook" removes it.
# Stops a push that changes Vault's /sys API (or upgrades Vault) unless a fresh, valid snapshot exists.
NODE=${sq(node)}
CLI=${sq(cli)}
[ -x "$NODE" ] || NODE=$(command -v node)
if [ -z "$NODE" ] || [ ! -f "$CLI" ]; then
  echo "vault-change-gate: the pre-push hook cannot find node or $CLI; reinstall it with: vault-change-gate install-hook" >&2
  exit 1
fi
previous="$(dirname "$0")/${PREVIOUS}"
if [ -x "$previous" ]; then
  input=$(mktemp) || exit 1
  trap 'rm -f "$input"' EXIT
  cat >"$input"
  "$previous" "$@" <"$input" || exit $?
  "$NODE" "$CLI" hook pre-push "$@" <"$input"
  exit $?
fi
exec "$NODE" "$CLI" hook pre-push "$@"
`;
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );
const isOurs = async (p: string): Promise<boolean> => (await readFile(p, 'utf8').catch(() => '')).includes(HOOK_MARKER);

async function locate(repo: string): Promise<string> {
  const root = await repoRoot(repo);
  if (!root) throw new HookInstallError(`${repo} is not inside a git repository`);
  return path.join(await hooksDir(root), 'pre-push');
}

/**
 * Writes the pre-push hook where git looks for it (`git rev-parse --git-path hooks`, so core.hooksPath counts).
 * A pre-push hook that is not ours is kept: refused without `force`; with it, renamed and run first by ours.
 */
export async function installHook(options: {
  repo: string;
  force?: boolean;
  node: string;
  cli: string;
}): Promise<{ path: string; chained: boolean }> {
  const target = await locate(options.repo);
  await mkdir(path.dirname(target), { recursive: true });
  let chained = await exists(path.join(path.dirname(target), PREVIOUS));
  if ((await exists(target)) && !(await isOurs(target))) {
    if (!options.force) {
      throw new HookInstallError(
        `${target} already exists and was not written by vault-change-gate; run with --force to keep it and run it before ours`,
      );
    }
    if (chained) throw new HookInstallError(`both ${target} and ${PREVIOUS} exist; move one of them away first`);
    await rename(target, path.join(path.dirname(target), PREVIOUS));
    chained = true;
  }
  await writeFile(target, hookScript(options.node, options.cli), { mode: 0o755 });
  await chmod(target, 0o755);
  return { path: target, chained };
}

/** Removes exactly what installHook did: our hook, and puts back the hook it kept. */
export async function uninstallHook(options: { repo: string }): Promise<{ path: string; restored: boolean }> {
  const target = await locate(options.repo);
  if (!(await exists(target))) throw new HookInstallError(`there is no pre-push hook at ${target}`);
  if (!(await isOurs(target)))
    throw new HookInstallError(`${target} was not written by vault-change-gate; it is left alone`);
  await rm(target);
  const previous = path.join(path.dirname(target), PREVIOUS);
  const restored = await exists(previous);
  if (restored) await rename(previous, target);
  return { path: target, restored };
}
