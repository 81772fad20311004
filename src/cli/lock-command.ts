import { parseArgs } from 'node:util';
import { redactUrl } from '../classify/redact.js';
import { parseDuration } from '../config/duration.js';
import { changeLockFolders } from '../gate/change-lock.js';
import { showFolder as show } from '../gate/in-progress.js';
import { acquireLock, describeHolder, findInFlight, obstacle, releaseDetached, type HeldLock } from '../lock/index.js';
import { parseUsage } from './args.js';
import { UsageError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import type { Io } from './output.js';
import { renderHelp, usageFor } from './usage.js';

/** Its help, from the one usage registry (src/cli/usage.ts). */
export const usage: string = renderHelp(usageFor('lock') ?? []);

const options = {
  reason: { type: 'string' },
  ttl: { type: 'string' },
  'snapshot-dir': { type: 'string' },
  config: { type: 'string' },
  'break-stale-lock': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `lock acquire` / `lock release`: the change lock held by a runbook rather than by a process. */
export async function lockCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h' || sub === 'help' || rest.includes('--help') || rest.includes('-h')) {
    io.stdout(usage);
    return ExitCode.Go;
  }
  if (sub !== 'acquire' && sub !== 'release') {
    throw new UsageError(
      sub === undefined ? 'lock: name a subcommand: acquire or release' : `lock: unknown subcommand "${sub}"`,
    );
  }
  const name = `lock ${sub}`;
  const { values, positionals } = parseUsage(name, () =>
    parseArgs({ args: rest, allowPositionals: true, strict: true, options }),
  );
  if (positionals.length) throw new UsageError(`${name}: unexpected argument "${positionals[0]}"`);
  const snapshotDir = values['snapshot-dir'];
  const folders = await changeLockFolders({
    cwd: io.cwd,
    env: io.env,
    ...(snapshotDir !== undefined ? { snapshotDir } : {}),
    ...(values.config !== undefined ? { configFile: values.config } : {}),
  });
  if (snapshotDir !== undefined && folders.length === 0)
    throw new UsageError(`${name}: the snapshot folder ${snapshotDir} does not exist or is not a folder`);
  if (folders.length === 0)
    throw new UsageError(`${name}: no snapshot folder: name it with --snapshot-dir DIR, or set snapshots.dir`);
  const breakStale = Boolean(values['break-stale-lock']);
  const print = (json: unknown, text: string) => io.stdout(values.json ? `${JSON.stringify(json, null, 2)}\n` : text);
  if (sub === 'release') {
    let refused = false;
    const results = [];
    for (const dir of folders) {
      const shown = show(dir, io.cwd);
      const { released, found } = await releaseDetached(dir, { breakStale });
      const holder = found?.info ? describeHolder(found.info) : null;
      const why = released
        ? `Released the change lock of ${shown}${holder ? `: ${holder}` : ''}.`
        : found === null
          ? `No lock in ${shown}.`
          : obstacle(found, shown).reason;
      if (!released && found !== null) refused = true;
      results.push({ folder: shown, released, reason: why });
      if (!values.json) io[released || found === null ? 'stdout' : 'stderr'](`${why}\n`);
    }
    if (values.json) print({ released: !refused, folders: results }, '');
    return refused ? ExitCode.NoGo : ExitCode.Go;
  }
  const reason = values.reason?.trim();
  if (!reason) throw new UsageError(`${name}: --reason "…" is required: it is shown to whoever the lock stops`);
  const ttlMs = values.ttl === undefined ? undefined : parseDuration(values.ttl);
  if (ttlMs === null || ttlMs === 0) {
    throw new UsageError(`${name}: --ttl takes a duration such as 30m, 2h or 1d, not "${values.ttl}"`);
  }
  const taken: HeldLock[] = [];
  const cluster = { address: io.env.VAULT_ADDR ? redactUrl(io.env.VAULT_ADDR) : null };
  const refuse = async (code: string, why: string): Promise<number> => {
    await Promise.all(taken.map((l) => l.release()));
    if (values.json) print({ acquired: false, code, reason: why }, '');
    else io.stderr(`vault-change-gate: lock not taken [${code}]: ${why}\n`);
    return ExitCode.NoGo;
  };
  for (const dir of folders) {
    const shown = show(dir, io.cwd);
    const request = {
      purpose: 'change' as const,
      reason,
      detached: true,
      cluster,
      ...(ttlMs !== undefined ? { ttlMs } : {}),
      ...(breakStale ? { breakStale } : {}),
    };
    const result = await acquireLock(dir, request);
    if (!result.acquired) {
      const { code, reason: why } = obstacle(result.found, shown);
      return refuse(code, why);
    }
    taken.push(result.lock);
    // A snapshot written by another tool (the vault or consul CLI) holds no lock of ours: its files show it.
    const inFlight = await findInFlight(dir);
    if (inFlight.length) {
      const first = inFlight[0];
      const why = first?.uncertain
        ? `whether a snapshot is being written into ${shown} cannot be told: ${first.why}.`
        : `a snapshot is in flight in ${shown}: ${first?.why}; wait for it to finish, then run again.`;
      return refuse('SNAPSHOT_IN_PROGRESS', why);
    }
  }
  const shownFolders = folders.map((d) => show(d, io.cwd));
  const until = taken[0]?.info.expiresAt ? ` until ${taken[0].info.expiresAt}` : ' until "lock release"';
  print(
    { acquired: true, folders: shownFolders, lock: taken[0]?.info ?? null },
    `Change lock taken in ${shownFolders.join(', ')}${until}: snapshot save and check --take-snapshot refuse ` +
      'meanwhile. Release it with: vault-change-gate lock release\n',
  );
  return ExitCode.Go;
}
