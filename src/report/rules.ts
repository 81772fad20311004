import { categoryInfo } from '../classify/categories.js';
import { CategorySchema, type Category } from '../classify/schema.js';
import {
  RejectionCodeSchema,
  WarningCodeSchema,
  rejectionInfo,
  warningInfo,
  type CodeInfo,
  type RejectionCode,
  type WarningCode,
} from '../gate/codes.js';

/** Where Vault states the rule every finding rests on. */
export const STORAGE_DOCS = 'https://developer.hashicorp.com/vault/docs/concepts/storage#backups';
/** The tool's page, for SARIF's informationUri. */
export const TOOL_URI = 'https://github.com/vault-change-gate/vault-change-gate';

const RULE_WORDS =
  "Vault's storage docs advise taking a backup before, but not during, any write to the /sys API except " +
  '/sys/leases, /sys/namespaces, /sys/tools, /sys/wrapping, /sys/policies and /sys/pprof; upgrades and rekeys ' +
  `are named as examples (${STORAGE_DOCS}).`;

/** A rule as the CI formats list it: a stable id, one line, a paragraph, and help that cites the rule. */
export interface Rule {
  readonly id: string;
  readonly short: string;
  readonly full: string;
  readonly help: string;
}

export type EvidenceCode = WarningCode | RejectionCode;

// Ids are public: code scanning keys its alerts by them, so they never change once released.
const CATEGORY_RULE_IDS = new Map(CategorySchema.options.map((c) => [c, `category/${c}`]));
export const categoryRuleId = (category: Category): string => CATEGORY_RULE_IDS.get(category) as string;
export const evidenceRuleId = (code: EvidenceCode): string => `evidence/${code}`;

function categoryRule(category: Category): Rule {
  const info = categoryInfo[category];
  const what =
    category === 'invalid'
      ? 'Not understood: the gate cannot tell what the operation does, so it refuses it (fail closed).'
      : `Operations of the ${category} category: ${info.description} (e.g. \`${info.example}\`, ${info.verdict}).`;
  const todo =
    category === 'invalid'
      ? 'Rewrite the operation so the gate can read it (each finding says why it could not), or remove it.'
      : 'When it needs a backup: take a snapshot and verify it, then check again ' +
        '(vault operator raft snapshot save FILE; vault-change-gate check --snapshot FILE ...).';
  return {
    id: categoryRuleId(category),
    short: category === 'invalid' ? 'Vault operation not understood' : `Vault ${category}: ${info.description}`,
    full: what,
    help: `${what}\n\n${RULE_WORDS}\n\n${todo}`,
  };
}

function evidenceRule(code: EvidenceCode, info: CodeInfo): Rule {
  return {
    id: evidenceRuleId(code),
    short: info.title.charAt(0).toUpperCase() + info.title.slice(1),
    full: info.explanation,
    help: `${info.explanation} ${info.action}\n\n${RULE_WORDS}`,
  };
}

let all: readonly Rule[] | null = null;

/** Every rule, in a fixed order: one per category, then one per evidence finding code (warnings, rejections). */
export function allRules(): readonly Rule[] {
  all ??= [
    ...CategorySchema.options.map(categoryRule),
    ...WarningCodeSchema.options.map((c) => evidenceRule(c, warningInfo[c])),
    ...RejectionCodeSchema.options.map((c) => evidenceRule(c, rejectionInfo[c])),
  ];
  return all;
}
