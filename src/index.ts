export * from './classify/index.js';
export * from './snapshot/index.js';
export * from './gate/index.js';
export * from './config/index.js';
export { findSnapshots } from './snapshot/find.js';
export * from './terraform/index.js';
export * from './vault/index.js';
