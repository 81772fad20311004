export * from './classify/index.js';
export * from './snapshot/index.js';
