// Read access on the routes besides GOPROXY paths (issue 14 item 2): checksum database lookups
// and own-database tiles, the index feed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IncomingMessage } from 'node:http';
import { AuthGate, readableFeed } from '../../src/http/auth-gate.js';
import { sumdbDenial } from '../../src/http/auth-sumdb.js';
import type { IndexFeedRoute } from '../../src/http/index-feed-handler.js';
import { ANONYMOUS, compilePolicy, type Principal } from '../../src/policy/index.js';
import type { SumdbProxyDeps } from '../../src/sumdb/proxy/index.js';

const policy = compilePolicy({
  private: 'corp.example.com',
  noVerify: '',
  insecure: '',
  vcsPolicy: '',
  access: { rules: ['corp.example.com read=@dev'], defaultRead: 'anonymous', defaultPublish: '' },
});
const gate = new AuthGate({ authenticator: undefined, policy });
const alice: Principal = { user: 'alice', groups: ['dev'] };
const bob: Principal = { user: 'bob', groups: [] };
const deps = {
  databases: [{ name: 'sum.golang.org' }],
  hosted: [{ name: 'modgate' }],
  policy,
} as unknown as SumdbProxyDeps;

test('sumdb: lookups need read access to their module; own tiles and head need a user', () => {
  const status = (who: Principal, path: string) => sumdbDenial(gate, who, path, deps)?.status;
  const ownLookup = '/sumdb/modgate/lookup/corp.example.com/app@v1.0.0';
  assert.equal(status(ANONYMOUS, ownLookup), 401);
  assert.equal(status(bob, ownLookup), 404);
  assert.equal(status(alice, ownLookup), undefined);
  assert.equal(status(bob, '/sumdb/sum.golang.org/lookup/corp.example.com/app@v1.0.0'), 404);
  assert.equal(status(ANONYMOUS, '/sumdb/sum.golang.org/lookup/rsc.io/quote@v1.5.2'), undefined);
  // modgate's own tiles list private names: authenticated users only (any of them).
  for (const path of [
    '/sumdb/modgate/tile/8/data/000',
    '/sumdb/modgate/tile/8/0/000',
    '/sumdb/modgate/latest',
  ]) {
    assert.equal(status(ANONYMOUS, path), 401, path);
    assert.equal(status(bob, path), undefined, path);
  }
  // A public database's tiles hold public modules only; `supported` reveals nothing.
  assert.equal(status(ANONYMOUS, '/sumdb/sum.golang.org/tile/8/data/000'), undefined);
  assert.equal(status(ANONYMOUS, '/sumdb/modgate/supported'), undefined);
  // Nothing restricts reading: nothing is checked.
  const open = new AuthGate({
    authenticator: undefined,
    policy: compilePolicy({
      private: 'corp.example.com',
      noVerify: '',
      insecure: '',
      vcsPolicy: '',
    }),
  });
  assert.equal(sumdbDenial(open, ANONYMOUS, '/sumdb/modgate/tile/8/data/000', deps), undefined);
});

test('index feed: a module is listed to who may read it; private ones to users only', () => {
  const route: IndexFeedRoute = {
    log: { read: () => Promise.resolve([]) },
    visible: (_req, path) => !policy.forModule(path).private,
  };
  const req = {} as IncomingMessage;
  const sees = (who: Principal, path: string) => readableFeed(gate, who, route).visible(req, path);
  assert.equal(sees(alice, 'corp.example.com/app'), true);
  assert.equal(sees(bob, 'corp.example.com/app'), false);
  assert.equal(sees(ANONYMOUS, 'corp.example.com/app'), false);
  assert.equal(sees(ANONYMOUS, 'rsc.io/quote'), true);
  assert.equal(sees(bob, 'rsc.io/quote'), true);
});
