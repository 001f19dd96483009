/**
 * Proxying checksum databases (go-modules-spec §6.9; cmd/go/internal/modfetch sumdb.go
 * initBase; https://go.dev/design/25530-sumdb#proxying-a-checksum-database).
 *
 * Unless GOSUMDB names a URL, the go command asks each GOPROXY entry for
 * `<proxy>/sumdb/<name>/supported`: a 200 sends all of that database's traffic
 * (`/lookup/<escaped path>@<escaped version>`, `/tile/<H>/<L>/<NNN>[.p/<W>]`) through the
 * proxy, with no fallback; 404/410 moves on to the next entry (or direct); anything else makes
 * the database unavailable. So an unknown name must be a 404, and a private module's lookup a
 * 403 — the go command stops, and the path never leaves the building.
 *
 * Request checks follow x/mod sumdb server.go: a lookup must match
 * `^[^@]+@v[0-9]+\.[0-9]+\.[0-9]+(-[^@]*)?(\+incompatible)?$` on its escaped form and unescape
 * cleanly; a tile path must be the canonical spelling. Everything served is first verified by
 * the database's SumdbClient (src/sumdb/client), which also does the caching.
 *
 * A database can also be modgate's own (`hosted`, src/sumdb/server): then lookups of private
 * module paths are answered too — from its own log, nothing leaves the building.
 */
export {
  handleSumdbRequest,
  type SumdbProxyDeps,
  type HostedSumdbBackend,
  type SumdbResponse,
} from './handle-sumdb-request.js';
export { parseSumdbPath, type SumdbRequest } from './sumdb-request.js';
