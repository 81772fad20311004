export { classifyPlan, PlanError, PlanSchema } from './plan.js';
export { readPlanFile } from './plan-file.js';
export {
  classifyTerraformChanges,
  yamlLookup,
  type TfFileChange,
  type TfDiffOptions,
  type UpgradeWatch,
} from './tf-diff.js';
export { classifyGitRange, classifyCommits, parseRange, GitRangeError } from './git-range.js';
export { RESOURCE_SPECS, resourceKind } from './resources.js';
export { loadHcl, parseHcl, parseTfJson, type HclBlock, type HclValue } from './hcl.js';
