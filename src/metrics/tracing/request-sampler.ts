import { SpanKind, type Context } from '@opentelemetry/api';
import {
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace-base';

/**
 * The root sampler (under ParentBased): a request's server span is always recorded, because
 * RequestTracing already drew its sampling decision at `sampleRatio` before making any span
 * (an unsampled request runs with tracing suppressed and costs next to nothing: the SDK's own
 * unsampled span costs about as much as a recorded one to start). Any other span without a
 * parent is sampled by its trace id at the same ratio.
 */
export class RequestSampler implements Sampler {
  private readonly others: TraceIdRatioBasedSampler;

  constructor(sampleRatio: number) {
    this.others = new TraceIdRatioBasedSampler(sampleRatio);
  }

  shouldSample(
    context: Context,
    traceId: string,
    _spanName: string,
    spanKind: SpanKind,
  ): SamplingResult {
    if (spanKind === SpanKind.SERVER) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    return this.others.shouldSample(context, traceId);
  }

  toString(): string {
    return `RequestSampler{${this.others.toString()}}`;
  }
}
