import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import { HttpClient } from '../../src/upstream/http-client.js';
import { MAX_METADATA_BYTES, ProxyUpstream } from '../../src/upstream/proxy-upstream.js';
import { FixtureProxy } from '../support/fixture-proxy.js';

const HTML = '<!DOCTYPE html>\n<html><body><h1>Sign in to continue</h1></body></html>\n';

/** What an upstream proxy answers with 200 is checked before modgate keeps or relays it. */
describe('ProxyUpstream: content answered with 200', () => {
  let fixture: FixtureProxy;
  let http: HttpClient;
  let upstream: ProxyUpstream;
  before(async () => {
    fixture = await FixtureProxy.create([
      { path: 'example.com/a', version: 'v1.0.0' },
      { path: 'example.com/b', version: 'v1.0.0' },
    ]);
    http = new HttpClient({ connectTimeoutMs: 2000, maxConnections: 4, userAgent: 'modgate-test' });
    upstream = new ProxyUpstream(fixture.url, http, {
      metadataTimeoutMs: 5000,
      zipTimeoutMs: 5000,
      maxZipBytes: 1 << 20,
      maxModBytes: 1 << 20,
      maxMetadataBytes: 1 << 20,
    });
  });
  after(async () => {
    await http.close();
    await fixture.close();
  });

  async function failure(op: Promise<unknown>): Promise<ModgateError> {
    try {
      await op;
    } catch (err) {
      assert.ok(err instanceof ModgateError, String(err));
      return err;
    }
    assert.fail('expected the upstream answer to be refused');
  }

  test('a real go.mod and list pass', async () => {
    const mod = await upstream.mod('example.com/a', 'v1.0.0', {});
    assert.match(mod.toString(), /^module example\.com\/a/m);
    assert.deepEqual(await upstream.list('example.com/a', {}), ['v1.0.0']);
  });

  test('an HTML page as .mod is an upstream error', async () => {
    fixture.overrides.set('example.com/b/@v/v1.0.0.mod', { body: HTML, contentType: 'text/html' });
    const err = await failure(upstream.mod('example.com/b', 'v1.0.0', {}));
    assert.equal(err.kind, 'upstream');
    assert.match(
      err.message,
      /example\.com\/b@v1\.0\.0\.mod: the upstream answer is not a go\.mod/,
    );
  });

  test('a .mod of another major version is an upstream error', async () => {
    fixture.overrides.set('example.com/b/@v/v1.0.0.mod', { body: 'module example.com/b/v2\n' });
    const err = await failure(upstream.mod('example.com/b', 'v1.0.0', {}));
    assert.equal(err.kind, 'upstream');
    assert.match(err.message, /declares module "example\.com\/b\/v2"/);
  });

  test('an HTML page as @v/list is an upstream error; stray lines beside versions are kept', async () => {
    fixture.overrides.set('example.com/b/@v/list', { body: HTML, contentType: 'text/html' });
    const err = await failure(upstream.list('example.com/b', {}));
    assert.equal(err.kind, 'upstream');
    assert.match(err.message, /not a version list/);
    fixture.overrides.set('example.com/b/@v/list', {
      body: 'v1.0.0\nnot-a-version\nv1.1.0 extra\n',
    });
    assert.deepEqual(await upstream.list('example.com/b', {}), [
      'v1.0.0',
      'not-a-version',
      'v1.1.0 extra',
    ]);
    fixture.overrides.set('example.com/b/@v/list', { body: '' });
    assert.deepEqual(await upstream.list('example.com/b', {}), []);
  });

  test('an HTML page as .info is an upstream error', async () => {
    fixture.overrides.set('example.com/b/@v/v1.0.0.info', { body: HTML, contentType: 'text/html' });
    const err = await failure(upstream.info('example.com/b', 'v1.0.0', {}));
    assert.equal(err.kind, 'upstream');
  });
});

test('ProxyUpstream: list, .info and @latest bodies are capped at MAX_METADATA_BYTES by default', async () => {
  const fixture = await FixtureProxy.create([{ path: 'example.com/c', version: 'v1.0.0' }]);
  const http = new HttpClient({ connectTimeoutMs: 2000, maxConnections: 4, userAgent: 't' });
  try {
    const upstream = new ProxyUpstream(fixture.url, http, {
      metadataTimeoutMs: 5000,
      zipTimeoutMs: 5000,
      maxZipBytes: 1 << 20,
      maxModBytes: 1 << 20,
    });
    const line = 'v1.0.0\n';
    const fits = line.repeat(Math.floor(MAX_METADATA_BYTES / line.length));
    fixture.overrides.set('example.com/c/@v/list', { body: fits });
    assert.equal((await upstream.list('example.com/c', {})).length, fits.length / line.length);
    fixture.overrides.set('example.com/c/@v/list', { body: fits + line });
    await assert.rejects(
      upstream.list('example.com/c', {}),
      (err: unknown) => err instanceof ModgateError && err.kind === 'too-large',
    );
  } finally {
    await http.close();
    await fixture.close();
  }
});
