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
  // Most results of one report share a few files (a plan is one): each is encoded once.
  let uri = uris.get(file);
  if (uri === undefined) {
    uri = encodeUri(file);
    if (uris.size > 10_000) uris.clear();
    uris.set(file, uri);
  }
  return uri;
}
const uris = new Map<string, string>();

function encodeUri(file: string): string {
  const posix = file.replace(/\\/g, '/');
  const encoded = posix
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
  return posix.startsWith('/') ? `file://${encoded}` : encoded;
}

const q = JSON.stringify;

/** The result's locations as JSON text: file and line, and a plan resource's address as a logical location. */
function locations(c: Classification): string {
  const logical = c.address ? `"logicalLocations":[{"fullyQualifiedName":${q(c.address)},"kind":"resource"}]` : '';
  if (!c.file) return logical ? `,"locations":[{${logical}}]` : '';
  const region = c.line ? `,"region":{"startLine":${c.line}}` : '';
  const physical = `"physicalLocation":{"artifactLocation":{"uri":${q(artifactUri(c.file))}}${region}}`;
  return `,"locations":[{${physical}${logical ? `,${logical}` : ''}}]`;
}

/**
 * One result as JSON text, written field by field: a plan of 20,000 changes makes as many results, and building
 * an object for each only to serialise it costs as much again. Text from the operation goes through
 * JSON.stringify; rule ids, levels, verdicts, statuses and fingerprints are our own words of plain ASCII.
 */
function result(o: ReportOperation): string {
  const c = o.operation;
  const method = c.method ? `,"method":${q(c.method)}` : '';
  const path = c.path ? `,"path":${q(c.path)}` : '';
  const status = o.status ? `,"status":"${o.status}"` : '';
  return (
    `{"ruleId":"${o.ruleId}","level":"${o.level}","message":{"text":${q(o.message)}}${locations(c)},` +
    `"partialFingerprints":{"${FINGERPRINT_KEY}":"${o.fingerprint}"},` +
    `"properties":{"verdict":"${c.verdict}"${status}${method}${path},"namespace":${q(c.namespace)}}}`
  );
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
  const results = report.operations.filter((o) => o.level !== null).map((o) => `        ${result(o)}`);
  const text = JSON.stringify(log, null, 2);
  // The first occurrence is the placeholder: `results` comes before any text taken from the operations.
  const at = text.indexOf(`"${RESULTS}"`);
  const list = results.length ? `[\n${results.join(',\n')}\n      ]` : '[]';
  return `${text.slice(0, at)}${list}${text.slice(at + RESULTS.length + 2)}\n`;
}

/** Where the results go in the indented log. */
const RESULTS = '@@vault-change-gate results@@';
