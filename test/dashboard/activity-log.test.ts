// The dashboard's activity ring (issue 15): bounded rings of recent requests and errors, the
// module of each request worked out when asked, filters, visibility, bounded top-module counts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ActivityLog,
  COUNTED_MODULES,
  RECENT_ERRORS,
  RECENT_REQUESTS,
  type ActivityEntry,
} from '../../src/dashboard/activity-log.js';

const entry = (path: string, status = 200, cache: unknown = 'hit'): ActivityEntry => ({
  method: 'GET',
  path,
  status,
  cache,
  ms: 1.5,
});
const all = (_path: string): boolean => true;

test('newest first, with module and version; the query is left out', () => {
  let now = Date.parse('2024-01-01T00:00:00Z');
  const log = new ActivityLog(() => now++);
  log.record(entry('/github.com/!burnt!sushi/toml/@v/v1.2.0.zip?x=1'));
  log.record(entry('/example.com/a/@v/list', 200, 'miss'));
  log.record(entry('/healthz', 200, null));
  log.record(entry('/sumdb/sum.golang.org/lookup/example.com/b@v1.0.0'));
  const { recent } = log.view({}, all);
  assert.deepEqual(
    recent.map((r) => [r.path, r.module, r.version, r.cache]),
    [
      ['/sumdb/sum.golang.org/lookup/example.com/b@v1.0.0', 'example.com/b', 'v1.0.0', 'hit'],
      ['/healthz', undefined, undefined, 'none'],
      ['/example.com/a/@v/list', 'example.com/a', undefined, 'miss'],
      [
        '/github.com/!burnt!sushi/toml/@v/v1.2.0.zip',
        'github.com/BurntSushi/toml',
        'v1.2.0',
        'hit',
      ],
    ],
  );
  assert.equal(recent[3]!.time, '2024-01-01T00:00:00.000Z');
});

test('requests under /-/ are not recorded (dashboard polling, paths naming modules)', () => {
  const log = new ActivityLog();
  log.record(entry('/-/api/modules/corp.example.com/secret'));
  log.record(entry('/-/api/publish/corp.example.com/secret/@v/v1.0.0'));
  assert.deepEqual(log.view({}, all).recent, []);
});

test('filters: status class, exact status, errors, module; invisible modules never shown', () => {
  const log = new ActivityLog();
  log.record(entry('/example.com/a/@v/v1.0.0.info', 200));
  log.record(entry('/example.com/a/@v/v9.0.0.info', 404));
  log.record(entry('/example.com/a/@v/v1.0.0.zip', 502));
  log.record(entry('/corp.example.com/x/@v/v1.0.0.zip', 403));
  const paths = (f: Parameters<ActivityLog['view']>[0], visible: (p: string) => boolean = all) =>
    log.view(f, visible).recent.map((r) => `${r.status} ${r.path}`);
  assert.deepEqual(paths({ status: '4xx' }), [
    '403 /corp.example.com/x/@v/v1.0.0.zip',
    '404 /example.com/a/@v/v9.0.0.info',
  ]);
  assert.deepEqual(paths({ status: '502' }), ['502 /example.com/a/@v/v1.0.0.zip']);
  assert.deepEqual(paths({ status: 'error' }), [
    '403 /corp.example.com/x/@v/v1.0.0.zip',
    '502 /example.com/a/@v/v1.0.0.zip',
  ]);
  assert.deepEqual(paths({ module: 'example.com/a', limit: 2 }), [
    '502 /example.com/a/@v/v1.0.0.zip',
    '404 /example.com/a/@v/v9.0.0.info',
  ]);
  const hidden = (p: string) => !p.startsWith('corp.');
  assert.deepEqual(paths({ status: 'error' }, hidden), ['502 /example.com/a/@v/v1.0.0.zip']);
  assert.deepEqual(
    log.view({}, hidden).errors.map((r) => r.status),
    [502], // 404 is an answer, not an error; 403 names an invisible module
  );
  assert.ok(log.view({}, hidden).topModules.every((m) => m.path !== 'corp.example.com/x'));
});

test('the rings are bounded; errors outlive a burst of successes', () => {
  const log = new ActivityLog();
  log.record(entry('/example.com/a/@v/v1.0.0.zip', 500));
  for (let i = 0; i < RECENT_REQUESTS + 10; i++)
    log.record(entry(`/example.com/a/@v/v1.0.${i}.info`));
  const view = log.view({ limit: 100_000 }, all);
  assert.equal(view.recent.length, RECENT_REQUESTS);
  assert.equal(view.recent[0]!.path, `/example.com/a/@v/v1.0.${RECENT_REQUESTS + 9}.info`);
  assert.deepEqual(
    view.errors.map((r) => r.status),
    [500],
  );
  for (let i = 0; i < RECENT_ERRORS + 5; i++)
    log.record(entry('/example.com/a/@v/v1.0.0.zip', 503));
  assert.equal(log.view({ limit: 100_000 }, all).errors.length, RECENT_ERRORS);
});

test('top modules: counted by module, bounded; the often requested survive pruning', () => {
  const log = new ActivityLog();
  for (let i = 0; i < 50; i++) log.record(entry('/example.com/popular/@v/v1.0.0.zip'));
  for (let i = 0; i < 20; i++) log.record(entry('/example.com/second/@latest'));
  for (let i = 0; i < COUNTED_MODULES * 2; i++) log.record(entry(`/example.com/tail${i}/@v/list`));
  const top = log.view({}, all).topModules;
  assert.deepEqual(top.slice(0, 2), [
    { path: 'example.com/popular', requests: 50 },
    { path: 'example.com/second', requests: 20 },
  ]);
  assert.equal(top.length, 10);
  const counts = (log as unknown as { counts: Map<string, number> }).counts;
  assert.ok(counts.size <= COUNTED_MODULES);
  // Counted per target, added up by module when asked: asking again counts nothing twice, and
  // requests after a view add to the same module's count.
  assert.deepEqual(log.view({}, all).topModules, top);
  log.record(entry('/example.com/popular/@v/list'));
  log.record(entry('/example.com/popular/@v/v1.0.0.zip'));
  assert.deepEqual(log.view({}, all).topModules[0], { path: 'example.com/popular', requests: 52 });
});

test("top modules: a request carrying its target's counter is counted there, added up as by target", () => {
  const log = new ActivityLog();
  const popular = { target: '/example.com/popular/@v/v1.0.0.zip', counted: 0, route: -1 };
  const list = { target: '/example.com/popular/@v/list', counted: 0, route: -1 };
  const other = { target: '/example.com/other/@latest', counted: 0, route: -1 };
  const root = { target: '/', counted: 0, route: -1 };
  const counted = (c: typeof popular): ActivityEntry => ({ ...entry(c.target), targetMemo: c });
  for (let i = 0; i < 30; i++) log.record(counted(popular));
  for (let i = 0; i < 5; i++) log.record(counted(list));
  for (let i = 0; i < 3; i++) log.record(counted(other));
  log.record(counted(root));
  // The same target without a counter (a request node:http read) adds to the same module.
  log.record(entry('/example.com/popular/@v/v1.0.0.zip'));
  assert.equal(popular.counted, 30, 'counted on the counter, not in a map');
  assert.deepEqual(log.view({}, all).topModules, [
    { path: 'example.com/popular', requests: 36 },
    { path: 'example.com/other', requests: 3 },
  ]);
  assert.equal(popular.counted, 0, 'the view added it up');
  assert.equal(log.view({}, all).recent.length, 40, 'every request is in the ring');
  // Asking again counts nothing twice; later requests add to the module's count.
  log.record(counted(popular));
  assert.deepEqual(log.view({}, all).topModules[0], { path: 'example.com/popular', requests: 37 });
  // Bounded: more counters than COUNTED_MODULES between two views are added up as they come.
  const many = Array.from({ length: COUNTED_MODULES + 10 }, (_, i) => ({
    target: `/example.com/tail${i}/@v/list`,
    counted: 0,
    route: -1,
  }));
  for (const c of many) log.record(counted(c));
  const listed = (log as unknown as { counters: unknown[] }).counters;
  assert.ok(listed.length <= COUNTED_MODULES);
  assert.deepEqual(log.view({}, all).topModules[0], { path: 'example.com/popular', requests: 37 });
});
