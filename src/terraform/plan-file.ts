import { readFile } from 'node:fs/promises';
import type { Classification } from '../classify/schema.js';
import { classifyPlan, PlanError } from './plan.js';

/** Reads and classifies a plan JSON file; PlanError (one sentence) when it cannot be read as one. */
export async function readPlanFile(full: string, shown = full): Promise<Classification[]> {
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PlanError(`cannot read the plan ${shown}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (code ?? 'unreadable')}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PlanError(`${shown} is not JSON; a binary plan file must be turned into JSON first: terraform show -json PLANFILE > ${shown}`);
  }
  return classifyPlan(json, shown);
}
