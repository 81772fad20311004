/**
 * A small POSIX-shell reader: enough of the grammar to find every simple command in a runbook, with its words and
 * the line it starts on. It does not expand anything: `$VAR`, `$(…)` and backticks stay in the words (so later
 * stages can tell a path is not known), and the text of each command substitution is returned to be read too.
 */

export interface ShellCommand {
  readonly words: string[];
  readonly line: number;
  /** A here-document fed to the command (`bash <<EOF`, `ssh host <<'EOF'`): its text and the line it starts on. */
  heredoc?: { text: string; line: number };
  /** The command reads the output of the one before it through a pipe (`echo "…" | sh`). */
  pipeIn?: boolean;
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

export function parseShell(text: string, firstLine = 1, readSubstitutions = true, depth = 0): ShellParse {
  const commands: ShellCommand[] = [];
  const subs: { text: string; line: number }[] = [];
  let line = firstLine;
  let i = 0;
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let commandLine = line;
  let skipNextWord = false; // the target of a redirection
  const heredocs: { delimiter: string; strip: boolean; owner?: ShellCommand }[] = [];
  let pipeNext = false;

  const endWord = (): void => {
    if (!inWord) return;
    if (skipNextWord) skipNextWord = false;
    else {
      if (words.length === 0) commandLine = wordLine;
      words.push(word);
    }
    word = '';
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    if (words.length) {
      const cmd: ShellCommand = pipeNext ? { words, line: commandLine, pipeIn: true } : { words, line: commandLine };
      commands.push(cmd);
      for (const h of heredocs) h.owner ??= cmd;
    }
    pipeNext = false;
    words = [];
  };
  let wordLine = line;
  const startWord = (): void => {
    if (!inWord) {
      inWord = true;
      wordLine = line;
    }
  };
  const failAt = (at: number, message: string): ShellParse => ({ commands, error: { line: at, message } });

  /** Reads a `$(…)` body starting after `$(`; returns the index after the closing `)`. */
  const readSubstitution = (from: number): number => {
    let depth = 1;
    let j = from;
    let quote: string | null = null;
    while (j < text.length) {
      const c = text[j] as string;
      if (c === '\n') line++;
      // A skipped character can be a newline (a backslash-newline): count it, or every later line drifts.
      if (quote) {
        if (c === '\\' && quote === '"') {
          if (text[++j] === '\n') line++;
        } else if (c === quote) quote = null;
      } else if (c === '\\') {
        if (text[++j] === '\n') line++;
      }
      else if (c === "'" || c === '"') quote = c;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return j + 1;
      j++;
    }
    return -1;
  };

  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\\') {
      if (text[i + 1] === '\n') {
        line++;
        i += 2;
        continue;
      }
      startWord();
      word += text[i + 1] ?? '';
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) return failAt(line, 'a single quote is never closed');
      startWord();
      const body = text.slice(i + 1, end);
      word += body;
      line += body.split('\n').length - 1;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      startWord();
      const openedAt = line;
      let j = i + 1;
      for (;;) {
        if (j >= text.length) return failAt(openedAt, 'a double quote is never closed');
        const d = text[j] as string;
        if (d === '"') break;
        if (d === '\\' && j + 1 < text.length && '$`"\\\n'.includes(text[j + 1] as string)) {
          if (text[j + 1] === '\n') line++;
          else word += text[j + 1];
          j += 2;
          continue;
        }
        if (d === '$' && text[j + 1] === '(' && text[j + 2] === '(') {
          const end = readSubstitution(j + 2);
          if (end === -1) return failAt(openedAt, 'a "$((" is never closed');
          word += text.slice(j, end);
          j = end;
          continue;
        }
        if (d === '$' && text[j + 1] === '(') {
          const end = readSubstitution(j + 2);
          if (end === -1) return failAt(openedAt, 'a "$(" is never closed');
          subs.push({ text: text.slice(j + 2, end - 1), line });
          word += text.slice(j, end);
          j = end;
          continue;
        }
        if (d === '\n') line++;
        word += d;
        j++;
      }
      i = j + 1;
      continue;
    }
    if (c === '$' && text[i + 1] === '(' && text[i + 2] === '(') {
      // $((…)) is arithmetic, not a command: `$((1<<2))` holds no here-document.
      startWord();
      const end = readSubstitution(i + 2);
      if (end === -1) return failAt(line, 'a "$((" is never closed');
      word += text.slice(i, end);
      i = end;
      continue;
    }
    if ((c === '<' || c === '>') && text[i + 1] === '(' && !inWord) {
      // Process substitution <(…) / >(…): its commands run.
      const at = line;
      const end = readSubstitution(i + 2);
      if (end === -1) return failAt(at, `a "${c}(" is never closed`);
      subs.push({ text: text.slice(i + 2, end - 1), line: at });
      startWord();
      word += text.slice(i, end);
      i = end;
      continue;
    }
    if (c === '$' && text[i + 1] === '(') {
      startWord();
      const at = line;
      const end = readSubstitution(i + 2);
      if (end === -1) return failAt(at, 'a "$(" is never closed');
      subs.push({ text: text.slice(i + 2, end - 1), line: at });
      word += text.slice(i, end);
      i = end;
      continue;
    }
    if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end === -1) return failAt(line, 'a backtick is never closed');
      startWord();
      const body = text.slice(i + 1, end);
      subs.push({ text: body, line });
      word += text.slice(i, end + 1);
      line += countNewlines(body);
      i = end + 1;
      continue;
    }
    if (c === '#' && !inWord) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '<' || c === '>') {
      // A word made only of digits right before a redirection is its file descriptor (2>&1).
      if (inWord && /^\d+$/.test(word)) {
        word = '';
        inWord = false;
      } else endWord();
      if (c === '<' && text[i + 1] === '<' && text[i + 2] !== '<') {
        let j = i + 2;
        const strip = text[j] === '-';
        if (strip) j++;
        while (text[j] === ' ' || text[j] === '\t') j++;
        const m = /^(['"]?)([A-Za-z0-9_.-]+)\1/.exec(text.slice(j));
        if (!m) return failAt(line, 'a here-document has no delimiter');
        heredocs.push({ delimiter: m[2] as string, strip });
        i = j + m[0].length;
        continue;
      }
      i++;
      while (text[i] === '>' || text[i] === '<' || text[i] === '&' || text[i] === '|') i++;
      // `>&2` names a descriptor, not a file; anything else is followed by its target word.
      if (/^\d/.test(text[i] ?? '') && text[i - 1] === '&') {
        while (/\d/.test(text[i] ?? '')) i++;
      } else skipNextWord = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i++;
      continue;
    }
    if (c === '(' && inWord === false && words.length === 1 && /^\s*\)/.test(text.slice(i + 1, i + 40))) {
      // `name () { …; }` defines a function (even one named vault): the name is not a command, `function name` is.
      words.unshift('function');
      endCommand();
      i = text.indexOf(')', i) + 1;
      continue;
    }
    if (c === '(' && inWord && /^\s*\)/.test(text.slice(i + 1, i + 40)) && words.length === 0) {
      endWord();
      words.unshift('function');
      endCommand();
      i = text.indexOf(')', i) + 1;
      continue;
    }
    if (OPERATOR_CHARS.has(c)) {
      endCommand();
      if (c === '|') {
        if (text[i + 1] === '|') i++;
        else pipeNext = true;
      }
      if (c === '\n') {
        line++;
        i++;
        // Here-document bodies start on the next line and are data, not commands.
        while (heredocs.length) {
          const { delimiter, strip, owner } = heredocs.shift() as (typeof heredocs)[number];
          const bodyStart = i;
          const bodyLine = line;
          for (;;) {
            if (i >= text.length) return failAt(line, `the here-document ending in ${delimiter} is never closed`);
            const lineStart = i;
            const nl = text.indexOf('\n', i);
            const raw = text.slice(i, nl === -1 ? text.length : nl);
            i = nl === -1 ? text.length : nl + 1;
            line++;
            if ((strip ? raw.replace(/^\t+/, '') : raw).replace(/\r$/, '') === delimiter) {
              if (owner && !owner.heredoc) owner.heredoc = { text: text.slice(bodyStart, lineStart), line: bodyLine };
              break;
            }
          }
        }
        continue;
      }
      i++;
      continue;
    }
    startWord();
    // A run of ordinary characters is taken at once: one string per run, not one per character.
    PLAIN_RUN.lastIndex = i;
    const run = PLAIN_RUN.exec(text);
    const end = run ? i + run[0].length : i + 1;
    word += end > i + 1 ? text.slice(i, end) : c;
    i = end;
  }
  endCommand();
  if (heredocs.length) return failAt(line, `the here-document ending in ${heredocs[0]?.delimiter} is never closed`);
  // Commands inside $(…) and backticks run too: read them, in place of the line they sit on.
  if (readSubstitutions && subs.length && depth >= MAX_NESTING) {
    return failAt(subs[0]?.line ?? line, `command substitutions are nested more than ${MAX_NESTING} deep`);
  }
  for (const sub of readSubstitutions ? subs : []) {
    const inner = parseShell(sub.text, sub.line, true, depth + 1);
    if (inner.error) return { commands, error: inner.error };
    for (const c of inner.commands) commands.push(c);
  }
  commands.sort((a, b) => a.line - b.line);
  return { commands };
}

const countNewlines = (s: string): number => {
  let n = 0;
  for (let k = s.indexOf('\n'); k !== -1; k = s.indexOf('\n', k + 1)) n++;
  return n;
};

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
