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
    throw new PlanError(
      `${shown} is not JSON; a binary plan file must be turned into JSON first: terraform show -json PLANFILE > ${shown}`,
    );
  }
  return classifyPlan(json, shown);
}
