import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { activeTracing } from './active-tracing.js';

/** What a finished git command reports (upstream/direct/git's GitCommandEvent has these). */
export interface GitCommandRun {
  readonly args: readonly string[];
  readonly class: string;
  readonly host?: string | undefined;
  readonly failure?: string | undefined;
  readonly exitCode: number | null;
  readonly durationMs: number;
  /** Epoch ms. */
  readonly startedAt: number;
}

/**
 * Records a finished git command as a span, for the git runner's observer (wired by app):
 * the observer is called in the async context of the call that ran the command, so the span
 * is a child of what caused it (an upstream attempt of a request), with the command's own
 * start and end times. Named `git <subcommand>`; the arguments are not recorded (only the
 * subcommand, its class and the remote's host). Nothing happens with tracing off.
 */
export function traceGitCommand(run: GitCommandRun): void {
  const t = activeTracing();
  if (t === undefined) return;
  const subcommand = run.args.find((a) => !a.startsWith('-') && !a.includes('=')) ?? 'git';
  const span = t.tracer.startSpan(
    `git ${subcommand}`,
    {
      kind: SpanKind.INTERNAL,
      startTime: run.startedAt,
      attributes: {
        'modgate.git.command': subcommand,
        'modgate.git.class': run.class,
        ...(run.host !== undefined ? { 'server.address': run.host } : {}),
        ...(run.exitCode !== null ? { 'process.exit.code': run.exitCode } : {}),
      },
    },
    t.contexts.active(),
  );
  if (run.failure !== undefined) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: run.failure });
  }
  span.end(run.startedAt + run.durationMs);
}
