/**
 * SHA256SUMS as raft-snapshot writes it: `fmt.Fprintf(w, "%x  %s\n", sum, file)` per file, lines in any order
 * (they come from a Go map). The reader demands every listed name be expected and every expected name be listed.
 */
export type SumsParse = { ok: true; sums: Map<string, string> } | { ok: false; problem: string };

export function parseSums(text: string): SumsParse {
  const sums = new Map<string, string>();
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const [i, line] of lines.entries()) {
    const m = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
    if (!m) return { ok: false, problem: `line ${i + 1} of SHA256SUMS is not "<64 hex digits>  <file>"` };
    const [, hash, name] = m as unknown as [string, string, string];
    if (sums.has(name)) return { ok: false, problem: `SHA256SUMS lists ${name} twice` };
    sums.set(name, hash);
  }
  return { ok: true, sums };
}
