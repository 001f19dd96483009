import type { GoEnvLineView, SetupView } from './dashboard-data.js';

/**
 * What the client-configuration endpoint (app/client-config.ts,
 * `/.well-known/modgate/client-config`) tells a principal: the setup page shows the same
 * settings, so `modgate doctor --server` and the page never disagree.
 */
export interface ClientSettings {
  /** The URL clients use; undefined: not configured (`server.public_url`), use the browser's. */
  configuredUrl?: string | undefined;
  /** GONOSUMDB patterns for this principal ('' when none, or not theirs to see). */
  private: string;
  /** The GOSUMDB value ('' when none is configured). */
  gosumdb: string;
  /** Whether clients authenticate (a .netrc entry for the host). */
  credentials: boolean;
}

/**
 * The lines that point a developer machine at this server:
 * - `GOPROXY=<url>,off` — modgate fetches everything itself; `off` keeps a 404 local;
 * - `GONOSUMDB=<private patterns>` — not GOPRIVATE, which would also set GONOPROXY and make
 *   the go command fetch those modules directly instead of from modgate;
 * - `GOSUMDB=<database>` when one is configured;
 * - a `.netrc` line when authentication is on: host and login (the principal's user, else a
 *   placeholder) and a placeholder for the password — a password is never shown;
 * - `modgate doctor --server <url>`, which checks all of it on the machine.
 */
export function setupView(
  settings: ClientSettings,
  user: string | undefined,
  baseUrl: string,
): SetupView {
  const url = (settings.configuredUrl ?? baseUrl).replace(/\/+$/, '');
  const goEnv: GoEnvLineView[] = [line('GOPROXY', `${url},off`)];
  if (settings.private !== '') goEnv.push(line('GONOSUMDB', settings.private));
  if (settings.gosumdb !== '') goEnv.push(line('GOSUMDB', settings.gosumdb));
  const view: SetupView = { url, goEnv, doctor: `modgate doctor --server ${shellWord(url)}` };
  if (settings.credentials) {
    const host = hostOf(url);
    view.netrc = `machine ${host} login ${user ?? '<user>'} password <your password or token>`;
  }
  return view;
}

function line(name: string, value: string): GoEnvLineView {
  return { name, value, command: `go env -w ${shellWord(`${name}=${value}`)}` };
}

/** A word for a POSIX shell: as it is when it has nothing the shell reads, else single-quoted. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}
