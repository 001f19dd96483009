import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import { listFiles } from '../support/list-files.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';
import { rawRequest } from '../support/raw-request.js';
import { GitFixture } from '../upstream/direct/git/git-fixture.js';

interface Download {
  Path?: string;
  Version?: string;
  Error?: string;
  Info?: string;
  GoMod?: string;
  GoModSum?: string;
  Sum?: string;
  Zip?: string;
}

/**
 * A version whose zip can never be made — its tag's tree has both `README` and `readme`, a
 * case-insensitive file name collision the x/mod/zip rules refuse — seen by the real go
 * command, with `GOPROXY=direct` as the oracle.
 *
 * Direct mode (go 1.19): `go mod download -json` exits 1 with
 *   "Error": "create zip: readme: case-insensitive file name collision: \"README\" and \"readme\""
 * while the version's `.info` and `.mod` are fine (`go list -m` succeeds, GoModSum is set).
 *
 * Through modgate the zip is answered 410 Gone with that very text as the body, so the go
 * command reports a "not found" (as proxy.golang.org's 404/410 `not found:` answers make it
 * do), not an upstream failure (a 502 did, before). What differs from direct mode, and why:
 * through a proxy the go command words it as its own HTTP failure,
 *   "<path>@v1.0.0: reading <url>/<path>/@v/v1.0.0.zip: 410 Gone\n\tserver response: <body>"
 * — the reason is the same line, under "server response:". The exit status is the same.
 * With `GOPROXY=<modgate>,direct` the 410 falls through to direct, which fails exactly as
 * `GOPROXY=direct` does: the same Error, word for word.
 *
 * How the go command reaches the repository offline (as in the direct conformance suite):
 * the module path carries the `.git` qualifier, so cmd/go takes `git.corp.example/coll` as
 * the repository without a go-get lookup, and a `GIT_CONFIG_GLOBAL` insteadOf rule sends
 * `git://git.corp.example/` to the test's git daemon (`GIT_ALLOW_PROTOCOL=git`). modgate gets
 * the same repository from a `direct.rewrites` rule.
 */
describe('modgate serve: a version whose zip cannot be made is "not found", as in direct mode', () => {
  const MOD = 'git.corp.example/coll.git';
  const COLLISION =
    'create zip: readme: case-insensitive file name collision: "README" and "readme"';
  let git: GitFixture;
  let fixture: FixtureProxy;
  let modgate: ModgateInstance;
  let go: GoSandbox;
  let env: Record<string, string>;
  let repoDir: string;
  /** GOPROXY=direct's answer: the oracle. */
  let direct: { code: number; json: Download; stderr: string };

  async function download(
    proxy: string,
  ): Promise<{ code: number; json: Download; stderr: string }> {
    await go.clearModCache();
    const r = await go.run(['mod', 'download', '-json', `${MOD}@v1.0.0`], { proxy, env });
    return { code: r.code, json: JSON.parse(r.stdout || '{}') as Download, stderr: r.stderr };
  }

  before(async () => {
    git = await GitFixture.create();
    repoDir = await git.newRepo('coll');
    await git.commit(
      repoDir,
      {
        'go.mod': `module ${MOD}\n\ngo 1.16\n`,
        'coll.go': 'package coll\n',
        README: 'upper\n',
        readme: 'lower\n',
      },
      'one',
      '2024-03-01T10:00:00Z',
    );
    await git.git(repoDir, ['tag', 'v1.0.0']);
    const port = await git.startDaemon();
    fixture = await FixtureProxy.create([]);
    modgate = await startModgate({
      upstream: fixture.url,
      private: 'git.corp.example',
      notFoundTtl: '10m',
      settings: {
        'direct.rewrites': `${MOD}=git://127.0.0.1:${port}/coll`,
        'direct.insecure': 'git.corp.example',
      },
    });
    go = await GoSandbox.create();
    await go.newModule('example.com/app');
    const gitConfig = join(go.root, 'gitconfig');
    await writeFile(
      gitConfig,
      `[url "git://127.0.0.1:${port}/"]\n\tinsteadOf = git://git.corp.example/\n`,
    );
    env = { GIT_CONFIG_GLOBAL: gitConfig, GIT_CONFIG_NOSYSTEM: '1', GIT_ALLOW_PROTOCOL: 'git' };
    direct = await download('direct');
  });
  after(async () => {
    await modgate?.stop();
    await fixture?.close();
    await git?.close();
    await go?.cleanup();
  });

  test('the oracle: GOPROXY=direct refuses the zip, .info and .mod are fine', () => {
    assert.equal(direct.code, 1, direct.stderr);
    assert.equal(direct.json.Error, COLLISION);
    assert.ok(direct.json.Info !== undefined && direct.json.GoMod !== undefined);
    assert.match(direct.json.GoModSum ?? '', /^h1:/);
    assert.equal(direct.json.Sum, undefined);
  });

  test('through modgate: the same exit status, the collision named under a 410 Gone', async () => {
    const proxied = await download(modgate.url);
    assert.equal(proxied.code, direct.code, proxied.stderr);
    const zipUrl = `${modgate.url}/${MOD}/@v/v1.0.0.zip`;
    assert.equal(
      proxied.json.Error,
      `${MOD}@v1.0.0: reading ${zipUrl}: 410 Gone\n\tserver response: ${direct.json.Error}`,
    );
    // .info and .mod as in direct mode: the same go.mod, the same commit.
    assert.equal(proxied.json.GoModSum, direct.json.GoModSum);
    assert.equal(
      await readFile(proxied.json.GoMod ?? '', 'utf8'),
      await readFile(direct.json.GoMod ?? '', 'utf8'),
    );
    const hashOf = async (file: string | undefined): Promise<unknown> =>
      (JSON.parse(await readFile(file ?? '', 'utf8')) as { Origin?: { Hash?: string } }).Origin
        ?.Hash;
    assert.equal(await hashOf(proxied.json.Info), await hashOf(direct.json.Info));
    const listed = await go.run(['list', '-m', '-json', `${MOD}@v1.0.0`], {
      proxy: modgate.url,
      env,
    });
    assert.equal(listed.code, 0, listed.stderr);

    const res = await rawRequest(modgate.url, `/${MOD}/@v/v1.0.0.zip`);
    assert.equal(res.status, 410);
    assert.equal(res.body.toString(), `${COLLISION}\n`);
    assert.deepEqual(
      (await listFiles(modgate.dataDir)).filter((f) => f.startsWith(MOD)),
      [`${MOD}/@v/v1.0.0.info`, `${MOD}/@v/v1.0.0.mod`],
      'nothing stored for the zip',
    );
  });

  test('GOPROXY=<modgate>,direct falls through on the 410 and fails as GOPROXY=direct does', async () => {
    const chained = await download(`${modgate.url},direct`);
    assert.equal(chained.code, direct.code, chained.stderr);
    assert.equal(chained.json.Error, direct.json.Error);
    assert.equal(chained.json.GoModSum, direct.json.GoModSum);
  });

  test('the answer is remembered: later requests do not rebuild the archive', async () => {
    // Without the repository and without modgate's git cache, a rebuild could only fail
    // differently; within cache.not_found_ttl the remembered answer is given instead.
    await rm(repoDir, { recursive: true, force: true });
    await rm(join(modgate.dataDir, '.git-cache'), { recursive: true, force: true });
    const res = await rawRequest(modgate.url, `/${MOD}/@v/v1.0.0.zip`);
    assert.equal(res.status, 410, res.body.toString());
    assert.equal(res.body.toString(), `${COLLISION}\n`);
  });
});
