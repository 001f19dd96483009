import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UpstreamResilience } from '../../../src/app/upstream-resilience.js';
import { loadConfig } from '../../../src/config/index.js';
import { ModgateError } from '../../../src/errors/index.js';
import { RecordingObserver, ScriptedUpstream } from './scripted-upstream.js';

const failing = (): ModgateError => new ModgateError('upstream', 'x: m/@v/list: 503');

/** Calls `list` until the breaker refuses; the number of calls that reached the upstream. */
async function callsUntilOpen(
  upstream: ScriptedUpstream,
  wrapped: { list: ScriptedUpstream['list'] },
): Promise<number> {
  for (let i = 0; i < 20; i++) {
    await wrapped.list('m', {}).catch(() => undefined);
  }
  return upstream.calls;
}

test('per_upstream settings by the entry as written, its URL without user information, or direct', async () => {
  const config = loadConfig({
    env: {
      MODGATE_UPSTREAM: 'https://user:s3cret@a.example|https://b.example|https://c.example,direct',
      MODGATE_RESILIENCE_RETRIES: '0',
      MODGATE_RESILIENCE_BREAKER_FAILURES: '5',
      MODGATE_RESILIENCE_PER_UPSTREAM:
        'https://a.example breaker_failures=1; https://b.example breaker_failures=2; direct breaker_failures=0',
    },
  });
  const observer = new RecordingObserver();
  const resilience = new UpstreamResilience(config, observer);
  const a = new ScriptedUpstream([failing()], 'https://a.example');
  const b = new ScriptedUpstream([failing()], 'https://b.example');
  const c = new ScriptedUpstream([failing()], 'https://c.example');
  const d = new ScriptedUpstream([failing()], 'direct');
  assert.equal(await callsUntilOpen(a, resilience.proxy('https://user:s3cret@a.example', a)), 1);
  assert.equal(await callsUntilOpen(b, resilience.proxy('https://b.example', b)), 2);
  assert.equal(await callsUntilOpen(c, resilience.proxy('https://c.example', c)), 5, 'defaults');
  const direct = resilience.direct(d);
  assert.equal(resilience.direct(d), direct, 'one stack for direct, however often asked');
  assert.equal(await callsUntilOpen(d, direct), 20, 'no breaker for direct');

  assert.deepEqual(
    resilience.health().map((h) => [h.upstream, h.state]),
    [
      ['https://a.example', 'open'],
      ['https://b.example', 'open'],
      ['https://c.example', 'open'],
      ['direct', 'closed'],
    ],
  );
  assert.ok(observer.events.includes('breaker https://a.example open'));
  assert.ok(!observer.events.some((e) => e.includes('s3cret')));
});

test('direct: one breaker per configured git host, a shared one for the rest (issue 16)', async () => {
  const config = loadConfig({
    env: {
      MODGATE_UPSTREAM: 'direct',
      MODGATE_PRIVATE: 'git.corp.example,*.other.example/team',
      MODGATE_RESILIENCE_RETRIES: '0',
      MODGATE_RESILIENCE_BREAKER_FAILURES: '2',
    },
  });
  const observer = new RecordingObserver();
  const resilience = new UpstreamResilience(config, observer);
  // The git server of git.corp.example is down; the others answer.
  const calls = new Map<string, number>();
  const inner = new ScriptedUpstream(['ok']);
  const list = inner.list.bind(inner);
  inner.list = async (m, ctx) => {
    const host = m.split('/')[0] ?? '';
    calls.set(host, (calls.get(host) ?? 0) + 1);
    if (host === 'git.corp.example') throw failing();
    return list(m, ctx);
  };
  const direct = resilience.direct(inner);
  for (let i = 0; i < 5; i++) {
    await direct.list('git.corp.example/a', {}).catch(() => undefined);
  }
  assert.equal(calls.get('git.corp.example'), 2, 'its breaker opened after 2 failures');
  // Other hosts still reach their servers: their own breaker (a pattern's), or the shared one.
  assert.deepEqual(await direct.list('x.other.example/team/m', {}), ['v1.0.0']);
  assert.deepEqual(await direct.list('github.com/acme/m', {}), ['v1.0.0']);
  assert.deepEqual(
    resilience.health().map((h) => [h.upstream, h.state]),
    [
      ['direct', 'closed'],
      ['direct:1', 'open'],
      ['direct:2', 'closed'],
    ],
  );
  // Labels are the configured hosts' positions: never a module path, nor a private host.
  assert.ok(observer.events.includes('breaker direct:1 open'));
  assert.ok(!observer.events.some((e) => /\/|example/.test(e)), observer.events.join('\n'));
});
