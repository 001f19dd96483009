/**
 * The `GOSUMDB` value clients set for modgate's own database: its verifier key and the URL
 * where modgate serves it, `<name>+<hash>+<keydata> <base URL>/sumdb/<name>`. With the URL
 * the go command goes straight there (whatever GOPROXY says); the key alone also works when
 * GOPROXY's first entry is this modgate (it answers `/sumdb/<name>/supported`).
 */
export function gosumdbValue(verifierKey: string, name: string, baseUrl: string): string {
  return `${verifierKey} ${baseUrl.replace(/\/+$/, '')}/sumdb/${name}`;
}
