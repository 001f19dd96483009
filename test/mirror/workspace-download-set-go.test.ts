// The oracle for computeWorkspaceDownloadSet: the real `go mod download` (no arguments) in a
// generated go.work workspace against a logging fixture GOPROXY; the `.mod` and `.zip` files
// it requests must be exactly the set computed.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  collectWarmInputs,
  computeWorkspaceDownloadSet,
  warm,
  parseMainModule,
  versionKey,
  type ModuleVersion,
} from '../../src/mirror/index.js';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import { corpusModules, workspaceCases } from './go-mod-corpus.js';

const CASES = 12;

function requested(requests: readonly string[], ext: 'mod' | 'zip'): string[] {
  const out = new Set<string>();
  for (const r of requests) {
    const m = new RegExp(`^/(.+)/@v/(.+)\\.${ext}$`).exec(r);
    if (m) out.add(`${m[1]}@${m[2]}`);
  }
  return [...out].sort();
}

const keys = (list: readonly ModuleVersion[]): string[] => list.map(versionKey).sort();

describe('computeWorkspaceDownloadSet against go mod download', () => {
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

  for (const c of workspaceCases(CASES, corpus)) {
    test(`${c.name}: the same .mod and .zip requests as the go command`, async () => {
      const dir = await go.newModule(`example.com/${c.name}/root`);
      await writeFile(join(dir, 'go.work'), c.goWork);
      for (const [sub, goMod] of Object.entries(c.modules)) {
        await mkdir(join(dir, sub), { recursive: true });
        await writeFile(join(dir, sub, 'go.mod'), goMod);
      }
      for (const [rel, text] of Object.entries(c.files ?? {})) {
        await mkdir(dirname(join(dir, rel)), { recursive: true });
        await writeFile(join(dir, rel), text);
      }
      await go.clearModCache();
      fixture.requests.length = 0;
      const r = await go.run(['mod', 'download'], { proxy: fixture.url, cwd: dir });
      const all = `${c.goWork}\n${Object.values(c.modules).join('\n')}`;
      assert.equal(r.code, 0, `${all}\n${r.stderr}`);
      const want = {
        mods: requested(fixture.requests, 'mod'),
        zips: requested(fixture.requests, 'zip'),
      };
      if (c.files === undefined) {
        const mains = Object.values(c.modules).map((t) => parseMainModule(t));
        const set = await computeWorkspaceDownloadSet(mains, {
          goMod: (m) => readFile(join(fixture.root, m.path, '@v', `${m.version}.mod`)),
          localGoMod: () => Promise.reject(new Error('no local replacements here')),
        });
        assert.deepEqual({ mods: keys(set.mods), zips: keys(set.zips) }, want, all);
      }
      // warm itself, from the go.work file (replace directives and relative directories too).
      const inputs = await collectWarmInputs([join(dir, 'go.work')], () => Promise.resolve(''));
      const report = await warm(inputs, { server: fixture.url, concurrency: 4, keyOnly: true });
      assert.deepEqual(report.failures, []);
      const zipSet = new Set(want.zips);
      const expected = [
        ...want.zips,
        ...want.mods.filter((m) => !zipSet.has(m)).map((m) => `${m}/go.mod`),
      ].sort();
      assert.deepEqual(report.set, expected, all);
    });
  }
});
