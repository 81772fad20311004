import { classifyVaultWords, type ClassifyOptions } from './vault-words.js';
import { classifyCurl, isVaultApiUrl } from './curl.js';
import { redactArgs, redactLoose } from './redact.js';
import { invalidRequest } from './request.js';
import { runbookUpgrade } from './runbook-upgrade.js';
import type { Classification } from './schema.js';
import { parseShell, shellWords, withoutSubstitutions, type ShellCommand } from './shell.js';
import { isCommandWord, isVaultSubcommand } from './vault-cli.js';
import { isWrapper, unwrapCommand } from './wrappers.js';

export interface ScriptOptions extends ClassifyOptions {
  /** Shown with each line and in the reason of a script that cannot be read. */
  readonly file?: string;
  /** Extra commands that run their arguments as a command (config `runbooks.wrappers`): `my_retry vault …`. */
  readonly wrappers?: readonly string[];
}

/** Shell words that come before a command without changing it. */
const KEYWORDS = new Set(['then', 'do', 'else', 'elif', 'if', 'while', 'until', '!', '{', '}', 'time', 'coproc']);
const DECLARE = new Set(['export', 'declare', 'typeset', 'readonly', 'local']);
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=(.*)$/s;
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'busybox']);
/**
 * Commands that only take their arguments as data: `echo vault operator seal`, `grep vault`, `systemctl restart
 * vault`, `useradd vault`. A pipe into a shell is followed at the shell (`echo "…" | sh`).
 */
const DATA_ONLY = new Set([
  'echo',
  'printf',
  'grep',
  'egrep',
  'fgrep',
  'rg',
  'systemctl',
  'service',
  'journalctl',
  'useradd',
  'usermod',
  'userdel',
  'groupadd',
  'adduser',
  'addgroup',
  'chown',
  'chmod',
  'chgrp',
  'mkdir',
  'cp',
  'mv',
  'rm',
  'rmdir',
  'ln',
  'cat',
  'tee',
  'touch',
  'ls',
  'stat',
  'test',
  '[',
  '[[',
  'cut',
  'tr',
  'jq',
  'yq',
  'logger',
  'read',
  'wc',
  'head',
  'tail',
  'sort',
  'uniq',
  'basename',
  'dirname',
  'realpath',
  'readlink',
  'file',
  'diff',
  'cmp',
  'type',
  'which',
  'whereis',
  'hash',
  'unset',
  'setcap',
  'getent',
  'id',
  'install',
  'tar',
  'unzip',
  'gzip',
  'sha256sum',
  'shasum',
  'openssl',
  'base64',
  'log',
  'info',
  'warn',
  'die',
  'fail',
  'say',
  'note',
  'step',
  'banner',
  'cecho',
  'msg',
  'tput',
  'sleep',
  // They match processes or message users by text, and never run it: `pkill -f "vault agent"`.
  'pgrep',
  'pkill',
  'pidof',
  'killall',
  'wall',
  'notify-send',
]);
const CONTAINER_TOOLS = new Set([
  'docker',
  'podman',
  'nerdctl',
  'docker-compose',
  'podman-compose',
  'kubectl',
  'oc',
  'crictl',
]);
const CONTAINER_VERBS = new Set(['exec', 'run', 'rsh', 'debug']);
const SSH_VALUES = new Set('-b -c -D -E -e -F -I -i -J -L -l -m -O -o -p -Q -R -S -W -w -B'.split(' '));
const MAX_DEPTH = 12;
/** `${NAME}`, `${NAME:-default}`, `$NAME`. */
const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;
const PASS_ON = /^\$\{?[@*]\}?$/;
const UPGRADE_TOOLS = new Set([
  'helm',
  'kubectl',
  'oc',
  'apt-get',
  'apt',
  'yum',
  'dnf',
  'microdnf',
  'brew',
  'docker',
  'podman',
  'nerdctl',
]);
/** A variable's value longer than this is not expanded further (X=$X$X doubling). */
const MAX_VALUE = 4096;

const base = (word: string): string => word.slice(word.lastIndexOf('/') + 1);
const VAULT_VARIABLE = /^\$\{?[A-Za-z_]*VAULT[A-Za-z_]*(?::-[^}]*)?\}?$/i;
/** `vault`, `/usr/local/bin/vault`, or a variable that names it (`$VAULT`, `"${VAULT_BIN:-vault}"`). */
const isVaultWord = (word: string): boolean => base(word) === 'vault' || VAULT_VARIABLE.test(word) || LOOKUP.test(word);
/** `$(command -v vault)`, `` `which vault` ``: the path of the vault binary. */
const LOOKUP = /^(?:\$\(|`)\s*(?:command -v|which|type -[pP]|readlink -f \$\(which)\s+vault\s*\)?(?:\)|`)$/;
/** Subcommands that only vault has, so an unknown `$CMD operator …` is vault under another name. */
const VAULT_ONLY = new Set([
  'operator',
  'secrets',
  'auth',
  'audit',
  'policy',
  'kv',
  'lease',
  'namespace',
  'plugin',
  'token',
  'pki',
  'transit',
  'unwrap',
]);
/** An image that is Vault's (its entrypoint runs `vault` with the arguments): `hashicorp/vault:1.17`. */
const isVaultImage = (word: string): boolean =>
  /(?:^|\/)vault(?:-enterprise)?(?::[\w.+-]+)?(?:@sha256:[0-9a-f]+)?$/.test(word);
const VALUE_FLAG =
  /^(-[nugcslmpNCU]|--(namespace|user|group|container|name|label|selector|owner|home|shell|project|context|cluster|service))$/;
/**
 * Tools whose VALUE_FLAG options take a value (`kubectl -n vault delete pod …`, `pkill -u vault`). Elsewhere the same
 * letter may be a switch (`unshare -n vault operator seal` runs vault), so a tool not named here gets no such excuse.
 */
const VALUE_FLAG_TOOLS = new Set([
  ...CONTAINER_TOOLS,
  'helm',
  'k9s',
  'stern',
  'kubens',
  'kubectx',
  'kustomize',
  'istioctl',
  'linkerd',
  'velero',
  'argocd',
  'flux',
  'pkill',
  'pgrep',
  'ps',
  'killall',
  'crontab',
  'top',
  'loginctl',
]);
const VAULT_IN_TEXT = /(?:^|[\s;&|(`'"])(?:\S*\/)?vault\s+([a-z][a-z-]*)/g;
/** Options whose value is a message, a title or a description (`git commit -m "…"`): prose, never a command. */
const MESSAGE_FLAG = /^(?:-m|--(?:message|title|body|subject|description|comment|summary|notes?))$/;
const MESSAGE_INLINE = /^(?:-m.|--(?:message|title|body|subject|description|comment|summary|notes?)=)/s;

/** Whether the words hold a Vault command (`vault` then a vault subcommand) or a Vault API URL, and which. */
function holdsVault(words: readonly string[]): 'command' | 'url' | null {
  // `$KUBECTL -n vault …` is kubectl under another name.
  const tool = VALUE_FLAG_TOOLS.has(
    base(words[0] ?? '')
      .replace(/^\$\{?|\}$/g, '')
      .toLowerCase(),
  );
  for (let j = 1; j < words.length; j++) {
    const w = words[j] as string;
    // `kubectl -n vault delete pod …`: a value of an option (namespace, user, container) is not a command.
    const optionValue = tool && VALUE_FLAG.test(words[j - 1] as string);
    if (isVaultWord(w) && isVaultSubcommand(words[j + 1]) && !optionValue) return 'command';
    const message = MESSAGE_FLAG.test(words[j - 1] as string) || MESSAGE_INLINE.test(w);
    // A substitution's commands are read on their own: the command here gets only their output.
    const text = w.includes('vault') && /\s/.test(w) && !message ? withoutSubstitutions(w) : '';
    if (text.includes('vault'))
      for (const m of text.matchAll(VAULT_IN_TEXT)) if (isVaultSubcommand(m[1])) return 'command';
    if (w.includes('v1') && isVaultApiUrl(w)) return 'url';
    if (w.includes('/v1/') && /https?:\/\/\S*\/v1\/|\$\{?VAULT_ADDR\}?\/v1\//.test(w)) return 'url';
  }
  return null;
}

interface Stdin {
  readonly text: string;
  readonly line: number;
}

class ScriptReader {
  readonly out: Classification[] = [];
  private readonly vars = new Map<string, string>();
  private readonly wrappers: ReadonlySet<string>;
  private readonly options: ScriptOptions;
  /** Functions that pass their arguments to vault (`v() { vault "$@"; }`): calling one runs vault. */
  private readonly aliases = new Set<string>();
  private lastFunction: string | undefined;
  private readonly shellAliases = new Map<string, string>();
  /** Files the script writes (`cat > /tmp/x.sh <<EOF`), by the word that names them: running one runs its text. */
  private readonly written = new Map<string, Stdin>();

  constructor(options: ScriptOptions) {
    this.options = options;
    const ns = options.env?.VAULT_NAMESPACE;
    if (ns !== undefined) this.vars.set('VAULT_NAMESPACE', ns);
    this.wrappers = new Set(options.wrappers ?? []);
  }

  private where(line: number): Pick<Classification, 'line' | 'file'> {
    return this.options.file ? { line, file: this.options.file } : { line };
  }

  private invalidAt(line: number, input: string, problem: string): void {
    this.out.push({ input, ...invalidRequest(null, null, '', problem), ...this.where(line) });
  }

  /**
   * Reads a script (the runbook, an `sh -c` string, a here-document fed to a shell) from `firstLine`. `outer` is what
   * the script itself reads (`ssh host 'bash -s' <<EOF`): its commands that have no input of their own read it.
   */
  script(text: string, firstLine: number, depth: number, outer?: Stdin): void {
    if (depth > MAX_DEPTH) {
      this.invalidAt(firstLine, `line ${firstLine}`, `commands are wrapped in each other more than ${MAX_DEPTH} deep`);
      return;
    }
    const parsed = parseShell(text, firstLine);
    let previous: ShellCommand | undefined;
    let previousStdin: Stdin | undefined;
    for (const cmd of parsed.commands) {
      const from = cmd.redirects?.find((r) => r.op === '<');
      const stdin =
        cmd.heredoc ??
        (cmd.pipeIn
          ? previous && (piped(previous) ?? passedOn(previous, previousStdin))
          : from
            ? this.written.get(fileKey(from.target))
            : outer);
      this.remember(cmd, stdin);
      this.command(cmd.words, cmd.line, stdin, depth);
      previous = cmd;
      previousStdin = stdin;
    }
    if (parsed.error) {
      const { line, message } = parsed.error;
      const input = this.options.file ? `${this.options.file}:${line}` : `line ${line}`;
      this.invalidAt(line, input, `the script cannot be read at line ${line}: ${message}`);
    }
  }

  /**
   * Files the script writes: `cat > F <<EOF`, `echo "…" > F`, `… | tee F`, `tee -a F <<EOF` (`>>` appends). A later
   * `bash F`, `source F`, `./F` or `sh < F` runs what they hold.
   */
  private remember(cmd: ShellCommand, stdin: Stdin | undefined): void {
    const words = cmd.words;
    const tee = words.findIndex((w) => base(w) === 'tee');
    if (tee !== -1 && stdin) {
      const append = words.slice(tee + 1).some((w) => /^-[a-z]*a/.test(w) || w === '--append');
      for (const f of words.slice(tee + 1)) if (!f.startsWith('-')) this.write(f, stdin, append);
    }
    const name = base(words[0] ?? '');
    const text =
      name === 'cat' && words.slice(1).every((w) => w === '-')
        ? stdin
        : name === 'echo' || name === 'printf'
          ? piped(cmd)
          : undefined;
    if (!text) return;
    for (const r of cmd.redirects ?? [])
      if (/^(?:&?>>?|>\|)$/.test(r.op)) this.write(r.target, text, r.op.endsWith('>>'));
  }

  private write(file: string, text: Stdin, append: boolean): void {
    const had = append ? this.written.get(fileKey(file)) : undefined;
    this.written.set(fileKey(file), had ? { text: `${had.text}\n${text.text}`, line: had.line } : text);
  }

  /** `$X` and `${X}` the script set, replaced by their values; others stay (an unknown value). */
  private expand(word: string, first: boolean): string {
    if (!word.includes('$')) return word;
    return word.replace(VARIABLE, (whole, braced?: string, fallback?: string, plain?: string) => {
      const name = (braced ?? plain) as string;
      const value = this.vars.get(name);
      if (value !== undefined) return value;
      // `${VAULT_BIN:-vault}` in command position: the default is what runs unless the caller set it.
      return first && fallback !== undefined && !VAULT_VARIABLE.test(whole) ? fallback : whole;
    });
  }

  private assign(word: string): void {
    const m = ASSIGNMENT.exec(word);
    if (!m) return;
    const value = this.expand(m[3] as string, false);
    const next = m[2] ? (this.vars.get(m[1] as string) ?? '') + value : value;
    if (next.length <= MAX_VALUE) this.vars.set(m[1] as string, next);
    else this.vars.delete(m[1] as string);
  }

  private command(raw: readonly string[], line: number, stdin: Stdin | undefined, depth: number): void {
    let i = 0;
    while (i < raw.length && KEYWORDS.has(raw[i] as string)) i += raw[i] === 'time' && raw[i + 1] === '-p' ? 2 : 1;
    const assignments: string[] = [];
    while (i < raw.length && ASSIGNMENT.test(raw[i] as string)) assignments.push(raw[i++] as string);
    const head = raw[i];
    if (head === undefined) {
      // A bare assignment changes the script's own variables, in order.
      for (const a of assignments) this.assign(a);
      return;
    }
    if (head === 'function') {
      // `function name {` or `name () {` (read as `function name`): its body commands follow as commands.
      this.lastFunction = raw[i + 1];
      let from = i + 2;
      while (raw[from] === '()' || raw[from] === '{') from++;
      if (from < raw.length) this.command(raw.slice(from), line, stdin, depth);
      return;
    }
    if (DECLARE.has(head)) {
      for (const w of raw.slice(i + 1)) this.assign(w);
      return;
    }
    if (head === 'alias') {
      // `alias v='vault'`, `alias seal='vault operator seal'`: a later `v …` runs the aliased words.
      for (const w of raw.slice(i + 1)) {
        const m = ASSIGNMENT.exec(w);
        if (m) this.shellAliases.set(m[1] as string, this.expand(m[3] as string, false));
      }
      return;
    }
    if (head === 'unset') {
      for (const w of raw.slice(i + 1)) this.vars.delete(w);
      return;
    }
    const words = this.expandCommand(raw.slice(i));
    this.visit([...assignments.map((a) => this.expand(a, false)), ...words], line, stdin, depth);
  }

  /** Expands known variables; a whole command held in one (`$SECRETS_TUNE_CMD -max-lease-ttl=1h pki`) is split. */
  private expandCommand(words: readonly string[]): string[] {
    const out = words.map((w, k) => this.expand(w, k === 0));
    const first = out[0] as string;
    if (first !== words[0] && /\s/.test(first.trim())) {
      const split = shellWords(first);
      return [...('words' in split ? split.words : first.trim().split(/\s+/)), ...out.slice(1)];
    }
    return out;
  }

  /** One simple command, after its leading assignments; `words` starts with them. */
  private visit(all: readonly string[], line: number, stdin: Stdin | undefined, depth: number): void {
    if (depth > MAX_DEPTH) {
      this.invalidAt(line, redactLoose(all), `commands are wrapped in each other more than ${MAX_DEPTH} deep`);
      return;
    }
    let at = 0;
    const env: Record<string, string | undefined> = { VAULT_NAMESPACE: this.vars.get('VAULT_NAMESPACE') };
    while (at < all.length && (ASSIGNMENT.test(all[at] as string) || KEYWORDS.has(all[at] as string))) {
      // `time -p vault …`: the keyword's own option.
      at += all[at] === 'time' && all[at + 1] === '-p' ? 2 : 1;
    }
    const words = all.slice(at);
    const lead = all.slice(0, at).filter((w) => !KEYWORDS.has(w));
    const head = words[0];
    if (head === undefined) return;
    const name = base(head);
    const where = this.where(line);
    const passesOn = words.length > 1 && words.slice(1).every((w) => PASS_ON.test(w));
    if (this.lastFunction !== undefined && isVaultWord(head) && passesOn) {
      // `vault "$@"` in a function passes its arguments on: the function is another name for vault. (At the top of a
      // script it runs vault with arguments nobody can see here: invalid, below.)
      this.aliases.add(this.lastFunction);
      return;
    }
    // `./seal.sh`, `source /tmp/seal.sh`, `. x.sh`: a file the script wrote runs its text.
    const sourced = (name === 'source' || name === '.') && words[1] !== undefined ? words[1] : head;
    const file = this.written.get(fileKey(sourced));
    if (file) return this.script(file.text, file.line, depth + 1);
    const aliased = this.shellAliases.get(head);
    if (aliased !== undefined) {
      // Bash does not expand an alias inside its own expansion (`alias vault='sudo -E vault'`).
      this.shellAliases.delete(head);
      try {
        return this.visit([...lead, ...shellWordsOrEmpty(aliased), ...words.slice(1)], line, stdin, depth + 1);
      } finally {
        this.shellAliases.set(head, aliased);
      }
    }
    if (this.aliases.has(name) && !isVaultWord(head)) {
      return this.visit([...lead, 'vault', ...words.slice(1)], line, stdin, depth + 1);
    }
    if (isVaultWord(head)) {
      const argv = [...lead, 'vault', ...words.slice(1)];
      this.out.push({ ...classifyVaultWords(argv.join(' '), argv, env), ...where });
      return;
    }
    if (name === 'curl') {
      for (const c of classifyCurl(words.slice(1))) this.out.push({ ...c, ...where });
      return;
    }
    const upgrade = UPGRADE_TOOLS.has(name) ? runbookUpgrade(words.join(' '), words) : null;
    if (upgrade) {
      this.out.push({ ...upgrade, input: redactArgs(words), ...where });
      return;
    }
    if (name === 'busybox' && words.length > 1) return this.visit([...lead, ...words.slice(1)], line, stdin, depth + 1);
    const sub = words[1] ?? '';
    if (
      head.startsWith('$') &&
      (VAULT_ONLY.has(sub) || (/^(write|delete|patch)$/.test(sub) && words.some((w) => /^\/?sys\//.test(w))))
    ) {
      this.invalidAt(
        line,
        redactLoose([...lead, ...words], keepWord),
        `runs ${head}, which the script does not set, with the vault subcommand "${sub}": ` +
          'set it in the script (X=/path/to/vault) or call vault directly',
      );
      return;
    }
    if (isWrapper(name)) {
      const inner = unwrapCommand(name, words);
      if (inner.kind === 'command') this.visit([...lead, ...inner.assignments, ...inner.words], line, stdin, depth + 1);
      else if (inner.kind === 'script') this.script(inner.text, line, depth + 1, stdin);
      // `su - vault <<EOF`, `sudo -i <<EOF`, `echo … | sudo -s`: the shell they start reads its standard input.
      else if (inner.shell && stdin) this.script(stdin.text, stdin.line, depth + 1);
      return;
    }
    if (SHELLS.has(name)) return this.shell(words, line, stdin, depth);
    if (name === 'ssh') return this.ssh(words, line, stdin, depth);
    if (CONTAINER_TOOLS.has(name) && this.container(words, line, stdin, depth)) return;
    if (DATA_ONLY.has(name)) return;
    if (this.wrappers.has(name) || this.wrappers.has(head)) {
      const from = words.findIndex(
        (w, j) => j > 0 && ((isVaultWord(w) && isVaultSubcommand(words[j + 1])) || base(w) === 'curl'),
      );
      if (from > 0) return this.visit([...lead, ...words.slice(from)], line, stdin, depth + 1);
      const text = words.slice(1).find((w) => /\s/.test(w) && /vault|curl/.test(w));
      if (text !== undefined) return this.script(text, line, depth + 1);
      return;
    }
    const holds = holdsVault(words);
    if (holds) {
      const how = holds === 'command' ? `runs vault through "${name}"` : `calls the Vault API (/v1/) through "${name}"`;
      this.invalidAt(
        line,
        redactLoose([...lead, ...words], keepWord),
        `${how}, which the gate does not understand: call vault or curl directly, or name "${name}" in runbooks.wrappers ` +
          'of the configuration if it runs its arguments as a command',
      );
    }
  }

  /**
   * `bash -lc '…'`, `sh -ec '…'`, `bash <<EOF`, `echo "…" | sh`, `bash -s ARG… <<EOF`; `bash ./file.sh` runs a file
   * the gate cannot see.
   */
  private shell(words: readonly string[], line: number, stdin: Stdin | undefined, depth: number): void {
    let script = false;
    // `-s`: the script is standard input, and the words after the options are its arguments.
    let fromStdin = false;
    for (let j = 1; j < words.length; j++) {
      const w = words[j] as string;
      if (w === '--' || w === '-') continue;
      if (w === '--rcfile' || w === '--init-file') {
        j++;
        continue;
      }
      if (w.startsWith('--')) continue;
      if (w.startsWith('-') || w.startsWith('+')) {
        // A cluster as getopt reads it: `-euo pipefail` gives -o the next word, `-ec` takes a script, `-es` stdin.
        for (const letter of w.slice(1)) {
          if (letter === 'c') script = true;
          else if (letter === 's') fromStdin = true;
          else if (letter === 'o' || letter === 'O') j++;
        }
        continue;
      }
      if (script) return this.script(w, line, depth + 1, stdin);
      if (fromStdin) break;
      const file = this.written.get(fileKey(w));
      if (file) return this.script(file.text, file.line, depth + 1);
      // `bash <(echo "vault …")`: the script is what the substitution prints.
      const fed = /^<\((.*)\)$/s.exec(w);
      const printed = fed ? piped({ words: shellWordsOrEmpty(fed[1] as string), line }) : undefined;
      if (printed) return this.script(printed.text, line, depth + 1);
      if (holdsVault(words)) {
        const file = JSON.stringify(w.slice(0, 40));
        const why = `runs vault through the script file ${file} given to ${base(words[0] as string)}, which the gate cannot read`;
        this.invalidAt(line, redactLoose(words, keepWord), `${why}: classify that file too`);
      }
      return;
    }
    if (stdin) this.script(stdin.text, stdin.line, depth + 1);
  }

  /** `ssh [options] host [command …]`: the remote command is one string for the remote shell. */
  private ssh(words: readonly string[], line: number, stdin: Stdin | undefined, depth: number): void {
    let j = 1;
    for (; j < words.length; j++) {
      const w = words[j] as string;
      if (w === '--') {
        j++;
        break;
      }
      if (!w.startsWith('-')) break;
      if (SSH_VALUES.has(w)) j++;
    }
    const rest = words.slice(words[j + 1] === '--' ? j + 2 : j + 1);
    // `… | ssh host bash`, `ssh host 'cd /x && sudo -i' <<EOF`: the remote command reads what the pipe or
    // here-document feeds.
    if (rest.length) this.script(rest.join(' '), line, depth + 1, stdin);
    else if (stdin) this.script(stdin.text, stdin.line, depth + 1);
  }

  /**
   * `kubectl exec POD -- vault …`, `docker exec -it C vault …`, `docker compose exec SVC vault …`, `docker run …
   * hashicorp/vault:1.17 operator …` (the image runs vault), and a shell inside (`… sh -c '…'`, `… sh <<EOF`).
   */
  private container(words: readonly string[], line: number, stdin: Stdin | undefined, depth: number): boolean {
    const verb = words.findIndex((w, j) => j > 0 && CONTAINER_VERBS.has(w));
    if (verb === -1) return false;
    const dashes = words.indexOf('--', verb);
    if (dashes !== -1) {
      this.visit(words.slice(dashes + 1), line, stdin, depth + 1);
      return true;
    }
    for (let j = verb + 1; j < words.length; j++) {
      const w = words[j] as string;
      const next = words[j + 1];
      if ((isVaultWord(w) && isVaultSubcommand(next)) || (base(w) === 'curl' && next !== undefined)) {
        this.visit(words.slice(j), line, stdin, depth + 1);
        return true;
      }
      if (words[verb] === 'run' && isVaultImage(w) && isVaultSubcommand(next)) {
        this.visit(['vault', ...words.slice(j + 1)], line, stdin, depth + 1);
        return true;
      }
      if (SHELLS.has(base(w)) && !w.startsWith('-') && (next === undefined || next.startsWith('-'))) {
        this.visit(words.slice(j), line, stdin, depth + 1);
        return true;
      }
    }
    return false;
  }
}

/** A file named by a script, the same however it is spelled relative to the current folder (`./x.sh`, `x.sh`). */
const fileKey = (word: string): string => word.replace(/^(?:\.\/)+/, '');

const shellWordsOrEmpty = (text: string): string[] => {
  const split = shellWords(text);
  return 'words' in split ? split.words : [];
};

/** What a pipe feeds: the text of `echo "…"` / `printf '…'`, or the here-document of `cat <<EOF`. */
function piped(previous: ShellCommand): Stdin | undefined {
  // The producer may itself be wrapped (`retry 3 echo "…" | sh`): the first echo/printf/cat word is it.
  const from = Math.max(
    0,
    previous.words.findIndex((w) => ['echo', 'printf', 'cat'].includes(base(w))),
  );
  const name = base(previous.words[from] ?? '');
  if (name === 'echo' || name === 'printf') {
    const args = previous.words.slice(from + 1).filter((w, k) => k > 0 || !/^-[neE]+$/.test(w));
    // printf's `\n` separates commands; as `;` it keeps them on the producer's line.
    return { text: args.join(' ').replace(/\\n/g, ';'), line: previous.line };
  }
  if (name === 'cat' && previous.heredoc) return previous.heredoc;
  return undefined;
}

/** What `tee` (or `cat` with no file) passes on from its own input: `echo "…" | tee log | sh` feeds sh the echo. */
function passedOn(cmd: ShellCommand, input: Stdin | undefined): Stdin | undefined {
  const at = cmd.words.findIndex((w) => base(w) === 'tee' || base(w) === 'cat');
  if (at === -1 || !input) return undefined;
  const rest = cmd.words.slice(at + 1);
  return base(cmd.words[at] as string) === 'tee' || rest.every((w) => w.startsWith('-')) ? input : undefined;
}

/** Words kept when a line is echoed with its values masked: vault's command words (operator, raft, seal, …). */
const keepWord = (w: string): boolean => isCommandWord(w);

/**
 * Reads a shell runbook and classifies every `vault …` command, every `curl` call to `…/v1/…` and every Vault
 * upgrade (Helm, image, package), with its line. Follows the script's own variables in order (`VAULT_NAMESPACE`,
 * the binary or the whole command in a variable), wrappers that run their arguments, shells fed a string or a
 * here-document. A command that holds `vault` and a subcommand (or a Vault URL) but is not understood is `invalid`,
 * never dropped; a script that cannot be read gives one `invalid` classification naming the line.
 */
export function classifyScript(text: string, options: ScriptOptions = {}): Classification[] {
  const reader = new ScriptReader(options);
  reader.script(text, 1, 0);
  return reader.out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

/** The warning shown when a script yields nothing at all, so that an empty result is visible. */
export const nothingFoundMessage = (file: string): string =>
  `No vault command, curl call to /v1/ or Vault upgrade was found in ${file}: check it is the runbook you meant ` +
  '(a helper that runs vault for you can be named in runbooks.wrappers).';
