/** Logging: pino, JSON by default, pretty on terminals; secrets redacted (see create-logger.ts). */
export { createLogger, type Logger } from './create-logger.js';
export { redactUrl } from './redact-url.js';
