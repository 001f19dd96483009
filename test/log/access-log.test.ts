import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { accessLogFor, createLogger, type AccessEntry, type Logger } from '../../src/log/index.js';
import { formatMs } from '../../src/log/access-log.js';

/** A destination recording each write call separately. */
function sink(): { stream: Writable; writes: string[]; text: () => string } {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      writes.push(chunk.toString());
      cb();
    },
  });
  return { stream, writes, text: () => writes.join('') };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function jsonLogger(level: 'info' | 'warn' | 'silent' = 'info'): {
  logger: Logger;
  out: ReturnType<typeof sink>;
} {
  const out = sink();
  const logger = createLogger({ level, format: 'json' }, out.stream);
  return { logger, out };
}

const entries: AccessEntry[] = [
  {
    reqId: 'ab12cd34-1',
    method: 'GET',
    path: '/example.com/m/@v/v1.0.0.zip',
    status: 200,
    bytes: 2844,
    cache: 'hit',
    ms: 0.37,
    complete: true,
  },
  // No length, no cache header (a 304, an error cut short), an unfinished response.
  {
    reqId: 'ci-123',
    method: 'HEAD',
    path: '/x/@v/list?q=1',
    status: 304,
    bytes: undefined,
    cache: undefined,
    ms: 12,
    complete: false,
  },
  // Paths needing escapes: quotes, backslashes, control characters, latin-1 bytes.
  {
    reqId: 'r-2',
    method: 'GET',
    path: '/a"b\\c/\x01\x7f\u00e9/@latest',
    status: 404,
    bytes: '17',
    cache: 'miss',
    ms: 1234.56,
    complete: true,
  },
  {
    reqId: 'r-3',
    method: undefined,
    path: undefined,
    status: 500,
    bytes: ['1', '2'],
    cache: 'stale',
    ms: Number.NaN,
    complete: false,
  },
];

test('access lines are the lines pino writes for the same fields', async () => {
  const { logger, out } = jsonLogger();
  const access = accessLogFor(logger);
  for (const e of entries) {
    access.write(e);
    access.flush();
    const { reqId, method, path, status, bytes, cache, ms, complete } = e;
    logger.info({ reqId, method, path, status, bytes, cache, ms, complete }, 'request');
  }
  await nextTurn();
  const lines = out.text().trimEnd().split('\n');
  assert.equal(lines.length, 2 * entries.length);
  const sameTime = (l: string): string => l.replace(/"time":"[^"]*"/, '"time":"T"');
  for (let i = 0; i < entries.length; i++) {
    const mine = lines[2 * i] ?? '';
    const pinos = lines[2 * i + 1] ?? '';
    assert.equal(sameTime(mine), sameTime(pinos));
    assert.match(mine, /^\{"level":30,"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"/);
    assert.doesNotThrow(() => JSON.parse(mine) as unknown);
  }
  const first = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
  assert.deepEqual(Object.keys(first), [
    'level',
    'time',
    'service',
    'reqId',
    'method',
    'path',
    'status',
    'bytes',
    'cache',
    'ms',
    'complete',
    'msg',
  ]);
});

test('access lines are batched: one write per event-loop turn', async () => {
  const { logger, out } = jsonLogger();
  const access = accessLogFor(logger);
  const [e] = entries;
  assert.ok(e);
  access.write(e);
  access.write({ ...e, reqId: 'second' });
  assert.equal(out.writes.length, 0, 'nothing written before the turn ends');
  await nextTurn();
  assert.equal(out.writes.length, 1);
  assert.equal(out.writes[0]?.split('\n').length, 3);
  access.write({ ...e, reqId: 'third' });
  await nextTurn();
  assert.equal(out.writes.length, 2);
  assert.match(out.writes[1] ?? '', /"reqId":"third"/);
});

test('a large batch is written before the turn ends', () => {
  const { logger, out } = jsonLogger();
  const access = accessLogFor(logger);
  const [e] = entries;
  assert.ok(e);
  for (let i = 0; i < 1000; i++) access.write({ ...e, reqId: `r-${i}` });
  assert.ok(out.writes.length >= 1, 'flushed at 64 KiB');
  assert.ok(out.writes.every((w) => w.length < 70 * 1024));
  access.flush();
  assert.equal(out.text().split('\n').length, 1001);
});

test("pino's own lines keep their place after batched access lines", () => {
  const { logger, out } = jsonLogger();
  const access = accessLogFor(logger);
  const [e] = entries;
  assert.ok(e);
  access.write(e);
  logger.warn({ reqId: e.reqId }, 'request failed');
  const lines = out.text().trimEnd().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0] ?? '', /"msg":"request"/);
  assert.match(lines[1] ?? '', /"msg":"request failed"/);
});

test('the log level applies: no access lines above info', async () => {
  for (const level of ['warn', 'silent'] as const) {
    const { logger, out } = jsonLogger(level);
    const [e] = entries;
    assert.ok(e);
    accessLogFor(logger).write(e);
    await nextTurn();
    assert.equal(out.text(), '');
  }
});

test('pretty output gets the access line through pino', () => {
  const out = sink();
  const logger = createLogger({ level: 'info', format: 'pretty' }, out.stream);
  const [e] = entries;
  assert.ok(e);
  accessLogFor(logger).write(e);
  const text = out.text();
  assert.match(text, /request/);
  assert.match(text, /\/example\.com\/m\/@v\/v1\.0\.0\.zip/);
  assert.match(text, /ab12cd34-1/);
});

test('batched lines are written when the process exits', () => {
  const logIndex = fileURLToPath(new URL('../../src/log/index.js', import.meta.url));
  const script = `
    const { createLogger, accessLogFor } = await import(${JSON.stringify(logIndex)});
    const logger = createLogger({ level: 'info', format: 'json' }, process.stdout);
    const access = accessLogFor(logger);
    for (let i = 0; i < 3; i++) {
      access.write({ reqId: 'x-' + i, method: 'GET', path: '/p', status: 200, bytes: 1,
        cache: 'hit', ms: 0.1, complete: true });
    }
    process.exit(0);
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.deepEqual(
    lines.map((l) => (JSON.parse(l) as { reqId: string }).reqId),
    ['x-0', 'x-1', 'x-2'],
  );
});

test('durations are written as String() writes them', () => {
  for (let c = 0; c <= 200_000; c++) {
    const ms = Math.round((c / 100) * 100) / 100;
    assert.equal(formatMs(ms), String(ms), `${c}`);
  }
  for (const ms of [123456789.12, 1e12 / 100 + 0.5, 0.001, 1.005, -1, Number.NaN, Infinity, 1e21]) {
    assert.equal(formatMs(ms), Number.isFinite(ms) ? String(ms) : 'null', String(ms));
  }
});

test(
  "logger.flush writes batched lines and calls back (pino's flush contract)",
  { timeout: 5000 },
  async () => {
    const { logger, out } = jsonLogger();
    const [e] = entries;
    assert.ok(e);
    accessLogFor(logger).write(e);
    await new Promise<void>((resolve, reject) =>
      logger.flush((err) => (err ? reject(err) : resolve())),
    );
    assert.match(out.text(), /"msg":"request"/);
  },
);
