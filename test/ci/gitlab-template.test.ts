import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { baseEnv, readYaml, runShell, toolPath, workspace } from './pipeline.js';

const TEMPLATE = 'ci/gitlab/vault-change-gate.gitlab-ci.yml';
interface Job {
  image: string;
  variables: Record<string, string>;
  script: string[];
  artifacts: { when: string; reports: { codequality: string } };
}
const job = readYaml(TEMPLATE)['.vault-change-gate'] as Job;
const ws = workspace();
const tools = toolPath();
const report = path.join(ws.dir, job.artifacts.reports.codequality);

/** The job's script lines as one shell script (GitLab runs them in one shell, stopping at the first failure). */
function runJob(shell: 'sh' | 'bash', variables: Record<string, string>) {
  rmSync(report, { force: true });
  const env = {
    ...baseEnv(tools.bin),
    ...job.variables,
    GITLAB_CI: 'true',
    CI: 'true',
    CI_PROJECT_DIR: ws.dir,
    CI_COMMIT_SHA: ws.head,
    ...variables,
  };
  return runShell([shell, '-e'], `${job.script.join('\n')}\n`, ws.dir, env);
}

const issues = () =>
  JSON.parse(readFileSync(report, 'utf8')) as { check_name: string; severity: string; location: { path: string } }[];

describe(`the GitLab CI template (${TEMPLATE}), its script run under sh and bash with CI_* set`, () => {
  it('a hidden job to extend: variables, the Code Quality report kept even when the job fails', () => {
    expect(Object.keys(job.variables)).toEqual(
      expect.arrayContaining(['VCG_PLAN', 'VCG_GIT_RANGE', 'VCG_SNAPSHOT_DIR', 'VCG_FAIL_ON']),
    );
    expect(job.artifacts.when).toBe('always');
    expect(job.script.join('\n')).toContain(`--output ${job.artifacts.reports.codequality}`);
  });

  it.each(['sh', 'bash'] as const)('%s: a merge request pipeline judges its diff base..HEAD by default', (shell) => {
    const r = runJob(shell, { CI_MERGE_REQUEST_DIFF_BASE_SHA: ws.base, VCG_SNAPSHOT_DIR: ws.empty });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^NO-GO: /);
    expect(issues().map((i) => [i.check_name, i.severity, i.location.path])).toEqual([
      ['category/mounts', 'blocker', 'vault/mounts.tf'],
    ]);
  });

  it('a plan with a fresh snapshot: go, the report lists what the snapshot covers', () => {
    const r = runJob('sh', { VCG_PLAN: 'plan.json', VCG_SNAPSHOT_DIR: ws.fresh });
    expect(r.code, r.stderr).toBe(0);
    expect(issues().map((i) => i.severity)).toEqual(['info', 'info', 'info']);
  });

  it('VCG_FAIL_ON=never: a no-go is reported and the job passes', () => {
    expect(runJob('sh', { VCG_PLAN: 'plan.json', VCG_SNAPSHOT_DIR: ws.empty, VCG_FAIL_ON: 'never' }).code).toBe(0);
    expect(issues().map((i) => i.severity)).toEqual(['blocker', 'blocker', 'blocker']);
  });

  it('nothing to judge (no plan, no range, no merge request): exit 2 and one line, never a silent pass', () => {
    const r = runJob('sh', {});
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('vault-change-gate - set VCG_PLAN or VCG_GIT_RANGE');
    expect(existsSync(report)).toBe(false);
  });

  it('installs the package only where the image has no vault-change-gate', () => {
    runJob('sh', { VCG_PLAN: 'plan.json', VCG_SNAPSHOT_DIR: ws.fresh });
    expect(existsSync(tools.npmLog)).toBe(false);
    // A PATH with the fake npm and the system, but no vault-change-gate: the first line installs it.
    const npmOnly = tempDir('npm-only-');
    copyFileSync(path.join(tools.bin, 'npm'), path.join(npmOnly, 'npm'));
    const env = { ...baseEnv(tools.bin), PATH: `${npmOnly}:/usr/bin:/bin`, VCG_PACKAGE: 'vault-change-gate@0.1.0' };
    const r = runShell(['sh', '-e'], `${job.script[0]}\n`, ws.dir, env);
    expect(r.code).toBe(0);
    expect(readFileSync(tools.npmLog, 'utf8')).toBe(
      'npm install --global --no-audit --no-fund vault-change-gate@0.1.0\n',
    );
  });
});
