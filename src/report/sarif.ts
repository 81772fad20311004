import type { Classification } from '../classify/schema.js';
import type { Report, ReportOperation } from './model.js';
import { allRules, TOOL_URI, STORAGE_DOCS } from './rules.js';

export interface Tool {
  readonly name: string;
  readonly version: string;
}

/** The key of our partial fingerprint; versioned so a change of the recipe is a new key, not a silent shift. */
export const FINGERPRINT_KEY = 'vaultChangeGate/v1';

/** A path as a SARIF uri-reference: relative ones stay relative (code scanning wants repository paths). */
export function artifactUri(file: string): string {
  const posix = file.replace(/\\/g, '/');
  const encoded = posix
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
  return posix.startsWith('/') ? `file://${encoded}` : encoded;
}

function location(c: Classification): unknown[] | undefined {
  const logical = c.address ? { logicalLocations: [{ fullyQualifiedName: c.address, kind: 'resource' }] } : {};
  if (!c.file) return c.address ? [logical] : undefined;
  const region = c.line ? { region: { startLine: c.line } } : {};
  return [{ physicalLocation: { artifactLocation: { uri: artifactUri(c.file) }, ...region }, ...logical }];
}

function result(o: ReportOperation): unknown {
  const c = o.operation;
  const locations = location(c);
  return {
    ruleId: o.ruleId,
    level: o.level,
    message: { text: o.message },
    ...(locations ? { locations } : {}),
    partialFingerprints: { [FINGERPRINT_KEY]: o.fingerprint },
    properties: {
      verdict: c.verdict,
      ...(o.status ? { status: o.status } : {}),
      ...(c.method ? { method: c.method } : {}),
      ...(c.path ? { path: c.path } : {}),
      namespace: c.namespace,
    },
  };
}

/**
 * SARIF 2.1.0: one run; one result per operation that needs a backup or is refused. Findings about the evidence
 * (no line of any file) are the invocation's notifications, as code scanning refuses results without a location.
 */
export function renderSarif(report: Report, tool: Tool): string {
  const rules = allRules().map((r) => ({
    id: r.id,
    shortDescription: { text: r.short },
    fullDescription: { text: r.full },
    help: { text: r.help },
    helpUri: STORAGE_DOCS,
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            semanticVersion: tool.version,
            informationUri: TOOL_URI,
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: report.notices.map((n) => ({
              level: n.level,
              message: { text: n.message },
              associatedRule: { id: n.ruleId },
              ...(n.file
                ? { locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(n.file) } } }] }
                : {}),
            })),
          },
        ],
        results: RESULTS,
        properties: { command: report.command, passed: report.passed, headline: report.headline },
      },
    ],
  };
  // Results one per line, unindented: a plan of 20,000 changes makes as many, and indenting them would double the
  // file and the time to write it; the rest is indented for people.
  const results = report.operations.filter((o) => o.level !== null).map((o) => `        ${JSON.stringify(result(o))}`);
  const text = JSON.stringify(log, null, 2);
  // The first occurrence is the placeholder: `results` comes before any text taken from the operations.
  const at = text.indexOf(`"${RESULTS}"`);
  const list = results.length ? `[\n${results.join(',\n')}\n      ]` : '[]';
  return `${text.slice(0, at)}${list}${text.slice(at + RESULTS.length + 2)}\n`;
}

/** Where the results go in the indented log. */
const RESULTS = '@@vault-change-gate results@@';
