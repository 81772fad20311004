import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/shared.js';
import { tempDir } from '../helpers/tmp.js';
import { baseEnv, readYaml, runShell, toolPath, workspace, type StepRun } from './pipeline.js';

interface Step {
  name: string;
  id?: string;
  shell: string;
  run: string;
  env?: Record<string, string>;
}
interface Input {
  default?: string;
}
const action = readYaml('action.yml') as {
  inputs: Record<string, Input>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
};
const INPUTS = ['plan', 'git-range', 'snapshot-dir', 'format', 'fail-on'];

const ws = workspace();
const tools = toolPath();

/** The step's env as the runner would expand it: `${{ inputs.X }}` from the given inputs, else the defaults. */
function stepEnv(step: Step, inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(step.env ?? {})) {
    env[k] = v.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => {
      if (!(name in action.inputs)) throw new Error(`action.yml: unknown input ${name}`);
      return inputs[name] ?? action.inputs[name]?.default ?? '';
    });
  }
  return env;
}

/** Runs every step in order, as `shell: bash` does, with the GITHUB_* files of a runner; stops at a failing step. */
function runAction(
  inputs: Record<string, string>,
  actionPath = repoRoot,
): StepRun & { outputs: Record<string, string>; summary: string } {
  const runner = tempDir('runner-');
  const files = { GITHUB_OUTPUT: 'output', GITHUB_STEP_SUMMARY: 'summary', GITHUB_ENV: 'env', GITHUB_PATH: 'path' };
  const github: Record<string, string> = {
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: ws.dir,
    GITHUB_ACTION_PATH: actionPath,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_SHA: ws.head,
    GITHUB_BASE_REF: 'main',
    GITHUB_HEAD_REF: 'feature',
    RUNNER_TEMP: runner,
  };
  for (const [k, f] of Object.entries(files)) {
    github[k] = path.join(runner, f);
    writeFileSync(github[k] as string, '');
  }
  let last: StepRun = { code: 0, stdout: '', stderr: '' };
  let stdout = '';
  for (const step of action.runs.steps) {
    expect(step.shell).toBe('bash');
    last = runShell(['bash', '--noprofile', '--norc', '-eo', 'pipefail'], step.run, ws.dir, {
      ...baseEnv(tools.bin),
      ...github,
      ...stepEnv(step, inputs),
    });
    stdout += last.stdout;
    if (last.code !== 0) break;
  }
  const outputs = Object.fromEntries(
    readFileSync(github.GITHUB_OUTPUT as string, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { ...last, stdout, outputs, summary: readFileSync(github.GITHUB_STEP_SUMMARY as string, 'utf8') };
}

describe('action.yml (composite action), its steps run under bash with GITHUB_* set', () => {
  it('declares the inputs plan, git-range, snapshot-dir, format, fail-on, and pastes none into a script', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs)).toEqual(INPUTS);
    for (const step of action.runs.steps) expect(step.run, step.name).not.toContain('${{');
  });

  it('plan with a fresh snapshot, format sarif: a go, the SARIF file named as the report output', () => {
    const r = runAction({ plan: 'plan.json', 'snapshot-dir': ws.fresh, format: 'sarif' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^GO: /m);
    expect(r.outputs).toEqual({ report: 'vault-change-gate.sarif', 'exit-code': '0' });
    const log = JSON.parse(readFileSync(path.join(ws.dir, 'vault-change-gate.sarif'), 'utf8')) as {
      runs: { results: { level: string }[] }[];
    };
    expect(log.runs[0]!.results.map((x) => x.level)).toEqual(['note', 'note', 'note']);
  });

  it('plan without a snapshot, default format: annotations, a job summary, and the step fails (exit 1)', () => {
    const r = runAction({ plan: 'plan.json', 'snapshot-dir': ws.empty });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::error file=plan.json,title=vault-change-gate%3A vault_mount.team_kv (no-snapshot)::');
    // The text (which echoes the change's own words) is inert: commands are off around it, back on after it.
    const [, token] = /^::stop-commands::([0-9a-f-]{36})$/m.exec(r.stdout) ?? [];
    expect(token).toBeDefined();
    const text = r.stdout.slice(r.stdout.indexOf(`::stop-commands::${token}`), r.stdout.indexOf(`\n::${token}::\n`));
    expect(text).toMatch(/\nNO-GO: /);
    expect(r.stdout.indexOf(`\n::${token}::\n`)).toBeLessThan(r.stdout.indexOf('::error file='));
    expect(r.summary).toMatch(/^### vault-change-gate check: failed\n/);
    expect(r.outputs).toEqual({ report: '', 'exit-code': '1' });
  });

  it('fail-on never: the same no-go reports, and the step passes', () => {
    const r = runAction({ plan: 'plan.json', 'snapshot-dir': ws.empty, format: 'junit', 'fail-on': 'never' });
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(ws.dir, 'vault-change-gate.junit.xml'), 'utf8')).toContain(
      '<failure type="no-snapshot"',
    );
  });

  it("git-range of a pull request's base..head: the .tf change is judged, with file and line", () => {
    const r = runAction({ 'git-range': `${ws.base}..${ws.head}`, 'snapshot-dir': ws.empty, format: 'gitlab' });
    expect(r.code).toBe(1);
    const issues = JSON.parse(readFileSync(path.join(ws.dir, 'gl-code-quality-report.json'), 'utf8')) as {
      check_name: string;
      location: { path: string; lines: { begin: number } };
    }[];
    expect(issues.map((i) => [i.check_name, i.location.path, i.location.lines.begin])).toEqual([
      ['category/mounts', 'vault/mounts.tf', 1],
    ]);
  });

  it("neither plan nor git-range: an error annotation and exit 2; a bad format is the gate's usage error", () => {
    const none = runAction({});
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('::error title=vault-change-gate::give the plan input');
    const bad = runAction({ plan: 'plan.json', format: 'xml' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format must be one of');
  });

  it('inputs stay data: a plan path with quotes and $(...) runs nothing', () => {
    const marker = path.join(ws.dir, 'pwned');
    const r = runAction({ plan: `x"; touch ${marker}; echo "$(touch ${marker})`, 'git-range': `$(touch ${marker})` });
    expect(r.code).toBe(2);
    expect(existsSync(marker)).toBe(false);
  });

  it('several plans, one per line', () => {
    const r = runAction({ plan: 'plan.json\n\nplan.json\n', 'snapshot-dir': ws.fresh, format: 'json' });
    expect(r.code).toBe(0);
    const d = JSON.parse(readFileSync(path.join(ws.dir, 'vault-change-gate.json'), 'utf8')) as { operations: [] };
    expect(d.operations).toHaveLength(10);
  });

  it('set-up step: builds the action only where it has no build', () => {
    writeFileSync(tools.npmLog, '');
    runAction({ plan: 'plan.json', 'snapshot-dir': ws.fresh });
    expect(readFileSync(tools.npmLog, 'utf8')).toBe('');
    const bare = tempDir('action-');
    mkdirSync(path.join(bare, 'bin'));
    const r = runAction({ plan: 'plan.json' }, bare);
    expect(readFileSync(tools.npmLog, 'utf8')).toBe('npm ci --no-audit --no-fund\nnpm run build\n');
    expect(r.code).not.toBe(0); // the fake npm built nothing, so the gate cannot start: the step fails, never passes
  });
});
