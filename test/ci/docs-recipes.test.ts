import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { XMLValidator } from 'fast-xml-parser';
import { shellWords } from '../../src/classify/shell.js';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/shared.js';
import { buildSnapshot } from '../helpers/snapshot-writer.js';
import { tempDir } from '../helpers/tmp.js';
import { baseEnv, readYaml, runShell, toolPath } from './pipeline.js';

const doc = readFileSync(path.join(repoRoot, 'docs', 'ci.md'), 'utf8');
const blocks = (lang: string) =>
  [...doc.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] as string);
const action = readYaml('action.yml') as { inputs: Record<string, unknown> };
const template = readYaml('ci/gitlab/vault-change-gate.gitlab-ci.yml') as Record<string, { variables: object }>;

describe('docs/ci.md', () => {
  // Each example's exit code, and its output read back in the format it asks for.
  const examples = [...doc.matchAll(/^vault-change-gate (.*?)\s+# exit (\d)$/gm)].map(
    (m) => [m[1]!, Number(m[2])] as const,
  );
  const readBack: Record<string, (out: string) => void> = {
    sarif: (out) => expect((JSON.parse(out) as { version: string }).version).toBe('2.1.0'),
    junit: (out) => expect(XMLValidator.validate(out)).toBe(true),
    gitlab: (out) => expect(Array.isArray(JSON.parse(out))).toBe(true),
    github: (out) => expect(out).toMatch(/^::(error|warning|notice) /m),
  };
  it.each(examples)('vault-change-gate %s: exit %i, and its report reads back', async (line, code) => {
    const split = shellWords(line);
    if ('error' in split) throw new Error(split.error);
    const r = await runCli(split.words, { cwd: repoRoot });
    expect(r.code, r.stderr).toBe(code);
    const format = split.words[split.words.indexOf('--format') + 1] as string;
    if (code !== 2) readBack[format]!(r.stdout);
  });

  it('the plan recipe runs: terraform show -json, then check; the exit code decides, the SARIF is written', () => {
    const recipe = /<!-- recipe: plan -->\n```bash\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(recipe).toContain('terraform show -json plan.tfplan > plan.json');
    const tools = toolPath();
    // A stand-in terraform: `show -json FILE` prints the plan JSON, as the real one does.
    const plan = readFileSync(path.join(repoRoot, 'examples', 'terraform', 'plan.json'), 'utf8');
    writeFileSync(path.join(tools.bin, 'plan.json.fixture'), plan);
    writeFileSync(
      path.join(tools.bin, 'terraform'),
      '#!/bin/sh\n[ "$1 $2 $3" = "show -json plan.tfplan" ] || exit 64\n' +
        `cat "${path.join(tools.bin, 'plan.json.fixture')}"\n`,
    );
    chmodSync(path.join(tools.bin, 'terraform'), 0o755);
    const dir = tempDir('recipe-');
    writeFileSync(path.join(dir, 'plan.tfplan'), 'binary plan');
    mkdirSync(path.join(dir, 'backups'), { mode: 0o700 });
    const run = () => runShell(['bash', '-eo', 'pipefail'], recipe as string, dir, baseEnv(tools.bin));
    const sarif = () =>
      (
        JSON.parse(readFileSync(path.join(dir, 'vault-change-gate.sarif'), 'utf8')) as {
          runs: { results: { level: string }[] }[];
        }
      ).runs[0]!.results.map((r) => r.level);
    expect(run().code).toBe(1);
    expect(sarif()).toEqual(['error', 'error', 'error']);
    const snap = buildSnapshot({ takenAt: new Date(Date.now() - 60_000) });
    writeFileSync(path.join(dir, 'backups', 'vault.snap'), snap, { mode: 0o600 });
    expect(run().code).toBe(0);
    expect(sarif()).toEqual(['note', 'note', 'note']);
  });

  it('the GitHub workflows give the action only inputs it has', () => {
    let uses = 0;
    for (const block of blocks('yaml')) {
      const y = parse(block) as { jobs?: Record<string, { steps: { uses?: string; with?: object }[] }> };
      for (const job of Object.values(y.jobs ?? {}))
        for (const step of job.steps)
          if (step.uses?.startsWith('vault-change-gate/vault-change-gate@')) {
            uses++;
            for (const input of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(input);
          }
    }
    expect(uses).toBe(2);
  });

  it('the GitLab jobs extend the template with its own variables', () => {
    const known = Object.keys(template['.vault-change-gate']!.variables);
    let jobs = 0;
    for (const block of blocks('yaml')) {
      const y = parse(block) as Record<string, { extends?: string; variables?: object }>;
      for (const job of Object.values(y))
        if (job?.extends === '.vault-change-gate') {
          jobs++;
          for (const v of Object.keys(job.variables ?? {})) expect(known).toContain(v);
        }
    }
    expect(jobs).toBe(2);
  });
});
