// Tracing (OpenTelemetry): set up from the configuration's `tracing` section by app, and the
// instrumentation points the layers call; each is one check when tracing is off.
// startTracing is imported from './start-tracing.js' where tracing is turned on: that module
// loads the OpenTelemetry SDK and exporter (several MB of memory), which a process with tracing
// off never needs.
export type { Tracing, TracingOptions } from './start-tracing.js';
export { RequestTracing, type EndedRequest } from './request-tracing.js';
export { inSpan } from './in-span.js';
export { traceOutbound, type OutboundOptions, type OutboundResponse } from './trace-outbound.js';
export { traceGitCommand, type GitCommandRun } from './git-command-span.js';
export { traceAnswerCacheLookup } from './answer-cache-span.js';
export { traceLogFields } from './trace-log-fields.js';
