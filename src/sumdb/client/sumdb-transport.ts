/**
 * Reads from one checksum database server: the client's only way to the network.
 *
 * `path` starts with `/lookup/`, `/tile/` or is `/latest`, exactly as the protocol names it
 * (already escaped); the transport turns it into a URL under the database's base URL.
 * Contract: resolves with the whole body of a 200 answer; rejects with a ModgateError of kind
 * `not-found` (or `gone`) for 404 (410), `timeout` when the server does not answer in time,
 * and `upstream` for every other status or transport failure. It enforces its own deadline
 * and size limit: answers are shared by concurrent callers, so no caller's signal cancels one.
 */
export interface SumdbTransport {
  get(path: string): Promise<Buffer>;
}
