export {
  ConfigError,
  CONFIG_FILE,
  findGitRoot,
  loadConfig,
  parseConfig,
  resolveConfigPath,
  type LoadedConfig,
} from './load.js';
export { ConfigSchema, DurationSchema, PolicyModeSchema, type Config, type PolicyMode } from './schema.js';
export { formatDuration, parseDuration } from './duration.js';
export { configJsonSchema } from './json-schema.js';
