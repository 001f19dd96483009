/**
 * What one doctor check found. A finding says what is wrong (or right), why it matters and the
 * exact lines that fix it; the report groups findings by layer in the order failures happen
 * (the go command's environment, the module's needs, the network, credentials, end to end,
 * agreement with the company's modgate). `--json` prints these objects as they are: the field
 * names are the documented schema, so rename nothing without a schema version bump.
 *
 * Secrets never go into a finding: a .netrc password, a token in a URL (use
 * protocol/redact-url), a private key. Private module paths may appear — the report stays on
 * this machine.
 */

/** The layers of the report, in the order the report prints them. */
export const LAYERS = ['go', 'module', 'network', 'credentials', 'end-to-end', 'server'] as const;
export type Layer = (typeof LAYERS)[number];

/** ✓ ok, ! warn (works, but fragile or surprising), ✗ fail (will break a download), skip (not run, with the reason as summary). */
export type Status = 'ok' | 'warn' | 'fail' | 'skip';

/** A change `modgate doctor --fix` may apply: only `go env -w NAME=VALUE` (or -u when value is undefined). */
export interface GoEnvChange {
  name: string;
  /** The new value; undefined means `go env -u NAME`. */
  value: string | undefined;
}

export interface Finding {
  /** Stable id of the check that produced it, `<layer>.<name>`, e.g. `network.tls`. */
  check: string;
  layer: Layer;
  status: Status;
  /** What the finding is about, when a check looks at several things: a URL, a host, a module path, a variable. */
  subject?: string;
  /** One line: what is wrong, or what was confirmed. */
  summary: string;
  /** Why it matters for `go mod download` (fail and warn findings). */
  why?: string;
  /** The exact commands or lines that fix it, one per entry, ready to paste. */
  fix?: string[];
  /** Evidence, one line each (resolver and addresses, the certificate chain, the go command's error text). */
  details?: string[];
  /** The `go env -w` changes `--fix` may apply for this finding (shown before they are applied). */
  goEnvChanges?: GoEnvChange[];
}
