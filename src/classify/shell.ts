/**
 * A small POSIX-shell reader: enough of the grammar to find every simple command in a runbook, with its words and
 * the line it starts on. It does not expand anything: `$VAR`, `$(…)` and backticks stay in the words (so later
 * stages can tell a path is not known), and the text of each command substitution is returned to be read too.
 */

export interface ShellCommand {
  readonly words: string[];
  readonly line: number;
  /**
   * A here-document or here-string fed to the command (`bash <<EOF`, `ssh host <<'EOF'`, `sh <<< "…"`): its text and
   * the line it starts on.
   */
  heredoc?: { text: string; line: number };
  /** The command reads the output of the one before it through a pipe (`echo "…" | sh`). */
  pipeIn?: boolean;
  /** Its redirections to and from files, as written (`> /tmp/x.sh`, `< plan.sh`): the operator and the target word. */
  redirects?: { op: string; target: string }[];
}

/** Substitutions nested deeper than this are refused (invalid), never followed until the stack runs out. */
export const MAX_NESTING = 64;

export interface ShellParse {
  readonly commands: ShellCommand[];
  /** A sentence naming the line, when the text cannot be read (an unterminated quote, say). */
  readonly error?: { line: number; message: string };
}

const OPERATOR_CHARS = new Set([';', '&', '|', '(', ')', '\n']);
/** Characters with no meaning to the reader (every special one is excluded), matched from a position. */
const PLAIN_RUN = /[^\s\\'"$`#<>;&|()]+/y;

type Failure = { line: number; message: string };
type PendingHeredoc = { delimiter: string; strip: boolean; quoted: boolean; owner?: ShellCommand };

/**
 * Reads one text from left to right. Each step below handles what starts at the current character (a quote, a
 * substitution, a redirection, an operator, a plain run) and moves `i` past it, counting the lines it crosses;
 * a step that cannot read its part returns the failure. Words and commands are built as the shell would.
 */
class ShellReader {
  readonly commands: ShellCommand[] = [];
  /** The bodies of `$(…)`, `<(…)` and backticks, read afterwards as commands of their own. */
  readonly subs: { text: string; line: number }[] = [];
  /** Here-documents announced on the current line; their bodies start on the next one. */
  readonly heredocs: PendingHeredoc[] = [];
  /** The line the reader is on (where a failure is reported). */
  line: number;
  private i = 0;
  private words: string[] = [];
  private word = '';
  private inWord = false;
  private wordLine: number;
  private commandLine: number;
  /** The next word is a redirection's target, not an argument. */
  private skipNextWord = false;
  /** The next word is a here-string (`<<< WORD`): the command's standard input, like a here-document. */
  private hereStringNext = false;
  private hereString: { text: string; line: number } | undefined;
  private redirectOp = '';
  private redirects: { op: string; target: string }[] = [];
  private pipeNext = false;
  private readonly text: string;

  constructor(text: string, firstLine: number) {
    this.text = text;
    this.line = firstLine;
    this.wordLine = firstLine;
    this.commandLine = firstLine;
  }

  /** Every command of the text, or the first thing that cannot be read. */
  read(): Failure | undefined {
    while (this.i < this.text.length) {
      const failed = this.step(this.text[this.i] as string);
      if (failed) return failed;
    }
    this.endCommand();
    if (this.heredocs.length) return this.unclosedHeredoc(this.heredocs[0]?.delimiter);
    return undefined;
  }

  private step(c: string): Failure | undefined {
    const next = this.text[this.i + 1];
    if (c === '\\') return this.escaped();
    if (c === "'") return this.singleQuoted();
    if (c === '"') return this.doubleQuoted();
    if (c === '$' && next === '(') return this.text[this.i + 2] === '(' ? this.arithmetic() : this.substitution();
    if ((c === '<' || c === '>') && next === '(' && !this.inWord) return this.processSubstitution(c);
    if (c === '`') return this.backticks();
    if (c === '#' && !this.inWord) return this.comment();
    if (c === '<' || c === '>') return this.redirection(c);
    if (c === ' ' || c === '\t' || c === '\r') return this.blank();
    if (c === '(' && this.opensFunctionDefinition()) return this.functionDefinition();
    if (OPERATOR_CHARS.has(c)) return this.operator(c);
    return this.plainRun(c);
  }

  // Words and commands.

  private startWord(): void {
    if (!this.inWord) {
      this.inWord = true;
      this.wordLine = this.line;
    }
  }

  private endWord(): void {
    if (!this.inWord) return;
    if (this.hereStringNext) {
      this.hereStringNext = false;
      this.hereString = { text: this.word, line: this.wordLine };
    } else if (this.skipNextWord) {
      this.skipNextWord = false;
      this.redirects.push({ op: this.redirectOp, target: this.word });
    } else {
      if (this.words.length === 0) this.commandLine = this.wordLine;
      this.words.push(this.word);
    }
    this.word = '';
    this.inWord = false;
  }

  private endCommand(): void {
    this.endWord();
    const words = this.words;
    if (words.length) {
      const line = this.commandLine;
      const cmd: ShellCommand = this.pipeNext ? { words, line, pipeIn: true } : { words, line };
      if (this.hereString) cmd.heredoc = this.hereString;
      if (this.redirects.length) cmd.redirects = this.redirects;
      this.commands.push(cmd);
      for (const h of this.heredocs) h.owner ??= cmd;
    }
    this.redirects = [];
    this.hereString = undefined;
    this.hereStringNext = false;
    this.pipeNext = false;
    this.words = [];
  }

  // Quotes and escapes.

  private escaped(): undefined {
    if (this.text[this.i + 1] === '\n') {
      this.line++;
      this.i += 2;
      return undefined;
    }
    this.startWord();
    this.word += this.text[this.i + 1] ?? '';
    this.i += 2;
    return undefined;
  }

  private singleQuoted(): Failure | undefined {
    return this.closedSpan("'", 'a single quote', (body) => {
      this.word += body;
    });
  }

  /** `'…'` and `` `…` ``: everything up to the next same character, nothing escaped inside. */
  private closedSpan(quote: string, name: string, take: (body: string, whole: string) => void): Failure | undefined {
    const end = this.text.indexOf(quote, this.i + 1);
    if (end === -1) return { line: this.line, message: `${name} is never closed` };
    this.startWord();
    const body = this.text.slice(this.i + 1, end);
    take(body, this.text.slice(this.i, end + 1));
    this.line += countNewlines(body);
    this.i = end + 1;
    return undefined;
  }

  /** `"…"`: escapes of `$`, `` ` ``, `"`, `\\` and newline; `$(…)` inside still runs, `$((…))` does not. */
  private doubleQuoted(): Failure | undefined {
    const text = this.text;
    this.startWord();
    const openedAt = this.line;
    let j = this.i + 1;
    for (;;) {
      if (j >= text.length) return { line: openedAt, message: 'a double quote is never closed' };
      const d = text[j] as string;
      if (d === '"') break;
      if (d === '\\' && j + 1 < text.length && '$`"\\\n'.includes(text[j + 1] as string)) {
        if (text[j + 1] === '\n') this.line++;
        else this.word += text[j + 1];
        j += 2;
        continue;
      }
      if (d === '$' && text[j + 1] === '(') {
        const arithmetic = text[j + 2] === '(';
        const at = this.line;
        const end = this.skipSubstitution(j + 2);
        if (end === -1) return { line: openedAt, message: `a "${arithmetic ? '$((' : '$('}" is never closed` };
        // `$(( $(vault …) + 1 ))`: a command substitution inside arithmetic runs too.
        if (arithmetic) this.substitutionsIn(text.slice(j + 3, end - 2), at);
        else this.subs.push({ text: text.slice(j + 2, end - 1), line: at });
        this.word += text.slice(j, end);
        j = end;
        continue;
      }
      if (d === '`') {
        // "`vault …`": backticks run inside double quotes as outside them.
        const end = closingBacktick(text, j + 1);
        if (end === -1) return { line: openedAt, message: 'a backtick is never closed' };
        this.subs.push({ text: text.slice(j + 1, end), line: this.line });
        this.line += countNewlines(text.slice(j, end));
        this.word += text.slice(j, end + 1);
        j = end + 1;
        continue;
      }
      if (d === '\n') this.line++;
      this.word += d;
      j++;
    }
    this.i = j + 1;
    return undefined;
  }

  // Substitutions.

  /**
   * Skips a parenthesised body starting after its `(` (quotes and escapes respected, nested parentheses counted);
   * returns the index after the closing `)`, or -1 when it never closes. Counts the lines it crosses.
   */
  private skipSubstitution(from: number): number {
    const text = this.text;
    let depth = 1;
    let j = from;
    let quote: string | null = null;
    while (j < text.length) {
      const c = text[j] as string;
      if (c === '\n') this.line++;
      // A skipped character can be a newline (a backslash-newline): count it, or every later line drifts.
      if (quote) {
        if (c === '\\' && quote === '"') {
          if (text[++j] === '\n') this.line++;
        } else if (c === quote) quote = null;
      } else if (c === '\\') {
        if (text[++j] === '\n') this.line++;
      } else if (c === "'" || c === '"') quote = c;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return j + 1;
      j++;
    }
    return -1;
  }

  /**
   * The command substitutions in a text the shell expands without splitting it into commands (an unquoted
   * here-document's body, an arithmetic expression): `$(…)` and backticks, each read as commands afterwards.
   */
  private substitutionsIn(text: string, firstLine: number): void {
    let line = firstLine;
    for (let j = 0; j < text.length; j++) {
      const c = text[j];
      if (c === '\n') line++;
      else if (c === '\\') {
        if (text[j + 1] === '\n') line++;
        j++;
      } else if (c === '$' && text[j + 1] === '(') {
        const end = closingParen(text, j + 2);
        if (end === -1) return;
        if (text[j + 2] === '(') this.substitutionsIn(text.slice(j + 3, end - 1), line);
        else this.subs.push({ text: text.slice(j + 2, end - 1), line });
        line += countNewlines(text.slice(j, end));
        j = end - 1;
      } else if (c === '`') {
        const end = closingBacktick(text, j + 1);
        if (end === -1) return;
        this.subs.push({ text: text.slice(j + 1, end), line });
        line += countNewlines(text.slice(j, end));
        j = end;
      }
    }
  }

  /** `$((…))` is arithmetic, not a command: `$((1<<2))` holds no here-document (a `$(…)` inside it still runs). */
  private arithmetic(): Failure | undefined {
    this.startWord();
    const at = this.line;
    const end = this.skipSubstitution(this.i + 2);
    if (end === -1) return { line: this.line, message: 'a "$((" is never closed' };
    this.substitutionsIn(this.text.slice(this.i + 3, end - 2), at);
    this.word += this.text.slice(this.i, end);
    this.i = end;
    return undefined;
  }

  /** `$(…)`: stays in the word as written; its body is read as commands too. */
  private substitution(): Failure | undefined {
    this.startWord();
    const at = this.line;
    const end = this.skipSubstitution(this.i + 2);
    if (end === -1) return { line: at, message: 'a "$(" is never closed' };
    this.subs.push({ text: this.text.slice(this.i + 2, end - 1), line: at });
    this.word += this.text.slice(this.i, end);
    this.i = end;
    return undefined;
  }

  /** Process substitution `<(…)` / `>(…)`: its commands run. */
  private processSubstitution(c: string): Failure | undefined {
    const at = this.line;
    const end = this.skipSubstitution(this.i + 2);
    if (end === -1) return { line: at, message: `a "${c}(" is never closed` };
    this.subs.push({ text: this.text.slice(this.i + 2, end - 1), line: at });
    this.startWord();
    this.word += this.text.slice(this.i, end);
    this.i = end;
    return undefined;
  }

  /** `` `…` ``: the old form of `$(…)`. */
  private backticks(): Failure | undefined {
    return this.closedSpan('`', 'a backtick', (body, whole) => {
      this.subs.push({ text: body, line: this.line });
      this.word += whole;
    });
  }

  // Redirections and here-documents.

  private redirection(c: string): Failure | undefined {
    const text = this.text;
    // A word made only of digits right before a redirection is its file descriptor (2>&1).
    if (this.inWord && /^\d+$/.test(this.word)) {
      this.word = '';
      this.inWord = false;
    } else this.endWord();
    if (c === '<' && text[this.i + 1] === '<' && text[this.i + 2] !== '<') return this.heredocStart();
    if (c === '<' && text[this.i + 1] === '<' && text[this.i + 2] === '<') {
      // `bash <<< "vault operator seal"`: the word is fed to the command as a here-document would be.
      this.hereStringNext = true;
      this.i += 3;
      return undefined;
    }
    let i = this.i + 1;
    while (text[i] === '>' || text[i] === '<' || text[i] === '&' || text[i] === '|') i++;
    // `>&2` names a descriptor, not a file; anything else is followed by its target word.
    if (/^\d/.test(text[i] ?? '') && text[i - 1] === '&') {
      while (/\d/.test(text[i] ?? '')) i++;
    } else {
      this.skipNextWord = true;
      this.redirectOp = text.slice(this.i, i);
    }
    this.i = i;
    return undefined;
  }

  /** `<<WORD`, `<<-WORD`, `<<'WORD'`: noted here, its body read after the end of the line (heredocBodies). */
  private heredocStart(): Failure | undefined {
    let j = this.i + 2;
    const strip = this.text[j] === '-';
    if (strip) j++;
    while (this.text[j] === ' ' || this.text[j] === '\t') j++;
    const m = /^(['"]?)([A-Za-z0-9_.-]+)\1/.exec(this.text.slice(j));
    if (!m) return { line: this.line, message: 'a here-document has no delimiter' };
    this.heredocs.push({ delimiter: m[2] as string, strip, quoted: m[1] !== '' });
    this.i = j + m[0].length;
    return undefined;
  }

  /** Here-document bodies start on the line after their `<<` and are data, not commands; each goes to its owner. */
  private heredocBodies(): Failure | undefined {
    const text = this.text;
    while (this.heredocs.length) {
      const { delimiter, strip, quoted, owner } = this.heredocs.shift() as PendingHeredoc;
      const bodyStart = this.i;
      const bodyLine = this.line;
      for (;;) {
        if (this.i >= text.length) return this.unclosedHeredoc(delimiter);
        const lineStart = this.i;
        const nl = text.indexOf('\n', this.i);
        const raw = text.slice(this.i, nl === -1 ? text.length : nl);
        this.i = nl === -1 ? text.length : nl + 1;
        this.line++;
        if ((strip ? raw.replace(/^\t+/, '') : raw).replace(/\r$/, '') === delimiter) {
          if (owner && !owner.heredoc) owner.heredoc = { text: text.slice(bodyStart, lineStart), line: bodyLine };
          // An unquoted delimiter: the shell runs the body's `$(…)` and backticks before feeding it (`cat <<EOF`).
          if (!quoted) this.substitutionsIn(text.slice(bodyStart, lineStart), bodyLine);
          break;
        }
      }
    }
    return undefined;
  }

  private unclosedHeredoc(delimiter: string | undefined): Failure {
    return { line: this.line, message: `the here-document ending in ${delimiter} is never closed` };
  }

  // Everything else.

  private comment(): undefined {
    while (this.i < this.text.length && this.text[this.i] !== '\n') this.i++;
    return undefined;
  }

  private blank(): undefined {
    this.endWord();
    this.i++;
    return undefined;
  }

  /** `name () { …; }` (or `name() …`) defines a function, even one named vault. */
  private opensFunctionDefinition(): boolean {
    if (!/^\s*\)/.test(this.text.slice(this.i + 1, this.i + 40))) return false;
    return this.inWord ? this.words.length === 0 : this.words.length === 1;
  }

  /** The name is not a command, `function name` is. */
  private functionDefinition(): undefined {
    this.endWord();
    this.words.unshift('function');
    this.endCommand();
    this.i = this.text.indexOf(')', this.i) + 1;
    return undefined;
  }

  /** `;`, `&`, `|`, `(`, `)` and newline end a command; `|` feeds the next one; a newline opens here-documents. */
  private operator(c: string): Failure | undefined {
    this.endCommand();
    if (c === '|') {
      if (this.text[this.i + 1] === '|') this.i++;
      else this.pipeNext = true;
    }
    this.i++;
    if (c !== '\n') return undefined;
    this.line++;
    return this.heredocBodies();
  }

  /** A run of ordinary characters is taken at once: one string per run, not one per character. */
  private plainRun(c: string): undefined {
    this.startWord();
    PLAIN_RUN.lastIndex = this.i;
    const run = PLAIN_RUN.exec(this.text);
    const end = run ? this.i + run[0].length : this.i + 1;
    this.word += end > this.i + 1 ? this.text.slice(this.i, end) : c;
    this.i = end;
    return undefined;
  }
}

/**
 * Every simple command of a shell text, with the line it starts on, in line order; commands inside `$(…)`,
 * `<(…)` and backticks included (read in place of the line they sit on), up to MAX_NESTING deep.
 */
export function parseShell(text: string, firstLine = 1, readSubstitutions = true, depth = 0): ShellParse {
  const reader = new ShellReader(text, firstLine);
  const commands = reader.commands;
  const failed = reader.read();
  if (failed) return { commands, error: failed };
  if (!readSubstitutions) return sortByLine(commands);
  if (reader.subs.length && depth >= MAX_NESTING) {
    const message = `command substitutions are nested more than ${MAX_NESTING} deep`;
    return { commands, error: { line: reader.subs[0]?.line ?? reader.line, message } };
  }
  for (const sub of reader.subs) {
    const inner = parseShell(sub.text, sub.line, true, depth + 1);
    if (inner.error) return { commands, error: inner.error };
    for (const c of inner.commands) commands.push(c);
  }
  return sortByLine(commands);
}

/** The index after the `)` closing a substitution opened before `from` (quotes and escapes respected), or -1. */
function closingParen(text: string, from: number): number {
  let depth = 1;
  let quote: string | null = null;
  for (let j = from; j < text.length; j++) {
    const c = text[j];
    if (quote) {
      if (c === '\\' && quote === '"') j++;
      else if (c === quote) quote = null;
    } else if (c === '\\') j++;
    else if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j + 1;
  }
  return -1;
}

/** The index of the backtick closing one opened before `from` (a backslash escapes the next character), or -1. */
function closingBacktick(text: string, from: number): number {
  for (let j = from; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '`') return j;
  }
  return -1;
}

/**
 * A word with its `$(…)` and backtick substitutions taken out: what the command receives is their output, and their
 * own commands are read where they stand (`kubectl create secret … --from-literal=pw="$(vault kv get …)"`).
 */
export function withoutSubstitutions(word: string): string {
  let out = '';
  for (let j = 0; j < word.length; j++) {
    const c = word[j] as string;
    const end =
      c === '$' && word[j + 1] === '(' ? closingParen(word, j + 2) : c === '`' ? closingBacktick(word, j + 1) + 1 : -1;
    if (end <= 0) out += c;
    else {
      out += ' ';
      j = end - 1;
    }
  }
  return out;
}

const countNewlines = (s: string): number => {
  let n = 0;
  for (let k = s.indexOf('\n'); k !== -1; k = s.indexOf('\n', k + 1)) n++;
  return n;
};

const sortByLine = (commands: ShellCommand[]): ShellParse => ({ commands: commands.sort((a, b) => a.line - b.line) });

/** Splits one command line into words, as the shell would before expansion. */
export function shellWords(text: string): { words: string[] } | { error: string } {
  // Most command lines hold nothing the shell would treat specially: split them on blanks directly.
  if (!/[^A-Za-z0-9 \t_=:,.\/+@%^~-]/.test(text)) {
    const words = text.split(/[ \t]+/);
    if (words[0] === '') words.shift();
    if (words.at(-1) === '') words.pop();
    return { words };
  }
  const parsed = parseShell(text.replace(/\n/g, ' '), 1, false);
  if (parsed.error) return { error: parsed.error.message };
  if (parsed.commands.length > 1) return { error: 'it holds more than one command' };
  return { words: parsed.commands[0]?.words ?? [] };
}
