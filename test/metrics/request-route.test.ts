import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROUTES, requestRoute } from '../../src/metrics/request-route.js';

test('requestRoute: the route kind from the shape of the target alone', () => {
  const cases: [string | undefined, string][] = [
    ['/github.com/!azure/go/@v/list', 'list'],
    ['/github.com/x/y/@v/list?x=1', 'list'],
    ['/github.com/x/y/@latest', 'latest'],
    ['/github.com/x/y/@v/v1.2.3.info', 'info'],
    ['/github.com/x/y/@v/master.info', 'info'],
    ['/github.com/x/y/@v/v1.2.3.mod', 'mod'],
    ['/github.com/x/y/@v/v1.2.3.zip', 'zip'],
    ['/github.com/x/y/@v/v1.2.3.zip?go-get=1', 'zip'],
    ['/github.com/x/y/@v/v1.2.3.tar', 'other'],
    ['/sumdb/sum.golang.org/lookup/github.com/x/y@v1.2.3', 'sumdb'],
    ['/sumdb/sum.golang.org/supported', 'sumdb'],
    ['/healthz', 'health'],
    ['/readyz', 'health'],
    ['/readyz?verbose', 'health'],
    ['/metrics', 'metrics'],
    ['/', 'other'],
    ['/version', 'other'],
    ['/.well-known/modgate/client-config', 'other'],
    ['/github.com/x/y', 'other'],
    [undefined, 'other'],
  ];
  for (const [target, route] of cases) {
    assert.equal(ROUTES[requestRoute(target)], route, String(target));
  }
});
