/**
 * The `GOSUMDB` value clients set for modgate's own database: its verifier key and the URL
 * where modgate serves it, `<name>+<hash>+<keydata> <base URL>/sumdb/<name>`. With the URL
 * the go command goes straight there (whatever GOPROXY says); the key alone also works when
 * GOPROXY's first entry is this modgate (it answers `/sumdb/<name>/supported`).
 */
export function gosumdbValue(verifierKey: string, name: string, baseUrl: string): string {
  return `${verifierKey} ${baseUrl.replace(/\/+$/, '')}/sumdb/${name}`;
}

/**
 * modgate's URL as clients reach it when `sumdb.server.url` is not set: `http://<listen
 * address>`, with `hostName` for the unspecified addresses (0.0.0.0, ::), which no client can
 * dial.
 */
export function defaultClientUrl(host: string, port: number, hostName: string): string {
  const h = host === '0.0.0.0' || host === '::' || host === '' ? hostName : host;
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
}
