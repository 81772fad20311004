import { describe, expect, it } from 'vitest';
import {
  renderGithub,
  renderGithubSummary,
  renderGitlab,
  renderJunit,
  renderSarif,
  reportFromClassifications,
  reportFromDecision,
  type Report,
} from '../../src/report/index.js';
import { expectGolden } from '../golden/golden.js';
import { decisions, runbook } from './decisions.js';

const tool = { name: 'vault-change-gate', version: '0.0.0-golden' };
const formats: [extension: string, render: (r: Report) => string][] = [
  ['sarif', (r) => renderSarif(r, tool)],
  ['junit.xml', renderJunit],
  ['github', renderGithub],
  ['summary.md', renderGithubSummary],
  ['gitlab.json', renderGitlab],
];

describe('golden: CI formats of fixed decisions', () => {
  for (const [name, decide] of decisions) {
    it.each(formats)(`ci-${name} as %s`, (extension, render) => {
      expectGolden(`ci-${name}`, render(reportFromDecision(decide())), extension);
    });
  }
  it.each(formats)('ci-classify-runbook as %s', (extension, render) => {
    expectGolden('ci-classify-runbook', render(reportFromClassifications(runbook())), extension);
  });

  it('the decisions cover go, warned, no-go and invalid', () => {
    const verdicts = decisions.map(([, d]) => d());
    expect(verdicts.map((d) => d.verdict)).toEqual(['go', 'no-go', 'go', 'no-go', 'no-go']);
    expect(verdicts[2]?.operations.some((o) => o.status === 'warned')).toBe(true);
    expect(verdicts[4]?.operations.some((o) => o.verdict === 'invalid')).toBe(true);
  });
});
