import { doctorMessages, type DoctorTranslate } from '../../doctor-messages.js';
import type { Finding } from '../../finding.js';
import { NetworkFailure, STAGE_CHECK, dnsProblem, tcpProblem } from './network-failure.js';

/**
 * The finding a check reports when its probe failed at a stage an earlier check explains:
 * `skip`, saying what stopped it and which check has the diagnosis and the fix — so a host that
 * does not resolve is one failure, not five. undefined when the failure is at `own` stage (or a
 * later one) and the caller must diagnose it.
 */
export function earlierStageSkip(
  check: string,
  subject: string,
  error: unknown,
  own: NetworkFailure['stage'],
  timeoutMs: number,
  host: string,
  t: DoctorTranslate = doctorMessages('en'),
): Finding | undefined {
  if (!(error instanceof NetworkFailure)) return undefined;
  const order = ['dns', 'tcp', 'proxy', 'tls', 'http'];
  if (error.code === 'ABORTED') {
    return {
      check,
      layer: 'network',
      status: 'skip',
      subject,
      summary: t('network.stopped'),
    };
  }
  if (order.indexOf(error.stage) >= order.indexOf(own)) return undefined;
  const where = error.where ?? host;
  const problem =
    error.stage === 'dns'
      ? dnsProblem(error.code, where, timeoutMs, t)
      : error.stage === 'tcp'
        ? tcpProblem(error.code, where, timeoutMs, t)
        : error.message;
  return {
    check,
    layer: 'network',
    status: 'skip',
    subject,
    summary: t('network.earlier', { problem, check: STAGE_CHECK[error.stage] }),
  };
}
