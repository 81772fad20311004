import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { classifyScript } from '../../src/index.js';
import {
  renderGithub,
  renderGithubSummary,
  renderGitlab,
  renderJunit,
  renderSarif,
  reportFromClassifications,
} from '../../src/report/index.js';
import { SUMMARY_ROWS } from '../../src/report/github.js';

/** Runbook text and file names are the user's: none of it may forge a workflow command, break XML or a table. */
const FILES = ['runbooks/a,b:c.sh', 'runbooks/new\nline.sh', 'runbooks/%0A::error::x.sh', 'runbooks/ünï cödé.sh'];
const SCRIPT = [
  'vault frobnicate "x\n::error file=evil::forged"',
  "vault write sys/mounts/kv type=kv '\u001b]8;;http://evil\u0007'",
  'vault operator rekey -init # ]]></failure><failure>',
  'vault policy write "a|b`c" p.hcl',
  '',
].join('\n');

describe('hostile file names and runbook text', () => {
  const results = FILES.flatMap((file) => classifyScript(SCRIPT, { file }));
  const report = reportFromClassifications(results);
  const findings = report.operations.filter((o) => o.level !== null);

  it('GitHub: one workflow command line per finding, whatever the text; escapes decode to the file name', () => {
    const lines = renderGithub(report).trimEnd().split('\n');
    expect(lines).toHaveLength(findings.length);
    for (const line of lines) expect(line).toMatch(/^::(error|warning|notice) file=[^:]*,line=\d+,title=[^:]*::/);
    const decode = (s: string) =>
      s.replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%');
    const files = lines.map((l) => decode(/ file=([^,]*),/.exec(l)![1]!));
    expect([...new Set(files)]).toEqual(FILES);
  });

  it('JUnit: well-formed XML, every case back with its file, no control characters', () => {
    const xml = renderJunit(report);
    expect(XMLValidator.validate(xml)).toBe(true);
    // eslint-disable-next-line no-control-regex
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    const parsed = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (n) => ['testsuites', 'testsuite', 'testcase'].includes(n),
      htmlEntities: true, // numeric references (&#10;) too
    }).parse(xml);
    const suites = parsed.testsuites[0].testsuite as { name: string; testcase: unknown[] }[];
    expect(suites.map((s) => s.name)).toEqual(FILES);
    expect(suites.flatMap((s) => s.testcase)).toHaveLength(results.length);
  });

  it('SARIF and GitLab: JSON that parses back to the same findings; the summary table keeps its columns', () => {
    const sarif = JSON.parse(renderSarif(report, { name: 'vault-change-gate', version: '0' })) as {
      runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    const uris = sarif.runs[0]!.results.map((r) =>
      decodeURIComponent(r.locations[0]!.physicalLocation.artifactLocation.uri),
    );
    expect([...new Set(uris)]).toEqual(FILES);
    const gitlab = JSON.parse(renderGitlab(report)) as { location: { path: string } }[];
    expect(gitlab).toHaveLength(findings.length);
    const rows = renderGithubSummary(report)
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| |') && !l.startsWith('| ---'));
    expect(rows).toHaveLength(findings.length);
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length).toBe(7);
  });
});

describe('a job summary of a huge plan', () => {
  it(`stays far under GitHub's 1 MiB: at most ${SUMMARY_ROWS} rows, what blocks first, then how many more`, () => {
    const results = classifyScript(
      Array.from({ length: 20_000 }, (_, i) =>
        i % 1000 ? `vault secrets enable -path=m${i} kv` : 'vault frobnicate',
      ).join('\n'),
      { file: 'big.sh' },
    );
    const md = renderGithubSummary(reportFromClassifications(results));
    expect(md.length).toBeLessThan(256 * 1024);
    const rows = md.split('\n').filter((l) => /^\| (❌|⚠️|✅) \|/.test(l));
    expect(rows).toHaveLength(SUMMARY_ROWS);
    expect(rows.slice(0, 20).every((r) => r.startsWith('| ❌'))).toBe(true);
    expect(md).toContain(`… and ${20_000 - SUMMARY_ROWS} more findings`);
  });
});
