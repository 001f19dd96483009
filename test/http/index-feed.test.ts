import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';

interface Line {
  Path: string;
  Version: string;
  Timestamp: string;
}

describe('GET /index: the feed of versions stored', () => {
  let fixture: FixtureProxy;
  let modgate: ModgateInstance;
  const versions = ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0-pre'];

  before(async () => {
    fixture = await FixtureProxy.create([
      ...versions.map((version) => ({ path: 'example.com/Feed', version })),
      { path: 'example.com/other', version: 'v0.1.0' },
    ]);
    modgate = await startModgate({ upstream: fixture.url, private: 'example.com/secret' });
  });
  after(async () => {
    await modgate.stop();
    await fixture.close();
  });

  const feed = async (query = ''): Promise<{ res: Response; lines: Line[]; text: string }> => {
    const res = await fetch(`${modgate.url}/index${query}`);
    const text = await res.text();
    const lines =
      text === ''
        ? []
        : text
            .trimEnd()
            .split('\n')
            .map((l) => JSON.parse(l) as Line);
    return { res, lines, text };
  };

  test('lists the versions whose zip was stored, in order, in index.golang.org format', async () => {
    assert.deepEqual((await feed()).lines, []);
    for (const v of versions) {
      const res = await fetch(`${modgate.url}/example.com/!feed/@v/${v}.zip`);
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      await modgate.settle();
    }
    // A .mod alone is not a stored version.
    await (await fetch(`${modgate.url}/example.com/other/@v/v0.1.0.mod`)).arrayBuffer();
    await modgate.settle();

    const { res, lines, text } = await feed();
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.deepEqual(
      lines.map((l) => `${l.Path}@${l.Version}`),
      versions.map((v) => `example.com/Feed@${v}`),
    );
    for (const line of text.trimEnd().split('\n')) {
      assert.match(
        line,
        /^\{"Path":"example\.com\/Feed","Version":"v[^"]+","Timestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z"\}$/,
      );
    }
    // In time order. Not as strings: Go's format trims trailing zeros (".2Z" is after ".167Z").
    const stamps = lines.map((l) => Date.parse(l.Timestamp));
    assert.deepEqual(
      [...stamps].sort((a, b) => a - b),
      stamps,
    );

    // Paging: since is inclusive, limit bounds the page.
    const page1 = (await feed('?limit=2')).lines;
    assert.deepEqual(page1, lines.slice(0, 2));
    const page2 = (await feed(`?since=${page1[1]?.Timestamp ?? ''}&limit=2`)).lines;
    assert.deepEqual(page2, lines.slice(1, 3));
    const future = (await feed('?since=2999-01-01T00:00:00Z')).lines;
    assert.deepEqual(future, []);
  });

  test('a bad query is a 400 that names the parameter', async () => {
    const res = await fetch(`${modgate.url}/index?since=yesterday`);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /since=yesterday: not an RFC 3339 time/);
    assert.equal((await fetch(`${modgate.url}/index?limit=x`)).status, 400);
  });

  test('modules matching private are not listed', async () => {
    // A record as a sync or an earlier process would have left it.
    const dir = join(modgate.dataDir, 'index', '2020-01-01', '00');
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'test'),
      '{"Path":"example.com/secret/x","Version":"v1.0.0","Timestamp":"2020-01-01T00:00:00Z"}\n' +
        '{"Path":"example.com/public","Version":"v1.0.0","Timestamp":"2020-01-01T00:00:01Z"}\n',
    );
    const { lines } = await feed('?limit=1');
    assert.deepEqual(lines, [
      { Path: 'example.com/public', Version: 'v1.0.0', Timestamp: '2020-01-01T00:00:01Z' },
    ]);
  });
});
