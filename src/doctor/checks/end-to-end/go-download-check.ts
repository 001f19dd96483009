import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redactUrl } from '../../../protocol/redact-url.js';
import type { Check } from '../../check.js';
import type { DoctorContext, FetchedModule } from '../../doctor-context.js';
import type { Finding } from '../../finding.js';
import { runBounded } from '../../run-bounded.js';
import { classifyGoError } from './classify-go-error.js';

const ID = 'end-to-end.go-download';

/**
 * The proof that counts: `go mod download -json <module>@<version>` for one public and one
 * private module of the go.mod, by the real go command with this machine's settings (ctx.env:
 * GOPROXY, GOPRIVATE, proxies, .netrc, git config …) but a throwaway module cache (GOMODCACHE in
 * a temp directory, -modcacherw so it can be removed) and run outside the project (its go.mod
 * and go.sum are not touched). A failure's text is matched against the other layers
 * (classify-go-error.ts) to say whose findings to read.
 */
export const goDownloadCheck: Check = {
  id: ID,
  layer: 'end-to-end',
  network: true,
  async run(ctx) {
    if (ctx.go === undefined) return [skip(ctx.t('e2e.no-go'))];
    const fetched = ctx.module?.fetched ?? [];
    if (ctx.module === undefined) return [skip(ctx.t('e2e.no-module'))];
    const pub = fetched.find((m) => !m.noProxy);
    const priv = fetched.find((m) => m.noProxy);
    if (pub === undefined && priv === undefined) return [skip(ctx.t('e2e.nothing'))];
    const base = await mkdtemp(join(ctx.env.TMPDIR ?? tmpdir(), 'modgate-doctor-e2e-')).catch(
      (error: NodeJS.ErrnoException) => error,
    );
    if (base instanceof Error) {
      return [skip(ctx.t('e2e.no-temp', { error: base.code ?? base.message }))];
    }
    try {
      const probes: Promise<Finding>[] = [];
      if (pub !== undefined) probes.push(download(ctx, pub, 'public', join(base, 'public')));
      if (priv !== undefined) probes.push(download(ctx, priv, 'private', join(base, 'private')));
      const findings = await Promise.all(probes);
      if (pub === undefined) findings.unshift(skip(ctx.t('e2e.no-public')));
      if (priv === undefined) findings.push(skip(ctx.t('e2e.no-private')));
      return findings;
    } finally {
      await rm(base, { recursive: true, force: true }).catch(() => undefined);
    }
  },
};

async function download(
  ctx: DoctorContext,
  m: FetchedModule,
  kind: 'public' | 'private',
  modcache: string,
): Promise<Finding> {
  const target = `${m.path}@${m.version}`;
  const timeoutMs = ctx.probeTimeoutMs * 2;
  const goflags = [ctx.go?.env.GOFLAGS ?? ctx.env.GOFLAGS ?? '', '-modcacherw'].join(' ').trim();
  const r = await runBounded(ctx.go?.binary ?? 'go', ['mod', 'download', '-json', target], {
    cwd: join(modcache, '..'),
    env: { ...ctx.env, GOMODCACHE: modcache, GOFLAGS: goflags, GIT_TERMINAL_PROMPT: '0' },
    timeoutMs,
    signal: ctx.signal,
  });
  const t = ctx.t;
  const route =
    kind === 'private'
      ? t('e2e.route.private')
      : t('e2e.route.public', { goproxy: redactUrl(ctx.go?.env.GOPROXY ?? '') });
  const shownKind = t(`e2e.kind.${kind}`);
  if (r.code === 0 && !r.timedOut) {
    return {
      check: ID,
      layer: 'end-to-end',
      status: 'ok',
      subject: target,
      summary: t('e2e.ok', { kind: shownKind, route }),
    };
  }
  const text = r.timedOut ? '' : errorText(r.stdout, r.stderr);
  const details = redactUrl(text)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(0, 8);
  if (r.timedOut) {
    return {
      check: ID,
      layer: 'end-to-end',
      status: 'fail',
      subject: target,
      summary: t('e2e.timeout', { kind: shownKind, ms: timeoutMs }),
      why: t('e2e.timeout.why'),
      fix: [t('e2e.timeout.fix')],
    };
  }
  const layer = classifyGoError(text);
  return {
    check: ID,
    layer: 'end-to-end',
    status: 'fail',
    subject: target,
    summary:
      layer === undefined
        ? t('e2e.unexplained', { kind: shownKind })
        : t('e2e.failed', {
            kind: shownKind,
            cause: t(layer.cause),
            layer: t(`e2e.layer.${layer.layer}`),
            checks: layer.checks.join(', '),
          }),
    why: t('e2e.failed.why'),
    ...(layer === undefined
      ? {}
      : {
          fix: [
            t('e2e.failed.fix', {
              layer: t(`e2e.layer.${layer.layer}`),
              checks: layer.checks.join(', '),
            }),
          ],
        }),
    details,
  };
}

/** The `Error` of `go mod download -json` (stdout), else stderr. */
function errorText(stdout: string, stderr: string): string {
  const errors: string[] = [];
  for (const m of stdout.matchAll(/"Error":\s*("(?:[^"\\]|\\.)*")/g)) {
    try {
      errors.push(JSON.parse(m[1] ?? '""') as string);
    } catch {
      // not JSON after all
    }
  }
  return [...errors, stderr.trim()].filter((t) => t !== '').join('\n');
}

function skip(summary: string): Finding {
  return { check: ID, layer: 'end-to-end', status: 'skip', summary };
}
