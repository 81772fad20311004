export { classify, classifyMany, type ClassifyOptions } from './classify.js';
export { classifyScript } from './runbook.js';
export { classifyRequest, RULE } from './request.js';
export { classifyUpgrade } from './upgrade.js';
export { compareVersions, parseVersion, type VaultVersion } from './version.js';
export { categoryInfo } from './categories.js';
export * from './schema.js';
