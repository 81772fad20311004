export { BundleInputError, planBundle, type BundlePlan } from './collect.js';
export { BundleReadError, inspectBundle, timeFromName, type InspectBundleOptions } from './inspect.js';
export { saveBundle, unreinstallable, type SaveBundleOptions, type SaveBundleResult } from './save.js';
export { AgeKeyError, parseIdentityFile } from './age.js';
export { bundleFileName } from './write.js';
export * from './schema.js';
