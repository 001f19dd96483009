import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from '../../src/log/index.js';
import { redactUrl } from '../../src/protocol/redact-url.js';

function sink(): { stream: Writable; text: () => string } {
  let out = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => out };
}

test('JSON lines by default on a non-terminal, with level and message', () => {
  const s = sink();
  const log = createLogger({ level: 'info', format: 'auto' }, s.stream);
  log.info({ reqId: 'abc' }, 'hello');
  const line = JSON.parse(s.text().trim()) as Record<string, unknown>;
  assert.equal(line.msg, 'hello');
  assert.equal(line.reqId, 'abc');
  assert.equal(line.level, 30);
});

test('secrets never reach the output', () => {
  for (const format of ['json', 'pretty'] as const) {
    const s = sink();
    const log = createLogger({ level: 'info', format }, s.stream);
    log.info(
      { headers: { authorization: 'Basic c2VjcmV0OnMzY3IzdA==' }, password: 'hunter2' },
      'x',
    );
    log.info({ upstream: redactUrl('https://alice:s3cr3t@proxy.example/base') }, 'y');
    const out = s.text();
    assert.doesNotMatch(out, /c2VjcmV0|hunter2|s3cr3t/);
    assert.match(out, /proxy\.example/);
  }
});
