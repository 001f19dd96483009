/** Logging: pino, JSON by default, pretty on terminals; secrets redacted (see create-logger.ts). */
export { createLogger, setLogMixin, type Logger, type LoggerOptions } from './create-logger.js';
export { accessLogFor, type AccessEntry, type AccessLog, type TargetMemo } from './access-log.js';
export { LineSink, type LineDestination } from './line-sink.js';
export { createAuditLog, type AuditEntry, type AuditLog } from './audit-log.js';
