import { readFile } from 'node:fs/promises';
import type { Classification } from '../classify/schema.js';
import { classifyPlan, PlanError } from './plan.js';
import { fsErrorWords } from '../shared/fs-errors.js';

/** Reads and classifies a plan JSON file; PlanError (one sentence) when it cannot be read as one. */
export async function readPlanFile(full: string, shown = full): Promise<Classification[]> {
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (error) {
    throw new PlanError(`cannot read the plan ${shown}: ${fsErrorWords(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Never suggest writing over the file given: with --plan tfplan, "> tfplan" would destroy the plan itself.
    const out = shown.endsWith('.json') ? shown.replace(/\.json$/, '.plan.json') : `${shown}.json`;
    throw new PlanError(
      `${shown} is not JSON; turn a binary plan into JSON first (into another file): ` +
        `terraform show -json ${shown} > ${out}, then use --plan ${out}`,
    );
  }
  return classifyPlan(json, shown);
}
