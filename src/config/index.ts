/**
 * Configuration: one schema (schema.ts) with defaults and validation, loaded from defaults <
 * YAML file < MODGATE_* environment < flags (load-config.ts), frozen. See
 * docs/configuration.md and modgate.example.yaml for every key.
 */
export type { Config, UpstreamResilience } from './config.js';
export { ConfigError, loadConfig, type LoadConfigOptions } from './load-config.js';
export { CONFIG_KEYS, envNameFor } from './config-keys.js';
export { configSchema } from './schema.js';
export { formatDuration, formatSize, parseDuration, parseSize } from './units.js';
