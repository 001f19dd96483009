// The oracle for computeDownloadSet: the real `go mod download` (no arguments) run in each
// generated main module against a logging fixture GOPROXY; the `.mod` and `.zip` files it
// requests must be exactly the set computed.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  collectWarmInputs,
  computeDownloadSet,
  warm,
  parseMainModule,
  versionKey,
  type ModuleVersion,
} from '../../src/mirror/index.js';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import { corpusModules, mainCases } from './go-mod-corpus.js';

const CASES = 60;

/** `.mod` / `.zip` request paths → `path@version` keys (the corpus needs no escaping). */
function requested(requests: readonly string[], ext: 'mod' | 'zip' | 'info'): string[] {
  const out = new Set<string>();
  for (const r of requests) {
    const m = new RegExp(`^/(.+)/@v/(.+)\\.${ext}$`).exec(r);
    if (m) out.add(`${m[1]}@${m[2]}`);
  }
  return [...out].sort();
}

const keys = (list: readonly ModuleVersion[]): string[] => list.map(versionKey).sort();

describe('computeDownloadSet against go mod download', () => {
  const corpus = corpusModules();
  let fixture: FixtureProxy;
  let go: GoSandbox;
  before(async () => {
    fixture = await FixtureProxy.create(corpus);
    go = await GoSandbox.create();
  });
  after(async () => {
    await fixture.close();
    await go.cleanup();
  });

  for (const c of mainCases(CASES, corpus)) {
    test(`${c.name}: the same .mod and .zip requests as the go command`, async () => {
      const dir = await go.newModule(`example.com/${c.name}`, c.goMod);
      for (const [rel, text] of Object.entries(c.files)) {
        await mkdir(dirname(join(dir, rel)), { recursive: true });
        await writeFile(join(dir, rel), text);
      }
      await go.clearModCache();
      fixture.requests.length = 0;
      const r = await go.run(['mod', 'download'], {
        proxy: fixture.url,
        cwd: dir,
        env: { GOFLAGS: '-modcacherw -mod=mod' },
      });
      assert.equal(r.code, 0, `${c.goMod}\n${r.stderr}`);
      const want = {
        mods: requested(fixture.requests, 'mod'),
        zips: requested(fixture.requests, 'zip'),
      };

      const set = await computeDownloadSet(parseMainModule(c.goMod), {
        goMod: (m) => readFile(join(fixture.root, m.path, '@v', `${m.version}.mod`)),
        localGoMod: (d) => readFile(join(dir, d, 'go.mod')),
      });
      assert.deepEqual({ mods: keys(set.mods), zips: keys(set.zips) }, want, c.goMod);
      // warm itself, from the go.mod file on disk (as it was before the go command edited it,
      // adding a missing go directive): the same set.
      await writeFile(join(dir, 'go.mod'), c.goMod);
      const inputs = await collectWarmInputs([join(dir, 'go.mod')], () => Promise.resolve(''));
      const report = await warm(inputs, { server: fixture.url, concurrency: 4, keyOnly: true });
      assert.deepEqual(report.failures, []);
      const zipSet = new Set(want.zips);
      const expected = [
        ...want.zips,
        ...want.mods.filter((m) => !zipSet.has(m)).map((m) => `${m}/go.mod`),
      ].sort();
      assert.deepEqual(report.set, expected, c.goMod);
      // The go command asks for the .info of each module it downloads, as warm does.
      assert.deepEqual(requested(fixture.requests, 'info'), want.zips);
    });
  }
});
