import type { Config } from '../config/index.js';
import type { ClientConfig } from '../doctor/doctor-context.js';
import { KNOWN_GOSUMDB } from '../sumdb/gosumdb-config.js';
import { defaultClientUrl } from '../sumdb/server/index.js';

export interface ClientConfigOptions {
  /** This machine's host name, for a listen address no client can dial (0.0.0.0, ::). */
  hostName: string;
  /**
   * The GOSUMDB value of modgate's own checksum database (app/server-sumdb-key), when
   * `sumdb.server.enabled` and clients should verify against it rather than the first of
   * `sumdb.databases`.
   */
  ownGosumdb?: string;
  /** The listener speaks HTTPS (`tls.*`): a URL derived from the listen address is https://. */
  https?: boolean;
  /** Whether clients must authenticate for some modules (a users file is configured). */
  credentials?: boolean;
}

/**
 * What `GET /.well-known/modgate/client-config` answers (JSON), from the loaded configuration:
 * the settings a developer machine needs to use this modgate, which `modgate doctor --server`
 * compares with the machine and turns into `go env -w` lines.
 *
 * - `url`: `server.public_url`, else `sumdb.server.url`, else `http://<listen address>`;
 * - `goproxy`: `<url>,off` — modgate fetches everything itself (upstreams, direct git), and
 *   `off` keeps a 404 from sending the lookup anywhere else;
 * - `private`: the `private` patterns, for clients' GONOSUMDB (modgate serves those modules,
 *   so GONOPROXY must not name them); none with modgate's own database, which logs private
 *   modules too (README "A checksum database for private modules");
 * - `gosumdb`: modgate's own database when given, else the first of `sumdb.databases` — by
 *   name or key alone when modgate proxies it under /sumdb/ (the go command then reaches it
 *   through GOPROXY), as configured (with its URL) otherwise; `` when none is configured;
 * - `credentials`: whether modgate authenticates clients (`auth.users_file`; issue 14): a
 *   client then needs a `.netrc` entry for the server's host.
 */
export function clientConfig(config: Config, options: ClientConfigOptions): ClientConfig {
  const url =
    config.server.publicUrl ||
    config.sumdbServer.url.replace(/\/+$/, '') ||
    defaultClientUrl(config.listen.host, config.listen.port, options.hostName).replace(
      /^http:/,
      options.https === true ? 'https:' : 'http:',
    );
  return {
    url,
    goproxy: `${url},off`,
    // modgate's own database logs private modules too: clients then need no GONOSUMDB.
    private: options.ownGosumdb === undefined ? config.private : '',
    gosumdb: options.ownGosumdb ?? clientGosumdb(config),
    credentials: options.credentials === true,
  };
}

function clientGosumdb(config: Config): string {
  const first = config.sumdb.databases[0];
  if (first === undefined || first.trim() === '') return '';
  if (!config.sumdb.proxy) return first.trim().split(/\s+/).join(' ');
  const key = first.trim().split(/\s+/)[0] ?? '';
  // The go command knows sum.golang.org's key by name: the short form is what users expect.
  const name = key.split('+')[0] ?? key;
  return KNOWN_GOSUMDB[name] === key ? name : key;
}
