import { redactLoose, redactVaultWords } from './redact.js';
import { classifyRequest, invalidRequest } from './request.js';
import { verdictRank, type Classification, type RequestClassification } from './schema.js';
import { isCommandWord, planVaultCommand } from './vault-cli.js';

/** `vault …` argv to a classification, and how several requests combine into one. */

export interface ClassifyOptions {
  /** `VAULT_NAMESPACE` as the operations would see it (applies to `vault …` command lines). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export const invalid = (input: string, problem: string, extra: Partial<Classification> = {}): Classification => ({
  input,
  ...invalidRequest(null, null, '', problem),
  ...extra,
});

/** Several curl URLs in one call: the most demanding decides, every request listed. */
export function combineCalls(calls: readonly Classification[]): Classification {
  const requests = calls.map(({ verdict, category, method, path, namespace, reason }) => ({
    verdict,
    category,
    method,
    path,
    namespace,
    reason,
  }));
  return combineRequests((calls[0] as Classification).input, requests);
}

/** The most demanding request decides; the others are listed when there are several. */
export function combineRequests(input: string, requests: RequestClassification[]): Classification {
  let d = requests[0] as RequestClassification;
  for (const r of requests) if (verdictRank[r.verdict] > verdictRank[d.verdict]) d = r;
  const out: Classification = {
    input,
    verdict: d.verdict,
    category: d.category,
    method: d.method,
    path: d.path,
    namespace: d.namespace,
    reason: d.reason,
  };
  if (requests.length > 1) out.requests = requests;
  return out;
}

/** `vault operator rekey` from its argv: the words up to the first flag or argument that is not a command name. */
function commandName(words: readonly string[]): string {
  const out: string[] = [];
  for (const w of words) {
    if (out.length >= 4 || w.startsWith('-') || !/^[a-z][a-z-]*$/.test(w)) break;
    out.push(w);
  }
  return out.join(' ');
}

export const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;
export const isVaultBinary = (word: string): boolean => word === 'vault' || word.endsWith('/vault');

/** Classifies `vault …` argv (with any leading `NAME=value` assignments). */
export function classifyVaultWords(
  given: string,
  words: readonly string[],
  env: ClassifyOptions['env'] = {},
): Classification {
  const input = redactVaultWords(words) ?? given;
  let i = 0;
  let namespace = env.VAULT_NAMESPACE;
  for (; i < words.length; i++) {
    const m = ASSIGNMENT.exec(words[i] as string);
    if (!m) break;
    if (m[1] === 'VAULT_NAMESPACE') namespace = m[2];
  }
  if (!isVaultBinary(words[i] ?? '')) return invalid(input, 'a command line must start with "vault"');
  const plan = planVaultCommand(words.slice(i + 1), namespace);
  switch (plan.kind) {
    case 'error':
      // A line the gate does not understand is echoed with every value masked: its secrets cannot be told apart.
      return invalid(
        redactLoose(words, isCommandWord),
        `the command ${JSON.stringify(commandName(words.slice(i)))} ${plan.problem}`,
      );
    case 'local':
      return {
        input,
        verdict: 'not-sys',
        category: 'local',
        method: null,
        path: null,
        namespace: '',
        reason: `The command ${plan.what}; it sends nothing to Vault.`,
      };
    case 'reads':
      return {
        input,
        verdict: 'read-only',
        category: 'logical',
        method: 'GET',
        path: null,
        namespace: plan.namespace ?? '',
        reason: `The command ${plan.what}; it changes nothing in storage.`,
      };
    case 'offline':
      return {
        input,
        verdict: 'backup-first',
        category: 'storage-migration',
        method: null,
        path: null,
        namespace: '',
        reason: `The command ${plan.what}: back up the source storage first (offline, as the storage docs advise for backends without atomic snapshots).`,
      };
    case 'requests':
      if (plan.requests.length === 0) return invalid(input, 'the command sends no request');
      return combineRequests(
        input,
        plan.requests.map((r) => classifyRequest(r.method, r.path, plan.namespace)),
      );
  }
}
