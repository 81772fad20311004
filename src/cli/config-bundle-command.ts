import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { BundleInspection } from '../bundle/schema.js';
import { fsErrorWords } from '../shared/fs-errors.js';
import { parseUsage } from './args.js';
import { UsageError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { trapInterrupts } from './interrupt.js';
import { palette, type Io } from './output.js';
import { renderHelp, usageFor } from './usage.js';
import { verdictAndRows } from './render-inspection.js';

/** Its help, from the one usage registry (src/cli/usage.ts). */
export const usage: string = renderHelp(usageFor('config-bundle') ?? []);

const wantsHelp = (args: readonly string[]): boolean => args.includes('--help') || args.includes('-h');

export async function configBundleCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help' || wantsHelp(rest)) {
    (sub === undefined ? io.stderr : io.stdout)(usage);
    return sub === undefined ? ExitCode.Usage : ExitCode.Go;
  }
  if (sub === 'save') return saveCommand(rest, io);
  if (sub === 'inspect') return inspectCommand(rest, io);
  throw new UsageError(`config-bundle: unknown subcommand "${sub}" (save or inspect)`);
}

async function saveCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseUsage('config-bundle save', () =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        'server-config': { type: 'string', multiple: true },
        include: { type: 'string', multiple: true },
        vault: { type: 'boolean' },
        recipient: { type: 'string', multiple: true },
        strict: { type: 'boolean' },
        json: { type: 'boolean' },
      },
    }),
  );
  if (positionals.length !== 1) throw new UsageError('config-bundle save: name one folder DIR to write the bundle in');
  if (!values['server-config']?.length)
    throw new UsageError('config-bundle save: name the server configuration with --server-config FILE');
  const bundle = await import('../bundle/index.js');
  const trap = trapInterrupts();
  try {
    let client;
    if (values.vault) {
      const vault = await import('../vault/index.js');
      client = vault.createVaultClient(vault.readVaultSettings(io.env), { signal: trap.signal });
    }
    const result = await bundle.saveBundle(path.resolve(io.cwd, positionals[0] as string), {
      serverConfigs: values['server-config'],
      includes: values.include ?? [],
      cwd: io.cwd,
      recipients: values.recipient ?? [],
      strict: values.strict ?? false,
      signal: trap.signal,
      ...(client ? { client } : {}),
    });
    if (!result.saved) {
      io.stderr(`vault-change-gate: no bundle written: ${result.reason.replace(/\.$/, '')}.\n`);
      return ExitCode.NoGo;
    }
    const shown = path.relative(io.cwd, result.file).startsWith('..')
      ? result.file
      : path.relative(io.cwd, result.file);
    const m = result.manifest;
    const sensitive = m.files.filter((f) => f.sensitive).length;
    if (values.json) {
      io.stdout(`${JSON.stringify({ file: shown, manifest: m, warnings: result.warnings }, null, 2)}\n`);
    } else {
      const plugins = m.plugins ? `; ${m.plugins.catalogue.filter((p) => !p.builtin).length} external plugins` : '';
      io.stdout(
        `Saved ${shown}: ${m.files.length} file${m.files.length === 1 ? '' : 's'} (${sensitive} sensitive), seal ${m.seal.type}${plugins}.\n`,
      );
    }
    for (const w of result.warnings) io.stderr(`vault-change-gate: warning: ${w}.\n`);
    return ExitCode.Go;
  } catch (error) {
    if (trap.exitCode() !== null) {
      io.stderr('vault-change-gate: interrupted; no bundle was written and nothing was left behind.\n');
      return trap.exitCode() as number;
    }
    throw error;
  } finally {
    trap.release();
  }
}

async function inspectCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseUsage('config-bundle inspect', () =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { identity: { type: 'string' }, json: { type: 'boolean' } },
    }),
  );
  if (positionals.length === 0) throw new UsageError('config-bundle inspect: name at least one bundle FILE');
  const bundle = await import('../bundle/index.js');
  let identities: string[] | undefined;
  if (values.identity !== undefined) {
    let text: string;
    try {
      text = await readFile(path.resolve(io.cwd, values.identity), 'utf8');
    } catch (error) {
      throw new UsageError(`config-bundle inspect: cannot read --identity ${values.identity}: ${fsErrorWords(error)}`);
    }
    identities = bundle.parseIdentityFile(text, values.identity);
  }
  const results: BundleInspection[] = [];
  let unreadable = false;
  for (const file of positionals) {
    try {
      const opts = { file, ...(identities ? { identities } : {}) };
      results.push(await bundle.inspectBundle(path.resolve(io.cwd, file), opts));
    } catch (error) {
      if (!(error instanceof bundle.BundleReadError)) throw error;
      io.stderr(`vault-change-gate: ${error.message}\n`);
      unreadable = true;
    }
  }
  if (values.json) {
    if (results.length) io.stdout(`${JSON.stringify(positionals.length === 1 ? results[0] : results, null, 2)}\n`);
  } else io.stdout(results.map((r) => renderBundle(r, io)).join('\n'));
  if (unreadable) return ExitCode.Usage;
  return results.every((r) => r.valid) ? ExitCode.Go : ExitCode.NoGo;
}

/** The verdict first, then what the bundle holds; never a file's contents. */
export function renderBundle(r: BundleInspection, io: Io): string {
  const c = palette(io);
  const kind = r.encrypted ? 'encrypted configuration bundle' : 'configuration bundle';
  const { lines, row } = verdictAndRows(r, kind, io);
  const m = r.manifest;
  row('Created', r.createdAt);
  row(
    'Encrypted',
    r.encrypted
      ? `age (${r.recipients.join(', ')}), ${r.contentsVerified ? 'contents verified' : 'header only'}`
      : null,
  );
  row('Host', m?.host);
  row('Seal', m ? `${m.seal.type}${m.seal.disabled.length ? ` (disabled: ${m.seal.disabled.join(', ')})` : ''}` : null);
  row('Storage', m?.storageType);
  if (m) {
    const sensitive = m.files.filter((f) => f.sensitive);
    row('Files', `${m.files.length} (${sensitive.length} sensitive)`);
    for (const f of m.files) {
      lines.push(
        `    ${f.mode} ${String(f.size).padStart(10)}  ${f.path}${f.sensitive ? c.yellow(`  sensitive: ${f.why}`) : ''}`,
      );
    }
    if (m.plugins) {
      const ext = m.plugins.catalogue.filter((p) => !p.builtin);
      const missing = ext.filter((p) => p.binary === null);
      row(
        'Plugins',
        `${ext.length} external in the catalogue of ${m.plugins.address}, ${missing.length} without a binary here`,
      );
      for (const p of missing)
        lines.push(`    ${c.red('missing')}  ${p.type}/${p.name} ${p.version} sha256 ${p.sha256}`);
    }
  }
  row('SHA-256', r.sha256);
  if (r.problems.length) {
    lines.push('', '  Problems:');
    for (const p of r.problems) lines.push(`    ${c.red(p.code)}  ${p.reason}`);
  }
  for (const n of r.notes) lines.push(`  ${c.dim(`Note: ${n}`)}`);
  return `${lines.join('\n')}\n`;
}
