/**
 * DirectUpstream over the fake code host: the Upstream answers, the exact `.info` JSON, the
 * CodeRepo cache per module path, and errors. Plus the synthesized go.mod and Go's time form.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModgateError, notFound } from '../../../src/errors/index.js';
import {
  DirectUpstream,
  withoutUserInfo,
  type ResolvedRepo,
} from '../../../src/upstream/direct/direct-upstream.js';
import { autoQuote, legacyGoMod, mustQuote } from '../../../src/upstream/direct/legacy-go-mod.js';
import { goTimeString } from '../../../src/protocol/info-json.js';
import { hashGoMod } from '../../../src/zip/index.js';
import { FakeCodeHost } from './fake-code-host.js';
import { readModuleZip } from './read-module-zip.js';

const ROOT = 'example.com/repo';
const ctx = {};

const h = new FakeCodeHost('direct');
const c1 = h.commit({
  time: '2024-02-03T04:05:06Z',
  files: {
    'go.mod': `module ${ROOT}\n\ngo 1.20\n`,
    'a.go': 'package repo\n',
    'sub/go.mod': `module ${ROOT}/sub\n`,
    'sub/s.go': 'package sub\n',
  },
});
h.tag('v1.0.0');
h.tag('sub/v0.1.0');
const c2 = h.commit({ time: '2024-02-04T00:00:00Z', files: { 'b.go': 'package repo\n' } });

function upstreamFor(origin: boolean, calls: string[] = []): DirectUpstream {
  return new DirectUpstream((modulePath) => {
    calls.push(modulePath);
    if (!modulePath.startsWith(ROOT)) {
      return Promise.reject(notFound(`${modulePath}: no repository`));
    }
    const r: ResolvedRepo = origin
      ? { root: ROOT, codeHost: h, vcs: 'git', url: 'https://git.example.com/repo' }
      : { root: ROOT, codeHost: h };
    return Promise.resolve(r);
  });
}

test('list, info, latest, mod and zip', async () => {
  const u = upstreamFor(false);
  assert.deepEqual(await u.list(ROOT, ctx), ['v1.0.0']);
  assert.deepEqual(await u.list(`${ROOT}/sub`, ctx), ['v0.1.0']);
  const info = await u.info(ROOT, 'v1.0.0', ctx);
  assert.equal(info.version, 'v1.0.0');
  assert.equal(info.time, '2024-02-03T04:05:06Z');
  assert.equal(info.raw.toString(), '{"Version":"v1.0.0","Time":"2024-02-03T04:05:06Z"}');
  const pseudo = `v1.0.1-0.20240204000000-${c2.slice(0, 12)}`;
  const latest = await u.latest(ROOT, ctx);
  assert.equal(latest.raw.toString(), `{"Version":"${pseudo}","Time":"2024-02-04T00:00:00Z"}`);
  assert.equal((await u.info(ROOT, 'main', ctx)).version, pseudo);
  const mod = await u.mod(ROOT, 'v1.0.0', ctx);
  assert.equal(mod.toString(), `module ${ROOT}\n\ngo 1.20\n`);
  assert.equal(hashGoMod(mod), hashGoMod(Buffer.from(`module ${ROOT}\n\ngo 1.20\n`)));
  const z = await readModuleZip((await u.zip(ROOT, 'v1.0.0', ctx)).stream, `${ROOT}@v1.0.0/`);
  assert.deepEqual(z.names, ['a.go', 'go.mod']);
});

test('.info carries an Origin when the resolver names the VCS and URL', async () => {
  const u = upstreamFor(true);
  assert.equal(
    (await u.info(ROOT, 'v1.0.0', ctx)).raw.toString(),
    `{"Version":"v1.0.0","Time":"2024-02-03T04:05:06Z","Origin":{"VCS":"git","URL":"https://git.example.com/repo","Ref":"refs/tags/v1.0.0","Hash":"${c1}"}}`,
  );
  // A pseudo-version does not depend on the ref it was found through.
  const main = JSON.parse((await u.info(ROOT, 'main', ctx)).raw.toString()) as {
    Origin: Record<string, string>;
  };
  assert.deepEqual(main.Origin, { VCS: 'git', URL: 'https://git.example.com/repo', Hash: c2 });
  const sub = JSON.parse((await u.info(`${ROOT}/sub`, 'v0.1.0', ctx)).raw.toString()) as {
    Origin: Record<string, string>;
  };
  assert.equal(sub.Origin.Subdir, 'sub');
  assert.equal(sub.Origin.Ref, 'refs/tags/sub/v0.1.0');
});

test('one resolution per module path; failures are not remembered', async () => {
  const calls: string[] = [];
  const u = upstreamFor(false, calls);
  await Promise.all([u.list(ROOT, ctx), u.info(ROOT, 'v1.0.0', ctx), u.mod(ROOT, 'v1.0.0', ctx)]);
  assert.deepEqual(calls, [ROOT]);
  await u.list(`${ROOT}/sub`, ctx);
  assert.deepEqual(calls, [ROOT, `${ROOT}/sub`]);

  for (let i = 0; i < 2; i++) {
    await assert.rejects(u.list('example.org/none', ctx), (e: unknown) => {
      return e instanceof ModgateError && e.kind === 'not-found';
    });
  }
  assert.equal(calls.filter((p) => p === 'example.org/none').length, 2);

  const small = new DirectUpstream(
    (p) => {
      calls.push(p);
      return Promise.resolve({ root: ROOT, codeHost: h });
    },
    { maxRepos: 1 },
  );
  calls.length = 0;
  await small.list(ROOT, ctx);
  await small.list(`${ROOT}/sub`, ctx);
  await small.list(ROOT, ctx);
  assert.deepEqual(calls, [ROOT, `${ROOT}/sub`, ROOT]);
});

test('errors: not-found with Go wording; a module outside the repository', async () => {
  const u = upstreamFor(false);
  await assert.rejects(u.info(ROOT, 'v9.9.9', ctx), (e: unknown) => {
    const err = e as ModgateError;
    return (
      err.kind === 'not-found' &&
      err.message === `${ROOT}@v9.9.9: invalid version: unknown revision v9.9.9`
    );
  });
  await assert.rejects(u.info(`${ROOT}/v2`, 'v2.0.0', ctx), (e: unknown) => {
    const err = e as ModgateError;
    return err.kind === 'not-found' && /unknown revision v2.0.0/.test(err.message);
  });
  // A package directory is no module: no versions (as in Go), and its latest is a 404, so
  // the go command probing module paths for an import path moves on.
  assert.deepEqual(await u.list(`${ROOT}/sub/pkg`, ctx), []);
  await assert.rejects(u.latest(`${ROOT}/sub/pkg`, ctx), (e: unknown) => {
    const err = e as ModgateError;
    return (
      err.kind === 'not-found' && /missing example.com\/repo\/sub\/pkg\/go.mod/.test(err.message)
    );
  });
  await assert.rejects(u.info(`${ROOT}/sub/pkg`, 'v0.1.0', ctx), (e: unknown) => {
    const err = e as ModgateError;
    return err.kind === 'not-found' && /unknown revision sub\/pkg\/v0.1.0/.test(err.message);
  });
});

test('legacy go.mod: exactly `module <path>\\n`, quoted only when go.mod syntax needs it', () => {
  assert.equal(legacyGoMod('example.com/m').toString(), 'module example.com/m\n');
  assert.equal(
    hashGoMod(legacyGoMod('example.com/m')),
    'h1:flS2VctbRrTv+sBE+VKgxx6hlkMGPVz9MGOmzMYFg3k=',
  );
  assert.equal(autoQuote('example.com/a b'), '"example.com/a b"');
  assert.equal(autoQuote('('), '(');
  for (const s of ['', 'a b', 'a"b', "a'b", 'a`b', '()', 'a,b', 'a//b', 'a/*b', 'a\u0000b']) {
    assert.equal(mustQuote(s), true, JSON.stringify(s));
  }
  for (const s of ['example.com/m', 'gopkg.in/yaml.v2', 'é', '{']) {
    assert.equal(mustQuote(s), false, JSON.stringify(s));
  }
});

test('Go time form: UTC, seconds, fraction only when present', () => {
  assert.equal(goTimeString(new Date('2006-01-02T15:04:05Z')), '2006-01-02T15:04:05Z');
  assert.equal(goTimeString(new Date('2006-01-02T15:04:05.500Z')), '2006-01-02T15:04:05.5Z');
  assert.equal(goTimeString(new Date('2006-01-02T16:04:05+01:00')), '2006-01-02T15:04:05Z');
});

test('Origin URLs never carry credentials', () => {
  assert.equal(
    withoutUserInfo('https://user:secret@git.example.com/repo'),
    'https://git.example.com/repo',
  );
  assert.equal(withoutUserInfo('https://git.example.com/repo'), 'https://git.example.com/repo');
  assert.equal(
    withoutUserInfo('git@git.example.com:org/repo.git'),
    'git@git.example.com:org/repo.git',
  );
});
