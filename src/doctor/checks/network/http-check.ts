/**
 * network.http — one cheap GET per target, as the go command sends it, and what the answer
 * means for `go mod download`: a GOPROXY entry's `@v/list` of a public module (or its base URL),
 * the checksum database's `/latest`, a private host's go-get lookup (`?go-get=1`). 401/403: the
 * server is alive but wants credentials; 404/410 on a module path: not there (the go command
 * tries the next GOPROXY entry); 5xx: the server failed (a `,` after the entry stops the
 * download). Reports the time to first byte. The checksum database's route through the proxies
 * (`/sumdb/<name>/supported`) is sumdb-route.ts.
 */
import type { Check } from '../../check.js';
import type { DoctorContext } from '../../doctor-context.js';
import type { Finding } from '../../finding.js';
import { earlierStageSkip } from './earlier-stage.js';
import { goSystemRoots } from './go-system-roots.js';
import { goCredentials, type GoCredentials } from './go-credentials.js';
import { httpGet, type HttpAnswer } from './http-get.js';
import { errorCode, NetworkFailure } from './network-failure.js';
import { routedTargets, type RoutedTarget } from './network-targets.js';
import { sumdbRouteFindings } from './sumdb-route.js';
import { redactUrl } from '../../../protocol/redact-url.js';

const ID = 'network.http';

export const httpCheck: Check = {
  id: ID,
  layer: 'network',
  network: true,
  async run(ctx) {
    const findings = await Promise.all(routedTargets(ctx).map((t) => targetFinding(ctx, t)));
    findings.push(...(await sumdbRouteFindings(ctx)));
    if (findings.length === 0)
      return [{ check: ID, layer: 'network', status: 'skip', summary: 'no URL to fetch' }];
    return findings;
  },
};

async function targetFinding(ctx: DoctorContext, t: RoutedTarget): Promise<Finding> {
  const roots = await goSystemRoots(ctx.env);
  const shown = redactUrl(t.probe.href);
  if (t.probe.protocol === 'http:' && (t.probe.username !== '' || t.probe.password !== '')) {
    // cmd/go/internal/web: credentials go only over https.
    return {
      check: ID,
      layer: 'network',
      status: 'fail',
      subject: t.subject,
      summary: `the go command refuses to pass credentials to insecure URL ${t.subject}`,
      why: 'user:password in a plain-http GOPROXY URL would travel in clear text, so the go command fails every request to it',
      fix: [
        `go env -w GOPROXY=<the same list with https://${t.probe.host}${t.probe.pathname.replace(/\/$/, '')} and no user:password>   # and the credentials in ~/.netrc: machine ${t.probe.hostname} login <user> password <token>`,
      ],
    };
  }
  try {
    const credentials = await goCredentials(ctx, t.probe);
    const limits = { timeoutMs: ctx.probeTimeoutMs, signal: ctx.signal };
    const answer = await httpGet(t.probe, t.route, limits, roots.pems, credentials?.header);
    return interpret(t, answer, shown, credentials);
  } catch (error) {
    const skip = earlierStageSkip(ID, t.subject, error, 'http', ctx.probeTimeoutMs, t.probe.host);
    if (skip !== undefined) return skip;
    return httpFailure(ID, t.subject, shown, error, ctx.probeTimeoutMs);
  }
}

/** A failure at the HTTP stage: no answer in time, or a broken answer. */
export function httpFailure(
  check: string,
  subject: string,
  shown: string,
  error: unknown,
  timeoutMs: number,
): Finding {
  const timedOut = error instanceof NetworkFailure && error.code === 'TIMEOUT';
  return {
    check,
    layer: 'network',
    status: 'fail',
    subject,
    summary: timedOut
      ? `GET ${shown}: connected, but no HTTP answer within ${timeoutMs} ms (the server hangs, or something in the way holds the connection)`
      : `GET ${shown} failed: ${error instanceof Error ? error.message : String(error)} (${errorCode(error)})`,
    why: 'the go command waits on this server and then fails the download (a "," after a GOPROXY entry stops there)',
    fix: [`curl -v --max-time 30 '${shown}'   # the same request, to see where it stops`],
  };
}

function interpret(
  t: RoutedTarget,
  a: HttpAnswer,
  shown: string,
  credentials: GoCredentials | undefined,
): Finding {
  const base = { check: ID, layer: 'network' as const, subject: t.subject };
  const timing = `${a.firstByteMs} ms to first byte`;
  const line = `HTTP ${a.status}${a.statusText !== '' ? ' ' + a.statusText : ''}`;
  const details = [`GET ${shown}: ${line}, ${timing}`, `for: ${t.role}`];
  const host = t.probe.host;
  if ((a.status === 401 || a.status === 403) && credentials !== undefined) {
    return {
      ...base,
      status: 'fail',
      summary: `${t.subject} refuses the credentials from ${credentials.source} (${line})`,
      why: 'the go command sends exactly these credentials, so every request to this server fails',
      fix:
        credentials.source === 'the URL'
          ? [
              '# put a valid user:password in the GOPROXY URL, or better in ~/.netrc (go env -w GOPROXY=<the URL without user:password>)',
            ]
          : [
              `# renew the token or password of machine ${t.probe.hostname} in ${credentials.source.replace(/ \(machine .*\)$/, '')} (keep it chmod 600)`,
            ],
      details,
    };
  }
  if (a.status === 401 || a.status === 403) {
    return {
      ...base,
      status: 'warn',
      summary: `${t.subject} is alive but wants credentials (${line})`,
      why: 'the go command sends credentials only from ~/.netrc (or user:password in the URL); without an accepted entry every request fails with this status (see the credentials checks)',
      fix: [
        `# add to ~/.netrc (then chmod 600 ~/.netrc): machine ${t.probe.hostname} login <user> password <token>`,
      ],
      details,
    };
  }
  if (a.status >= 500) {
    return {
      ...base,
      status: 'fail',
      summary: `${t.subject} answers with a server error (${line})`,
      why:
        t.kind === 'goproxy'
          ? 'after a "," the go command stops at this error; only a "|" after the entry lets it try the next one'
          : 'the go command fails on a server error',
      fix:
        t.kind === 'goproxy'
          ? [
              `# the server at ${host} is failing: tell its operators, or fall through on errors: go env -w GOPROXY=<this entry>|<next entry>`,
            ]
          : [`# the server at ${host} is failing: tell its operators`],
      details,
    };
  }
  if (a.status === 404 || a.status === 410) {
    if (t.kind === 'goproxy' && t.namesModule !== true) {
      return {
        ...base,
        status: 'ok',
        summary: `${t.subject} is alive (${line} for the base URL, ${timing})`,
        details,
      };
    }
    if (t.kind === 'goproxy') {
      return {
        ...base,
        status: 'warn',
        summary: `${t.subject} does not have ${t.probe.pathname.replace(/^\/|\/@v\/list$/g, '')} (${line}): the go command tries the next GOPROXY entry`,
        why: 'a proxy without the public modules the go.mod needs sends every download to the next entry (or fails at the end of the list)',
        fix: [`# check the GOPROXY URL (a path prefix missing?): go env GOPROXY`],
        details,
      };
    }
    return {
      ...base,
      status: t.kind === 'git-host' ? 'warn' : 'fail',
      summary:
        t.kind === 'git-host'
          ? `${t.subject} has no ${t.modules?.[0] ?? 'such path'} (${line}): a wrong module path, or a private repository the host hides without credentials`
          : `${t.subject} is not a checksum database (${line} for /latest)`,
      why:
        t.kind === 'git-host'
          ? 'the go command cannot find the repository of the module'
          : 'the go command cannot verify downloads against the checksum database',
      fix:
        t.kind === 'git-host'
          ? [
              `# check the module path's case and spelling in go.mod; for a private repository add a ~/.netrc entry for ${t.probe.hostname}`,
            ]
          : ['go env GOSUMDB   # check the URL part of "name key url"'],
      details,
    };
  }
  if (t.kind === 'git-host' && a.status === 200) {
    const meta = /<meta\s+name=["']?go-import["']?\s+content=["']([^"']*)["']/i.exec(a.body)?.[1];
    if (meta !== undefined) details.push(`go-import: ${redactUrl(meta)}`);
  }
  const location = a.headers.location;
  if (a.status >= 300 && a.status < 400 && typeof location === 'string') {
    details.push(
      `redirects to ${redactUrl(location)} (the go command follows redirects: that server must answer too)`,
    );
  }
  return { ...base, status: 'ok', summary: `${t.subject} answers ${line} (${timing})`, details };
}
