import type { DoctorContext } from './doctor-context.js';
import type { Finding, Layer } from './finding.js';

/**
 * One diagnosis. A check looks at one thing (one file per check), returns its findings — at
 * least one, so the report shows what was confirmed as well as what failed — and never throws
 * for a problem on the machine (that is a finding); a throw means doctor itself could not run
 * (exit status 2). Checks run concurrently within a layer; each bounds its own probes by
 * `ctx.probeTimeoutMs` and `ctx.signal`.
 */
export interface Check {
  /** `<layer>.<name>`, stable: it is the `check` field of the JSON output. */
  id: string;
  layer: Layer;
  /** True when it opens connections; `--offline` skips it with a skip finding. */
  network: boolean;
  run(ctx: DoctorContext): Promise<Finding[]>;
}
