// RepoResolver against a go-get meta server on 127.0.0.1 (see go-get-server.ts for how HTTPS
// is stood in for without TLS): vanity hosts, the verification re-fetch, 404 pages with tags,
// mod entries, insecure HTTP, credentials per host, caching, policy, rewrites, timeouts.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { ModgateError } from '../../../../src/errors/index.js';
import { compilePolicy, type PolicyPatterns } from '../../../../src/policy/index.js';
import { HttpClient } from '../../../../src/upstream/http-client.js';
import {
  RepoResolver,
  StaticCredentials,
  type RepoResolverOptions,
} from '../../../../src/upstream/direct/discovery/index.js';
import { GoGetServer } from './go-get-server.js';

let server: GoGetServer;
let http: HttpClient;

before(async () => {
  server = await GoGetServer.start();
  http = new HttpClient({ connectTimeoutMs: 2000, maxConnections: 8, userAgent: 'modgate-test' });
});
after(async () => {
  await http.close();
  await server.close();
});
beforeEach(() => {
  server.pages.clear();
  server.seen.length = 0;
  server.httpsDown.clear();
  server.otherOrigin.clear();
});

/** A resolver with a policy compiled from the given patterns (as build-app compiles it). */
function resolver(
  opts: Partial<RepoResolverOptions> & Partial<Omit<PolicyPatterns, 'noVerify'>> = {},
): RepoResolver {
  const { private: priv = '', insecure = '', vcsPolicy = '', ...rest } = opts;
  const policy = compilePolicy({ private: priv, noVerify: '', insecure, vcsPolicy });
  return new RepoResolver({ http, dialOverride: server.dial, timeoutMs: 2000, policy, ...rest });
}

async function rejectsWith(p: Promise<unknown>, kind: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ModgateError, String(err));
    assert.equal(err.kind, kind, err.message);
    assert.match(err.message, message);
    return true;
  });
}

test('vanity host: the page for the module path names the repository', async () => {
  server.meta('https://vanity.test/lib', [
    ['vanity.test/lib', 'git', 'https://git.vanity.test/lib.git'],
  ]);
  assert.deepEqual(await resolver().resolve('vanity.test/lib'), {
    root: 'vanity.test/lib',
    vcs: 'git',
    url: 'https://git.vanity.test/lib.git',
    source: 'discovery',
  });
  assert.deepEqual(server.seen, [
    { url: 'https://vanity.test/lib', query: '?go-get=1', authorization: undefined },
  ]);
});

test('a page deeper in the repository is verified against the prefix page', async () => {
  const tag = ['vanity.test/lib', 'git', 'https://git.vanity.test/lib.git'] as const;
  server.meta('https://vanity.test/lib/v2', [tag]);
  server.meta('https://vanity.test/lib', [tag, ['vanity.test/other', 'git', 'https://x.test/o']]);
  const r = resolver();
  assert.equal((await r.resolve('vanity.test/lib/v2')).root, 'vanity.test/lib');
  assert.equal(server.count('https://vanity.test/lib/v2'), 1);
  assert.equal(server.count('https://vanity.test/lib'), 1);
  // The prefix page is shared with the next module of the same repository.
  server.meta('https://vanity.test/lib/sub', [tag]);
  assert.equal((await r.resolve('vanity.test/lib/sub')).root, 'vanity.test/lib');
  assert.equal(server.count('https://vanity.test/lib'), 1);
});

test('pages that disagree about go-import are refused', async () => {
  // uni.test/bob/project claims the whole uni.test for evilroot; uni.test itself says otherwise.
  server.meta('https://uni.test/bob/project', [['uni.test', 'git', 'https://evilroot.test/x']]);
  server.meta('https://uni.test', [['uni.test', 'git', 'https://uni.test/root']]);
  await rejectsWith(
    resolver().resolve('uni.test/bob/project'),
    'not-found',
    // cmd/go's words: the prefix page by the scheme-less URL it asked for.
    /^unrecognized import path "uni.test\/bob\/project": https:\/\/uni.test\/bob\/project\?go-get=1 and \/\/uni.test\/\?go-get=1 disagree about go-import for uni.test$/,
  );
  // A prefix page with tags for other paths only does not agree either.
  server.meta('https://uni.test/dave/p', [['uni.test/dave', 'git', 'https://evilroot.test/z']]);
  server.meta('https://uni.test/dave', [['uni.test/erin', 'git', 'https://uni.test/erin']]);
  await rejectsWith(
    resolver().resolve('uni.test/dave/p'),
    'not-found',
    /^unrecognized import path "uni.test\/dave\/p": https:\/\/uni.test\/dave\/p\?go-get=1 and \/\/uni.test\/dave\?go-get=1 disagree about go-import for uni.test\/dave$/,
  );
  // A prefix page without tags: its own status (cmd/go metaImportsForPrefix).
  server.meta('https://uni.test/carol/p', [['uni.test/carol', 'git', 'https://evilroot.test/y']]);
  await rejectsWith(
    resolver().resolve('uni.test/carol/p'),
    'not-found',
    /^unrecognized import path "uni.test\/carol\/p": reading https:\/\/uni.test\/carol\?go-get=1: 404 Not Found$/,
  );
  // Answered 200 without tags: "no go-import meta tag found".
  server.meta('https://uni.test/frank/p', [['uni.test/frank', 'git', 'https://evilroot.test/f']]);
  server.pages.set('https://uni.test/frank', { status: 200, body: '<html><head></head></html>' });
  await rejectsWith(
    resolver().resolve('uni.test/frank/p'),
    'not-found',
    /^unrecognized import path "uni.test\/frank\/p": fetching uni.test\/frank: no go-import meta tag found in https:\/\/uni.test\/frank\?go-get=1$/,
  );
});

test('a failing prefix page is an upstream error, not a disagreement', async () => {
  server.meta('https://flaky.test/a/b', [['flaky.test/a', 'git', 'https://flaky.test/a.git']]);
  server.pages.set('https://flaky.test/a', { status: 502, body: 'bad gateway' });
  await rejectsWith(
    resolver().resolve('flaky.test/a/b'),
    'upstream',
    /^unrecognized import path "flaky.test\/a\/b": reading https:\/\/flaky.test\/a\?go-get=1: 502 Bad Gateway$/,
  );
});

test('a 404 page with tags counts; without tags the status is the error', async () => {
  server.meta('https://nf.test/x', [['nf.test/x', 'git', 'https://nf.test/x.git']], 404);
  assert.equal((await resolver().resolve('nf.test/x')).url, 'https://nf.test/x.git');
  await rejectsWith(
    resolver().resolve('nf.test/y'),
    'not-found',
    /^unrecognized import path "nf.test\/y": reading https:\/\/nf.test\/y\?go-get=1: 404 Not Found$/,
  );
  server.pages.set('https://nf.test/z', { status: 503, body: 'busy' });
  await rejectsWith(resolver().resolve('nf.test/z'), 'upstream', /503 Service Unavailable/);
  server.pages.set('https://nf.test/w', {
    status: 200,
    body: '<html><head><title>no tags</title></head></html>',
  });
  await rejectsWith(
    resolver().resolve('nf.test/w'),
    'not-found',
    /parse https:\/\/nf.test\/w\?go-get=1: no go-import meta tags \(\)/,
  );
  server.meta('https://nf.test/v', [['nf.test/q', 'git', 'https://nf.test/q.git']]);
  await rejectsWith(
    resolver().resolve('nf.test/v'),
    'not-found',
    /meta tag nf.test\/q did not match import path nf.test\/v/,
  );
  server.pages.set('https://nf.test/u', {
    status: 200,
    body: '<head><script>if (a < b) {}</script>',
  });
  await rejectsWith(
    resolver().resolve('nf.test/u'),
    'not-found',
    /parsing nf.test\/u: XML syntax error on line 1: expected element name after </,
  );
});

test('a mod entry wins and names a GOPROXY', async () => {
  server.meta('https://mods.test/a', [
    ['mods.test/a', 'git', 'https://git.mods.test/a'],
    ['mods.test/a', 'mod', 'https://proxy.mods.test/base'],
  ]);
  assert.deepEqual(await resolver({ vcsPolicy: '*:off' }).resolve('mods.test/a'), {
    root: 'mods.test/a',
    vcs: 'mod',
    url: 'https://proxy.mods.test/base',
    source: 'discovery',
  });
  server.meta('https://mods.test/b', [['mods.test/b', 'mod', 'http://proxy.mods.test/base']]);
  await rejectsWith(
    resolver().resolve('mods.test/b'),
    'forbidden',
    /insecure proxy URL http:\/\/proxy.mods.test\/base for mods.test\/b: add the path to direct.insecure/,
  );
  assert.equal((await resolver({ insecure: 'mods.test' }).resolve('mods.test/b')).vcs, 'mod');
});

test('plain HTTP only for insecure paths, and never with credentials', async () => {
  server.httpsDown.add('plain.test');
  server.meta('http://plain.test/x', [['plain.test/x', 'git', 'https://plain.test/x.git']]);
  const credentials = new StaticCredentials([{ host: 'plain.test', username: 'u', password: 'p' }]);
  await rejectsWith(
    resolver({ credentials }).resolve('plain.test/x'),
    'upstream',
    /^unrecognized import path "plain.test\/x": https fetch: https:\/\/plain.test\/x\?go-get=1: connection refused \(ECONNREFUSED\)$/,
  );
  assert.equal(server.count('http://plain.test/x'), 0);

  const r = resolver({ insecure: '*.other.test,plain.test', credentials });
  assert.equal((await r.resolve('plain.test/x')).url, 'https://plain.test/x.git');
  assert.deepEqual(server.seen, [
    { url: 'http://plain.test/x', query: '?go-get=1', authorization: undefined },
  ]);

  // HTTPS still comes first for insecure paths when it works.
  server.meta('https://ok.other.test/y', [
    ['ok.other.test/y', 'git', 'http://ok.other.test/y.git'],
  ]);
  assert.equal((await r.resolve('ok.other.test/y')).url, 'http://ok.other.test/y.git');
  assert.equal(server.count('http://ok.other.test/y'), 0);
  // ...and an http:// or git:// repository needs an insecure path.
  await rejectsWith(
    resolver().resolve('ok.other.test/y'),
    'forbidden',
    /insecure repository URL http:\/\/ok.other.test\/y.git for ok.other.test\/y/,
  );
});

test('repository URL checks: file and unknown schemes, credentials redacted', async () => {
  server.meta('https://bad.test/file', [['bad.test/file', 'git', 'file:///etc/passwd']]);
  await rejectsWith(
    resolver().resolve('bad.test/file'),
    'not-found',
    /invalid repo root "file:\/\/\/etc\/passwd": file scheme disallowed/,
  );
  server.meta('https://bad.test/opt', [['bad.test/opt', 'git', '-config']]);
  await rejectsWith(
    resolver().resolve('bad.test/opt'),
    'not-found',
    /invalid repo root "-config": no scheme/,
  );
  // git's ext:: transport runs a command; Go's validateRepoRoot lets it through (scheme "ext").
  server.meta('https://bad.test/ext', [
    ['bad.test/ext', 'git', 'ext::sh%20-c%20touch%20/tmp/pwned'],
  ]);
  await rejectsWith(
    resolver().resolve('bad.test/ext'),
    'forbidden',
    /unsupported URL scheme "ext"/,
  );
  server.meta('https://bad.test/cred', [
    ['bad.test/cred', 'git', 'http://user:hunter2@bad.test/c.git'],
  ]);
  await assert.rejects(resolver().resolve('bad.test/cred'), (err: Error) => {
    assert.ok(!err.message.includes('hunter2'), err.message);
    return true;
  });
  server.meta('https://bad.test/vcs', [['bad.test/vcs', 'cvs', 'https://bad.test/vcs']]);
  await rejectsWith(resolver().resolve('bad.test/vcs'), 'not-found', /unknown vcs "cvs"/);
  server.meta('https://bad.test/ssh', [['bad.test/ssh', 'git', 'ssh://git@bad.test/ssh.git']]);
  assert.equal((await resolver().resolve('bad.test/ssh')).url, 'ssh://git@bad.test/ssh.git');
});

test('credentials go to their own host only (GitLab nested groups)', async () => {
  const token = `Basic ${Buffer.from('bot:glpat-secret').toString('base64')}`;
  // GitLab: an anonymous caller is told the first two elements are the project.
  const gitlab = (path: string) => ({
    handler: ({ authorization }: { authorization: string | undefined }) => {
      const prefix = authorization === token ? path : 'gitlab.test/group/sub';
      const tag = `<meta name="go-import" content="${prefix} git https://${prefix}.git">`;
      return { status: 200, body: `<html><head>${tag}</head></html>` };
    },
  });
  server.pages.set('https://gitlab.test/group/sub/proj', gitlab('gitlab.test/group/sub/proj'));
  server.pages.set('https://gitlab.test/group/sub', gitlab('gitlab.test/group/sub'));
  server.meta('https://vanity.test/lib', [
    ['vanity.test/lib', 'git', 'https://gitlab.test/lib.git'],
  ]);
  const credentials = new StaticCredentials([
    { host: 'gitlab.test', username: 'bot', password: 'glpat-secret' },
  ]);

  const withCreds = resolver({ credentials });
  assert.deepEqual(await withCreds.resolve('gitlab.test/group/sub/proj'), {
    root: 'gitlab.test/group/sub/proj',
    vcs: 'git',
    url: 'https://gitlab.test/group/sub/proj.git',
    source: 'discovery',
  });
  await withCreds.resolve('vanity.test/lib');
  for (const r of server.seen) {
    assert.equal(
      r.authorization,
      r.url.startsWith('https://gitlab.test/') ? token : undefined,
      r.url,
    );
  }

  // Without credentials the documented limitation shows: the wrong (two-element) root.
  assert.equal(
    (await resolver().resolve('gitlab.test/group/sub/proj')).root,
    'gitlab.test/group/sub',
  );
});

// Both need src/upstream/http-client.ts changes (not this folder's): its redirect loop destroys
// the 3xx body without an error listener (undici then emits an unhandled AbortError), and it
// sends the same headers to every hop.
test('a redirecting discovery page is followed', async () => {
  server.pages.set('https://moved.test/x', { redirectTo: 'https://moved.test/new/x?go-get=1' });
  server.meta('https://moved.test/new/x', [['moved.test/x', 'git', 'https://moved.test/x.git']]);
  assert.equal((await resolver().resolve('moved.test/x')).root, 'moved.test/x');
});

test('credentials are not forwarded when a discovery page redirects to another host', async () => {
  server.otherOrigin.add('elsewhere.test');
  server.pages.set('https://gitlab.test/moved', {
    redirectTo: 'https://elsewhere.test/moved?go-get=1',
  });
  server.meta('https://elsewhere.test/moved', [
    ['gitlab.test/moved', 'git', 'https://elsewhere.test/m.git'],
  ]);
  const credentials = new StaticCredentials([
    { host: 'gitlab.test', username: 'bot', password: 'x' },
  ]);
  await resolver({ credentials }).resolve('gitlab.test/moved');
  const hop = server.seen.find((r) => r.url === 'https://elsewhere.test/moved');
  assert.equal(hop?.authorization, undefined);
});

test('cache: successes for minutes, failures briefly, concurrent lookups coalesce', async () => {
  let now = 1_000_000;
  const r = resolver({ now: () => now, positiveTtlMs: 300_000, negativeTtlMs: 30_000 });
  server.meta('https://c.test/ok', [['c.test/ok', 'git', 'https://c.test/ok.git']]);
  await r.resolve('c.test/ok');
  await r.resolve('c.test/ok');
  now += 299_000;
  await r.resolve('c.test/ok');
  assert.equal(server.count('https://c.test/ok'), 1);
  now += 2_000;
  await r.resolve('c.test/ok');
  assert.equal(server.count('https://c.test/ok'), 2);

  await rejectsWith(r.resolve('c.test/later'), 'not-found', /404/);
  server.meta('https://c.test/later', [['c.test/later', 'git', 'https://c.test/later.git']]);
  now += 29_000;
  await rejectsWith(r.resolve('c.test/later'), 'not-found', /404/);
  assert.equal(server.count('https://c.test/later'), 1);
  now += 2_000;
  assert.equal((await r.resolve('c.test/later')).root, 'c.test/later');
  assert.equal(server.count('https://c.test/later'), 2);

  server.pages.set('https://c.test/slow', {
    delayMs: 100,
    body: '<meta name="go-import" content="c.test/slow git https://c.test/slow.git">',
  });
  const all = await Promise.all(Array.from({ length: 5 }, () => r.resolve('c.test/slow')));
  assert.ok(all.every((x) => x.url === 'https://c.test/slow.git'));
  assert.equal(server.count('https://c.test/slow'), 1);
  // Results are copies: a caller changing one does not change the cache.
  all[0]!.url = 'changed';
  assert.equal((await r.resolve('c.test/slow')).url, 'https://c.test/slow.git');
});

test('timeouts are bounded; a caller abort leaves the shared lookup running', async () => {
  server.pages.set('https://slow.test/x', { delayMs: 1500, body: '' });
  await rejectsWith(
    resolver({ timeoutMs: 100 }).resolve('slow.test/x'),
    'timeout',
    /https:\/\/slow.test\/x\?go-get=1: (timed out|request aborted)/,
  );

  server.pages.set('https://slow.test/y', {
    delayMs: 200,
    body: '<meta name="go-import" content="slow.test/y git https://slow.test/y.git">',
  });
  const r = resolver();
  const ac = new AbortController();
  const first = r.resolve('slow.test/y', { signal: ac.signal });
  const second = r.resolve('slow.test/y');
  ac.abort();
  await rejectsWith(first, 'timeout', /abandoned/);
  assert.equal((await second).root, 'slow.test/y');
  assert.equal(server.count('https://slow.test/y'), 1);
});

test('VCS policy refusals name the rule; only git is fetched', async () => {
  server.meta('https://vanity.test/lib', [
    ['vanity.test/lib', 'git', 'https://git.vanity.test/lib.git'],
  ]);
  await rejectsWith(
    resolver({ vcsPolicy: 'vanity.test:off' }).resolve('vanity.test/lib'),
    'forbidden',
    /^VCS policy disallows using git for public vanity.test\/lib \(rule "vanity.test:off" in direct.vcs_policy\)$/,
  );
  await rejectsWith(
    resolver({ vcsPolicy: 'public:hg', private: 'github.com/corp' }).resolve(
      'github.com/user/repo',
    ),
    'forbidden',
    /using git for public github.com\/user\/repo \(rule "public:hg"/,
  );
  assert.equal(
    (
      await resolver({ vcsPolicy: 'public:hg', private: 'github.com/corp' }).resolve(
        'github.com/corp/x/v2',
      )
    ).root,
    'github.com/corp/x',
  );
  // Default policy: fossil is not allowed for public repositories.
  await rejectsWith(
    resolver().resolve('chiselapp.com/user/kyle/repository/fossilgg'),
    'forbidden',
    /default rule "public:git\|hg"/,
  );
  await rejectsWith(
    resolver({ vcsPolicy: 'chiselapp.com:all' }).resolve(
      'chiselapp.com/user/kyle/repository/fossilgg',
    ),
    'not-found',
    /^chiselapp.com\/user\/kyle\/repository\/fossilgg is a fossil repository; only git is supported for direct fetching$/,
  );
  server.meta('https://hg.test/r', [['hg.test/r', 'hg', 'https://hg.test/r']]);
  await rejectsWith(
    resolver().resolve('hg.test/r'),
    'not-found',
    /hg.test\/r is a hg repository; only git is supported/,
  );
  await rejectsWith(
    resolver().resolve('example.com/x.svn/y'),
    'forbidden',
    /using svn for public example.com\/x.svn/,
  );
  assert.equal(server.count('https://example.com/x.svn/y'), 0);
});

test('static table and rewrites need no network; rewrites come first', async () => {
  const r = resolver({
    rewrites: [
      { pattern: 'github.com/corp/*', url: 'ssh://git@github.com/corp/*.git' },
      { pattern: 'nodisco.test/*/*', url: 'https://git.nodisco.test/*' },
    ],
    vcsPolicy: 'nodisco.test:off',
  });
  assert.deepEqual(await r.resolve('github.com/golang/groupcache/v2'), {
    root: 'github.com/golang/groupcache',
    vcs: 'git',
    url: 'https://github.com/golang/groupcache',
    source: 'static',
  });
  assert.deepEqual(await r.resolve('github.com/corp/private/sub'), {
    root: 'github.com/corp/private',
    vcs: 'git',
    url: 'ssh://git@github.com/corp/private.git',
    source: 'rewrite',
  });
  assert.deepEqual(await r.resolve('example.com/team/repo.git/v2'), {
    root: 'example.com/team/repo.git',
    vcs: 'git',
    url: 'https://example.com/team/repo',
    source: 'static',
  });
  // The policy applies to rewrites too.
  await rejectsWith(r.resolve('nodisco.test/a/b'), 'forbidden', /rule "nodisco.test:off"/);
  await rejectsWith(
    r.resolve('github.com/user/repo.git'),
    'not-found',
    /invalid version control suffix/,
  );
  await rejectsWith(r.resolve('github.com/user'), 'not-found', /invalid github.com import path/);
  assert.deepEqual(server.seen, []);
});

test('bad module paths are invalid before any request', async () => {
  await rejectsWith(resolver().resolve('Vanity.test/x'), 'invalid', /malformed module path/);
  await rejectsWith(resolver().resolve('nodot/x'), 'invalid', /missing dot in first path element/);
  await rejectsWith(resolver().resolve('a.test/x/../y'), 'invalid', /malformed module path/);
  assert.deepEqual(server.seen, []);
  assert.throws(() => resolver({ vcsPolicy: 'x' }), { kind: 'invalid' });
  assert.throws(() => resolver({ rewrites: [{ pattern: '', url: 'https://x' }] }), {
    kind: 'invalid',
  });
});
