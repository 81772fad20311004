/** The CI report formats: a neutral report built from a decision or classifications, and its renderers. */
export {
  classificationsWarn,
  reportFromClassifications,
  reportFromDecision,
  decisionWarned,
  type Level,
  type Report,
  type ReportNotice,
  type ReportOperation,
} from './model.js';
export { allRules, categoryRuleId, evidenceRuleId, STORAGE_DOCS, type Rule } from './rules.js';
export { FINGERPRINT_KEY, renderSarif, type Tool } from './sarif.js';
export { renderJunit } from './junit.js';
export { renderGithub, renderGithubSummary } from './github.js';
export { renderGitlab } from './gitlab.js';
