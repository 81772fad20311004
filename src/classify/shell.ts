/**
 * A small POSIX-shell reader: enough of the grammar to find every simple command in a runbook, with its words and
 * the line it starts on. It does not expand anything: `$VAR`, `$(…)` and backticks stay in the words (so later
 * stages can tell a path is not known), and the text of each command substitution is returned to be read too.
 */

export interface ShellCommand {
  readonly words: string[];
  readonly line: number;
}

export interface ShellParse {
  readonly commands: ShellCommand[];
  /** A sentence naming the line, when the text cannot be read (an unterminated quote, say). */
  readonly error?: { line: number; message: string };
}

const OPERATOR_CHARS = new Set([';', '&', '|', '(', ')', '\n']);

export function parseShell(text: string, firstLine = 1, readSubstitutions = true): ShellParse {
  const commands: ShellCommand[] = [];
  const subs: { text: string; line: number }[] = [];
  let line = firstLine;
  let i = 0;
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let commandLine = line;
  let skipNextWord = false; // the target of a redirection
  const heredocs: { delimiter: string; strip: boolean }[] = [];

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
    if (words.length) commands.push({ words, line: commandLine });
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
      if (quote) {
        if (c === '\\' && quote === '"') j++;
        else if (c === quote) quote = null;
      } else if (c === '\\') j++;
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
      subs.push({ text: text.slice(i + 1, end), line });
      word += text.slice(i, end + 1);
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
    if (OPERATOR_CHARS.has(c)) {
      endCommand();
      if (c === '\n') {
        line++;
        i++;
        // Here-document bodies start on the next line and are data, not commands.
        while (heredocs.length) {
          const { delimiter, strip } = heredocs.shift() as { delimiter: string; strip: boolean };
          for (;;) {
            if (i >= text.length) return failAt(line, `the here-document ending in ${delimiter} is never closed`);
            const nl = text.indexOf('\n', i);
            const raw = text.slice(i, nl === -1 ? text.length : nl);
            i = nl === -1 ? text.length : nl + 1;
            line++;
            if ((strip ? raw.replace(/^\t+/, '') : raw).replace(/\r$/, '') === delimiter) break;
          }
        }
        continue;
      }
      i++;
      continue;
    }
    startWord();
    word += c;
    i++;
  }
  endCommand();
  if (heredocs.length) return failAt(line, `the here-document ending in ${heredocs[0]?.delimiter} is never closed`);
  // Commands inside $(…) and backticks run too: read them, in place of the line they sit on.
  for (const sub of readSubstitutions ? subs : []) {
    const inner = parseShell(sub.text, sub.line);
    if (inner.error) return { commands, error: inner.error };
    commands.push(...inner.commands);
  }
  commands.sort((a, b) => a.line - b.line);
  return { commands };
}

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
