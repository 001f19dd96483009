// Offline mode end to end (issue 13 item 5): a modgate with `upstream: off` answers @v/list
// and @latest from the versions it holds — for modules whose list it never fetched — and the
// real go command lists and gets them, retractions included.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';

const OFF = 'example.com/off';
const PSEUDO = 'example.com/pseudo';
const PSEUDO_V = 'v0.0.0-20200102030405-abcdefabcdef';
const goMod = (path: string, extra = ''): string => `module ${path}\n\ngo 1.19\n${extra}`;

describe('offline mode: list and @latest from the versions held', () => {
  let fixture: FixtureProxy;
  let offline: ModgateInstance;
  let dataDir = '';
  let go: GoSandbox;

  before(async () => {
    const off = (version: string, extra = ''): Parameters<typeof FixtureProxy.create>[0][0] => ({
      path: OFF,
      version,
      files: { 'go.mod': goMod(OFF, extra), 'off.go': `package off\n\nconst V = "${version}"\n` },
    });
    fixture = await FixtureProxy.create([
      off('v1.0.0'),
      off('v1.1.0'),
      off('v1.2.0'),
      // The latest version retracts itself and v1.2.0: @latest is v1.1.0.
      off('v1.3.0', '\nretract [v1.2.0, v1.3.0]\n'),
      {
        path: PSEUDO,
        version: PSEUDO_V,
        files: { 'go.mod': goMod(PSEUDO), 'p.go': 'package pseudo\n' },
      },
    ]);
    // An online modgate stores the versions (never their lists), then stops.
    dataDir = await mkdtemp(join(tmpdir(), 'modgate-offline-'));
    const online = await startModgate({ upstream: fixture.url, dataDir });
    const versions = [
      ...['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0'].map((v) => `${OFF}/@v/${v}`),
      `${PSEUDO}/@v/${PSEUDO_V}`,
    ];
    for (const file of versions.flatMap((v) => [`${v}.info`, `${v}.mod`, `${v}.zip`])) {
      const res = await fetch(`${online.url}/${file}`);
      assert.equal(res.status, 200, file);
      await res.arrayBuffer();
    }
    await online.settle();
    await online.stop();
    await fixture.close();
    // The same data directory, served with no upstream at all.
    offline = await startModgate({ upstream: 'off', dataDir });
    go = await GoSandbox.create();
  });
  after(async () => {
    await offline.stop();
    await go.cleanup();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('@v/list and @latest say they come from the versions held', async () => {
    const list = await fetch(`${offline.url}/${OFF}/@v/list`);
    assert.equal(list.status, 200);
    assert.equal(list.headers.get('x-modgate-offline'), 'stored-versions');
    assert.equal(await list.text(), 'v1.0.0\nv1.1.0\nv1.2.0\nv1.3.0\n');
    const latest = await fetch(`${offline.url}/${OFF}/@latest`);
    assert.equal(latest.headers.get('x-modgate-offline'), 'stored-versions');
    assert.equal((JSON.parse(await latest.text()) as { Version: string }).Version, 'v1.1.0');
    // Only pseudo-versions held: an empty list, and @latest is the pseudo-version.
    assert.equal(await (await fetch(`${offline.url}/${PSEUDO}/@v/list`)).text(), '');
    const p = await fetch(`${offline.url}/${PSEUDO}/@latest`);
    assert.equal((JSON.parse(await p.text()) as { Version: string }).Version, PSEUDO_V);
    // A module not held is still not found.
    assert.equal((await fetch(`${offline.url}/example.com/absent/@v/list`)).status, 404);
  });

  test('go list -m -versions and go get @latest work against it', async () => {
    const dir = await go.newModule('example.com/app');
    const versions = await go.run(['list', '-m', '-versions', OFF], {
      proxy: offline.url,
      cwd: dir,
    });
    assert.equal(versions.code, 0, versions.stderr);
    // Retracted versions are hidden by the go command (they are in the list).
    assert.equal(versions.stdout.trim(), `${OFF} v1.0.0 v1.1.0`);

    const get = await go.run(['get', `${OFF}@latest`, `${PSEUDO}@latest`], {
      proxy: offline.url,
      cwd: dir,
    });
    assert.equal(get.code, 0, get.stderr);
    const mod = await readFile(join(dir, 'go.mod'), 'utf8');
    assert.match(mod, new RegExp(`${OFF} v1\\.1\\.0`));
    assert.match(mod, new RegExp(`${PSEUDO} ${PSEUDO_V}`));
  });
});
