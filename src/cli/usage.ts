/**
 * The one source of every command's usage text: `--help`, `-h`, `help COMMAND` and the global help print it, and
 * test/cli/usage-readme.test.ts checks that the README's "Commands" block lists exactly these synopsis lines, so the
 * two cannot drift. A new command adds one entry here (and its line in the README).
 */
export interface Usage {
  /** The words after `vault-change-gate`: `classify`, `snapshot inspect`. */
  readonly command: string;
  /** One line, exactly as the README lists it. */
  readonly synopsis: string;
  /** What it does, in a sentence or two. */
  readonly summary: string;
  /** `[flag, meaning]`; a flag written with a value (`--op OP`) takes the next argument. */
  readonly options: readonly (readonly [string, string])[];
  /** Command lines to try, without the leading `vault-change-gate`. */
  readonly examples: readonly string[];
}

const HELP: readonly [string, string] = ['-h, --help', 'show this help and exit 0'];

const CHECK_OPTIONS: readonly (readonly [string, string])[] = [
  ['--op OP', 'a planned operation (repeatable): "POST sys/mounts/kv", "vault operator rekey -init", "upgrade 1.17.0"'],
  ['--script FILE', 'a shell runbook whose vault and curl calls are the operations (repeatable)'],
  ['--plan FILE', 'Terraform plan JSON: terraform show -json tfplan > tfplan.json (repeatable)'],
  ['--git-range BASE..HEAD', 'the net change of the .tf files between two revisions'],
  ['--stdin', 'read one operation per line from standard input'],
  ['--snapshot FILE', 'a snapshot to consider as evidence (repeatable)'],
  ['--snapshot-dir DIR', 'a folder to search for snapshots (else snapshots.dir of the config)'],
  ['--pattern GLOB', 'which files of the folder are snapshots (default **/*.snap)'],
  ['--config FILE', 'the configuration (else vault-change-gate.config.json here or at the git root)'],
  ['--override REASON', 'let a no-go go ahead; who, when and why are recorded (or VAULT_CHANGE_GATE_OVERRIDE)'],
  ['--strict', 'warnings make a no-go'],
  ['--vault', 'ask the live cluster (VAULT_ADDR, VAULT_TOKEN, ...)'],
  ['--take-snapshot DIR', 'with --vault: take a snapshot into DIR when no fresh one is at hand'],
  ['--auto-snapshot NAME', 'with --vault (Enterprise): count an automated snapshot configuration as evidence'],
  [
    '--snapshot-url URL',
    's3://, azure:// or gs:// snapshots, verified as they stream (repeatable; docs/object-storage.md)',
  ],
  ['--config-bundle-dir DIR', 'where configuration bundles are (else configBundles.dir, else the snapshot folder)'],
  ['--window DURATION', 'how long the change may run, for automated snapshots due during it (default 1h)'],
  ['--break-stale-lock', 'remove a stale lock (its process is gone, or it expired) before deciding'],
  ['--json', 'print the decision as JSON (the same as --format json)'],
  HELP,
];

/** The report flags of classify, check and exec (docs/ci.md). */
const FORMAT_OPTION: readonly [string, string] = [
  '--format FORMAT',
  'text (default), json, sarif, junit, github or gitlab (docs/ci.md)',
];
const OUTPUT_OPTION: readonly [string, string] = [
  '--output FILE',
  'write the report to FILE; the text still goes to the terminal',
];
const FAIL_ON_OPTION: readonly [string, string] = [
  '--fail-on WHEN',
  'no-go (default), warning (fail on warnings too) or never (report only: always exit 0)',
];

const CHECK_SYNOPSIS =
  '[--json] [--op OP]... [--script FILE]... [--plan FILE]... [--git-range BASE..HEAD] [--stdin] ' +
  '[--snapshot FILE]... [--snapshot-dir DIR] [--pattern GLOB] [--snapshot-url URL]... [--config-bundle-dir DIR] ' +
  '[--config FILE] [--override REASON] [--strict] [--vault [--take-snapshot DIR] [--auto-snapshot NAME]] ' +
  '[--window DURATION] [--break-stale-lock] [--format FORMAT] [--output FILE]';

export const usages: readonly Usage[] = [
  {
    command: 'classify',
    synopsis:
      'vault-change-gate classify [--json] [--stdin] [--script FILE]... [--plan FILE]... ' +
      '[--git-range BASE..HEAD] [--config FILE] [--format FORMAT] [--output FILE] [--fail-on WHEN] [OP]...',
    summary:
      'Says what each planned operation is and whether it needs a backup first. Exit 0 when every operation ' +
      'was understood, 2 when any is invalid (the output still lists them all).',
    options: [
      ['--json', 'print an array of classifications, in input order (always an array)'],
      ['--stdin', 'read one operation per line (blank lines and # comments skipped)'],
      ['--script FILE', 'read a shell runbook (repeatable)'],
      ['--plan FILE', 'read Terraform plan JSON (repeatable)'],
      ['--git-range BASE..HEAD', 'read the net change of the .tf files between two revisions'],
      ['--config FILE', 'the configuration (runbooks.wrappers, upgradeWatch)'],
      FORMAT_OPTION,
      OUTPUT_OPTION,
      ['--fail-on WHEN', 'no-go (default: exit 0 unless invalid), warning (exit 1 when any needs a backup), never'],
      HELP,
    ],
    examples: ['classify "POST sys/mounts/kv"', 'classify --script examples/upgrade-runbook.sh'],
  },
  {
    command: 'check',
    synopsis: `vault-change-gate check ${CHECK_SYNOPSIS} [--fail-on WHEN]`,
    summary:
      'Decides go or no-go: classifies the operations, verifies the snapshot candidates, and applies the policy. ' +
      'Exit 0 go, 1 no-go, 2 usage or configuration error or an operation not understood.',
    options: [...CHECK_OPTIONS.slice(0, -1), FORMAT_OPTION, OUTPUT_OPTION, FAIL_ON_OPTION, HELP],
    examples: [
      'check --op "vault secrets enable kv" --snapshot-dir /var/backups/vault',
      'check --plan plan.json --snapshot-dir backups --format sarif --output vault-change-gate.sarif',
    ],
  },
  {
    command: 'exec',
    synopsis: 'vault-change-gate exec [check options] -- COMMAND ARGS...',
    summary:
      'Decides as check does (the decision goes to stderr), then runs COMMAND only on a go and exits with its ' +
      'exit code. On a no-go the command never starts. It holds the change lock of the snapshot folders while ' +
      'it runs, so no snapshot is taken during the change (docs/not-during.md).',
    options: [...CHECK_OPTIONS.slice(0, -1), FORMAT_OPTION, ['--output FILE', 'write the report to FILE'], HELP],
    examples: ['exec --script upgrade.sh --snapshot-dir /var/backups/vault -- bash upgrade.sh'],
  },
  {
    command: 'snapshot inspect',
    synopsis: 'vault-change-gate snapshot inspect [--json | --json-lines] [--depth N] FILE...',
    summary:
      'Verifies snapshot archives offline in one streaming pass and says what they hold. Exit 0 when every file ' +
      'is valid, 1 when any is not, 2 when a file cannot be read (missing, or a folder).',
    options: [
      ['--json', 'print JSON: one object for one FILE, an array for several'],
      ['--json-lines', 'print one JSON object per line, one line per FILE (for scripts: same shape for any count)'],
      ['--depth N', 'how many levels of storage keys to count (1 to 10, default 1)'],
      HELP,
    ],
    examples: ['snapshot inspect examples/snapshots/vault-raft-2026-11-20.snap'],
  },
  {
    command: 'snapshot save',
    synopsis: 'vault-change-gate snapshot save [--json] [--break-stale-lock] FILE',
    summary:
      'Downloads a snapshot from the live cluster (VAULT_ADDR, VAULT_TOKEN), verifies it while it streams, and ' +
      'writes FILE and its sidecar FILE.json. Exit 0 saved, 1 not saved.',
    options: [
      ['--json', 'print the inspection of the saved file and its sidecar'],
      ['--break-stale-lock', 'remove a stale lock in the folder (its process is gone, or it expired) first'],
      HELP,
    ],
    examples: ['snapshot save /var/backups/vault/vault-now.snap'],
  },
  {
    command: 'snapshot demo',
    synopsis: 'vault-change-gate snapshot demo [--json] DIR',
    summary:
      'Writes a valid Vault snapshot taken now into DIR (created 0700), to try the gate without a Vault. It holds ' +
      'no data of yours: it is never a backup, and the gate warns when it is the evidence (DEMO_SNAPSHOT).',
    options: [['--json', 'print the inspection of the written file'], HELP],
    examples: ['snapshot demo /tmp/vault-snapshots'],
  },
  {
    command: 'config-bundle save',
    synopsis:
      'vault-change-gate config-bundle save DIR --server-config FILE [--server-config FILE]... [--include PATH]... ' +
      '[--vault] [--recipient age1...]... [--strict] [--json]',
    summary:
      "The second piece of a backup: the server's configuration and the files it names (TLS files of every " +
      'listener, plugin_directory, license_path, raft retry_join files, seal files) and your own scripts, in ' +
      'DIR/vault-config-<UTC time>.tar.gz with a manifest.json (sizes, modes, owners, SHA-256s, which files are ' +
      'sensitive and why). Written atomically, mode 0600. Exit 0 written, 1 not written, 2 usage error.',
    options: [
      ['--server-config FILE', 'a Vault server configuration (HCL or JSON); a folder: every *.hcl and *.json in it'],
      ['--include PATH', 'another file or folder to keep (systemd unit, environment file, scripts)'],
      ['--vault', 'record the live plugin catalogue (VAULT_ADDR, VAULT_TOKEN) and which binaries the bundle holds'],
      ['--recipient age1...', 'encrypt to this age recipient (repeatable): writes ....tar.gz.age'],
      ['--strict', 'refuse to write sensitive files unencrypted'],
      ['--json', 'print the result as JSON'],
      HELP,
    ],
    examples: ['config-bundle save backups --server-config /etc/vault.d --include /etc/systemd/system/vault.service'],
  },
  {
    command: 'config-bundle inspect',
    synopsis: 'vault-change-gate config-bundle inspect [--identity FILE] [--json] FILE...',
    summary:
      'Verifies configuration bundles offline: gzip, tar, every file against the manifest, nothing outside it. ' +
      'Exit 0 valid, 1 not valid, 2 when a file cannot be read.',
    options: [
      ['--identity FILE', 'an age identity file, to verify an encrypted bundle whole (else its header only)'],
      ['--json', 'print the inspection as JSON'],
      HELP,
    ],
    examples: ['config-bundle inspect backups/vault-config-20261204T091500Z.tar.gz'],
  },
  {
    command: 'lock acquire',
    synopsis:
      'vault-change-gate lock acquire --reason TEXT [--ttl DURATION] [--snapshot-dir DIR] [--config FILE] ' +
      '[--break-stale-lock] [--json]',
    summary:
      'Holds the change lock of the snapshot folders across a runbook that does not run through exec (a CI job ' +
      'of several steps): while it is held, snapshot save and check --take-snapshot refuse (CHANGE_IN_PROGRESS). ' +
      'Take the backup first, then the lock. Exit 0 held, 1 refused (a snapshot in progress, another holder).',
    options: [
      ['--reason TEXT', 'why (recorded in the lock and shown to whoever it stops); required'],
      ['--ttl DURATION', 'after this (e.g. 2h) the lock is stale: reported, never taken over silently'],
      ['--snapshot-dir DIR', 'the snapshot folder (default: snapshots.dir of the config, and each cluster’s)'],
      ['--config FILE', 'the configuration'],
      ['--break-stale-lock', 'remove a stale lock first'],
      ['--json', 'print what was done as JSON'],
      HELP,
    ],
    examples: ['lock acquire --reason "rekey, CHANGE-1234" --ttl 2h --snapshot-dir backups'],
  },
  {
    command: 'lock release',
    synopsis: 'vault-change-gate lock release [--snapshot-dir DIR] [--config FILE] [--break-stale-lock] [--json]',
    summary: 'Releases the change lock lock acquire took. Exit 0 released (or none held), 1 held by another.',
    options: [
      ['--snapshot-dir DIR', 'the snapshot folder (default: snapshots.dir of the config)'],
      ['--config FILE', 'the configuration'],
      ['--break-stale-lock', 'also remove a stale lock of a process that is gone'],
      ['--json', 'print what was done as JSON'],
      HELP,
    ],
    examples: ['lock release --snapshot-dir backups'],
  },
  {
    command: 'status',
    synopsis:
      'vault-change-gate status [--json | --format text|json|prometheus] [--config FILE] [--snapshot-dir DIR] ' +
      '[--snapshot-url URL]... [--pattern GLOB]',
    summary:
      'The freshness report: per configured cluster and source, the newest verified snapshot (age, size, index, ' +
      'sha256), the candidates and why any were refused, against the policy. Exit 0 when every cluster has a ' +
      'verified snapshot within snapshots.maxAge.default, 1 when one has none, 2 usage or configuration error.',
    options: [
      ['--json', 'the report as JSON (the same as --format json)'],
      ['--format FORMAT', 'text (default), json, or prometheus (gauges labelled with cluster and source)'],
      ['--config FILE', 'the configuration'],
      ['--snapshot-dir DIR', 'a folder instead of snapshots.dir'],
      ['--snapshot-url URL', 's3://, azure:// or gs:// instead of snapshots.sources (repeatable)'],
      ['--pattern GLOB', 'which names are snapshots (else snapshots.pattern, **/*.snap)'],
      HELP,
    ],
    examples: ['status --snapshot-dir backups --format prometheus > /var/lib/node_exporter/vault-change-gate.prom'],
  },
  {
    command: 'config schema',
    synopsis: 'vault-change-gate config schema',
    summary: 'Prints the JSON Schema of vault-change-gate.config.json, for editors.',
    options: [HELP],
    examples: ['config schema > vault-change-gate.config.schema.json'],
  },
  {
    command: 'config check',
    synopsis: 'vault-change-gate config check [FILE]',
    summary: 'Validates a configuration file (else the one found here or at the git root). Exit 0 valid, 2 not valid.',
    options: [HELP],
    examples: ['config check vault-change-gate.config.json'],
  },
  {
    command: 'install-hook',
    synopsis: 'vault-change-gate install-hook [--repo DIR] [--force]',
    summary:
      'Installs the pre-push hook where git looks for it. A pre-push hook that is not ours is kept and run first ' +
      'only with --force.',
    options: [
      ['--repo DIR', 'the repository (default: the current folder)'],
      ['--force', 'keep an existing pre-push hook and run it first'],
      HELP,
    ],
    examples: ['install-hook'],
  },
  {
    command: 'uninstall-hook',
    synopsis: 'vault-change-gate uninstall-hook [--repo DIR]',
    summary: 'Removes the pre-push hook install-hook wrote, and puts back the hook it kept.',
    options: [['--repo DIR', 'the repository (default: the current folder)'], HELP],
    examples: ['uninstall-hook'],
  },
  {
    command: 'hook pre-push',
    synopsis: 'vault-change-gate hook pre-push [REMOTE [URL]]',
    summary:
      "What the git hook runs: reads git's pre-push input on stdin and judges every commit new to each pushed ref. " +
      'Exit 0 lets the push go; anything else stops it.',
    options: [HELP],
    examples: ['hook pre-push origin git@example.com:infra.git < push-input.txt'],
  },
];

const byName = new Map(usages.map((u) => [u.command, u]));

/** The usage of `command` (`snapshot inspect`), or of a group (`snapshot`: its subcommands' usages). */
export function usageFor(command: string): Usage | readonly Usage[] | undefined {
  const one = byName.get(command);
  if (one) return one;
  const group = usages.filter((u) => u.command.startsWith(`${command} `));
  return group.length ? group : undefined;
}

/** The help of one command: usage, what it does, options, examples. */
export function renderUsage(u: Usage): string {
  const width = Math.max(...u.options.map(([flag]) => flag.length));
  return [
    `Usage: ${wrap(u.synopsis, 100, '         ')}`,
    '',
    wrap(u.summary, 100, ''),
    '',
    'Options:',
    ...u.options.map(([flag, text]) => `  ${flag.padEnd(width)}  ${wrap(text, 96 - width, ' '.repeat(width + 4))}`),
    '',
    u.examples.length > 1 ? 'Examples:' : 'Example:',
    ...u.examples.map((e) => `  vault-change-gate ${e}`),
    '',
  ].join('\n');
}

/** The help of a command or of a group of subcommands. */
export function renderHelp(found: Usage | readonly Usage[]): string {
  if (!Array.isArray(found)) return renderUsage(found as Usage);
  const group = found as readonly Usage[];
  return group.map(renderUsage).join('\n');
}

/** Words to lines of at most `width` columns; continuation lines start with `indent`. */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of groups(text)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = indent + word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join('\n');
}

/** Space-separated words, with a bracketed group (`[--snapshot FILE]...`) kept as one. */
function groups(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  for (const word of text.split(' ')) {
    if (depth > 0) out[out.length - 1] += ` ${word}`;
    else out.push(word);
    for (const ch of word) depth += ch === '[' ? 1 : ch === ']' ? -1 : 0;
  }
  return out;
}

/**
 * Whether the arguments ask for help: `--help` or `-h` before a `--` (after it, they belong to exec's command),
 * and not as the value of an option that takes one (`--op -h` is an operation).
 */
export function asksForHelp(args: readonly string[], options: Usage['options']): boolean {
  const takesValue = new Set(
    options.flatMap(([flag]) => (/^--[\w-]+ \S/.test(flag) ? [flag.split(' ')[0] as string] : [])),
  );
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
    if (takesValue.has(a)) i++;
  }
  return false;
}

/** The global help: every synopsis, the operations, the exit codes. */
export function globalHelp(): string {
  return `vault-change-gate: stops risky Vault changes until a fresh, verified backup exists.

Usage:
${usages.map((u) => `  ${wrap(u.synopsis, 110, '      ')}`).join('\n')}
  vault-change-gate help [COMMAND]    this help, or a command's (also: COMMAND --help, COMMAND -h)
  vault-change-gate --version         print the version

Operations (OP):
  "POST sys/mounts/kv"              an HTTP request (METHOD PATH; /v1/ and a namespace prefix are understood)
  "vault operator rekey -init"      a vault command line
  "upgrade 1.16.2 -> 1.17.0"        a Vault upgrade (or "upgrade 1.17.0" to compare with the running version)

Exit codes (the same in every command):
  0  go; for classify: every operation understood
  1  no-go: the gate understood everything and refuses (no fresh valid snapshot, Vault unavailable, ...)
  2  usage or configuration error, a file that cannot be read, or an operation that is not understood
  3  unexpected failure: a bug; please report it at ${ISSUES_URL}

Try it without a Vault: vault-change-gate snapshot demo /tmp/vault-snapshots
`;
}

export const ISSUES_URL = 'https://github.com/vault-change-gate/vault-change-gate/issues';
