/**
 * A client's persistent cache of authenticated database files (the go command's
 * `$GOMODCACHE/cache/download/sumdb/<name>/`): `lookup/<escaped path>@<escaped version>`
 * answers and full `tile/<H>/<L>/<NNN>` tiles. Only content the client has verified is put
 * here, and what is read back is trusted: the cache must be as safe as the module files
 * modgate serves.
 *
 * `get` resolves null for a missing file; failures of either call may reject (the client
 * treats a failed read as a miss and a failed write as "not cached").
 */
export interface SumdbCache {
  get(file: string): Promise<Buffer | null>;
  put(file: string, data: Buffer): Promise<void>;
}
