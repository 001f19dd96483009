// The publish route's refusals, decided before a byte of the body is read (publish-route.ts).
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  PUBLISH_PREFIX,
  handlePublish,
  type PublishAuthorization,
} from '../../src/http/publish-route.js';
import type { Publisher } from '../../src/service/publisher.js';

describe('publish route refusals', () => {
  let server: Server;
  let refusal: PublishAuthorization = { ok: false, status: 401, body: 'no\n' };
  let published = 0;
  before(async () => {
    const publisher = {
      publish: () => {
        published++;
        throw new Error('must not be reached');
      },
    } as unknown as Publisher;
    server = createServer((req, res) => {
      void handlePublish(
        req,
        res,
        (req.url ?? '').split('?')[0] ?? '',
        { publisher, spoolDir: '/nonexistent', maxBytes: 1024, authorize: () => refusal },
        'req-1',
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function put(): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    const { port } = server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'PUT',
          path: `${PUBLISH_PREFIX}example.com/m/@v/v1.0.0`,
          headers: { 'content-length': '3' },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      req.end('zip');
    });
  }

  test('busy credential checks: 503 with Retry-After, nothing published', async () => {
    refusal = { ok: false, status: 503, body: 'credential checks busy\n' };
    const res = await put();
    assert.equal(res.status, 503);
    assert.equal(res.headers['retry-after'], '1');
    assert.equal(res.body, 'credential checks busy\n');
    assert.equal(published, 0);
  });

  test('wrong credentials: 401 with a challenge and no Retry-After', async () => {
    refusal = { ok: false, status: 401, body: 'no\n' };
    const res = await put();
    assert.equal(res.status, 401);
    assert.equal(res.headers['www-authenticate'], 'Basic realm="modgate"');
    assert.equal(res.headers['retry-after'], undefined);
    assert.equal(published, 0);
  });
});
