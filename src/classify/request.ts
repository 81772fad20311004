import { excludedFamilies } from './catalogue.js';
import { excludedReadCatalogue, sysCatalogue } from './matcher.js';
import { isGoTrue, normalisePath } from './path.js';
import {
  HttpMethodSchema,
  type Category,
  type Classification,
  type HttpMethod,
  type RequestClassification,
} from './schema.js';

const METHODS: ReadonlySet<string> = new Set(HttpMethodSchema.options);
const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'LIST', 'HEAD']);

export const RULE =
  "Vault's storage docs advise a backup before any write to /sys except /sys/leases, /sys/namespaces, /sys/tools, /sys/wrapping, /sys/policies and /sys/pprof";

/** `input` is null for a bare request classification, and set when building a whole Classification directly. */
let currentInput: string | null = null;

const result = (
  verdict: RequestClassification['verdict'],
  category: Category,
  method: string | null,
  path: string | null,
  namespace: string,
  reason: string,
): RequestClassification =>
  currentInput === null
    ? { verdict, category, method, path, namespace, reason }
    : ({ input: currentInput, verdict, category, method, path, namespace, reason } as Classification);

const notUnderstood = (problem: string): string =>
  `Not understood: ${problem}; the gate refuses what it cannot classify.`;

export const invalidRequest = (
  method: string | null,
  path: string | null,
  namespace: string,
  problem: string,
): RequestClassification => ({
  verdict: 'invalid',
  category: 'invalid',
  method,
  path,
  namespace,
  reason: notUnderstood(problem),
});

const invalidResult = (
  method: string | null,
  path: string | null,
  namespace: string,
  problem: string,
): RequestClassification => result('invalid', 'invalid', method, path, namespace, notUnderstood(problem));

/** Why the legacy aliases need a backup although their modern paths are excluded (README, "Legacy aliases"). */
const LEGACY_NOTES: Partial<Record<Category, string>> = {
  'policies-legacy':
    ' (legacy alias of /sys/policies/acl; the rule excludes /sys/policies, not /sys/policy, so use sys/policies/acl to stay excluded)',
  'leases-legacy':
    ' (legacy alias of /sys/leases; the rule excludes /sys/leases, not this path, so use sys/leases/… to stay excluded)',
};

const EXCLUDED: ReadonlyMap<string, Category> = new Map(Object.entries(excludedFamilies));

/**
 * Classifies one HTTP request by the backup rule. Never throws: anything it cannot read with certainty is `invalid`.
 */
export function classifyRequest(rawMethod: string, rawPath: string, namespaceOption?: string): RequestClassification {
  currentInput = null;
  return classifyCore(rawMethod, rawPath, namespaceOption);
}

/** The same, as a whole Classification with `input` (built in one step: this is the hot path of `classify`). */
export function classifyRequestAs(
  input: string,
  rawMethod: string,
  rawPath: string,
  namespaceOption?: string,
): Classification {
  currentInput = input;
  try {
    return classifyCore(rawMethod, rawPath, namespaceOption) as Classification;
  } finally {
    currentInput = null;
  }
}

function classifyCore(rawMethod: string, rawPath: string, namespaceOption?: string): RequestClassification {
  const upper = rawMethod.toUpperCase();
  const norm = normalisePath(rawPath, namespaceOption);
  if (!METHODS.has(upper)) {
    return invalidResult(
      rawMethod,
      rawPath,
      namespaceOption ?? '',
      `${JSON.stringify(rawMethod)} is not a method Vault accepts (GET, LIST, HEAD, POST, PUT, PATCH, DELETE)`,
    );
  }
  if (!norm.ok) return invalidResult(upper, rawPath, namespaceOption ?? '', norm.problem);

  const method: HttpMethod = upper === 'GET' && norm.list ? 'LIST' : (upper as HttpMethod);
  const { segments, namespace, start } = norm;
  const path = norm.text;

  if (!norm.isSys) {
    if (norm.variableAt === 0) {
      return invalidResult(
        method,
        path,
        namespace,
        `the path ${path} starts with an unexpanded variable, which could be sys/ or a namespace`,
      );
    }
    return result(
      'not-sys',
      'logical',
      method,
      path,
      namespace,
      `${method} ${path} is not under /sys; the backup rule covers only the /sys API.`,
    );
  }

  if (norm.variableAt === 0) {
    return invalidResult(
      method,
      path,
      namespace,
      `the /sys family of ${path} is an unexpanded variable, so whether it needs a backup cannot be known`,
    );
  }
  const isWriteMethod = !READ_METHODS.has(method);
  const family = segments[start];
  const excluded = family === undefined ? undefined : EXCLUDED.get(family);

  if (excluded !== undefined) {
    const category = excluded;
    if (!isWriteMethod || excludedReadCatalogue().match(segments, start) !== null) {
      return result(
        'read-only',
        category,
        method,
        path,
        namespace,
        `${method} ${path} only reads (under the excluded /sys/${family}); the backup rule covers writes.`,
      );
    }
    return result(
      'excluded',
      category,
      method,
      path,
      namespace,
      `${method} ${path} writes under /sys/${family}, which the backup rule excludes.`,
    );
  }

  const entry = segments.length > start ? sysCatalogue().match(segments, start) : null;
  if (entry === null) {
    return result(
      'backup-first',
      'unknown-sys',
      method,
      path,
      namespace,
      `${method} ${path} is not in the /sys catalogue, so it is treated as a write that needs a backup first (fail closed): ${RULE}.`,
    );
  }

  let writes = entry.writes.has(method) || (isWriteMethod && !entry.reads.has(method));
  let why = '';
  if (!writes && entry.p === 'billing/overview' && isGoTrue(norm.query.get('refresh_data'))) {
    writes = true;
    why = ' (refresh_data=true recalculates and stores billing metrics)';
  } else if (entry.note && (writes ? !isWriteMethod : isWriteMethod)) {
    why = ` (${entry.note})`;
  }
  if (!writes) {
    return result(
      'read-only',
      entry.c,
      method,
      path,
      namespace,
      `${method} ${path} only reads${why}; the backup rule covers writes.`,
    );
  }
  const category = entry.wc ?? entry.c;
  why ||= LEGACY_NOTES[category] ?? '';
  return result(
    'backup-first',
    category,
    method,
    path,
    namespace,
    `${method} ${path} writes to /sys (${category})${why}: ${RULE}.`,
  );
}
