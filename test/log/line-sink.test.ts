import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

const logIndex = pathToFileURL(join(import.meta.dirname, '../../src/log/index.js')).href;

/**
 * A child process that logs through createLogger's default output (its stdout): a pino line,
 * 3,000 access lines (several batches, one longer than a batch's buffer), another pino line.
 * It counts the calls of process.stdout.write and reports them on stderr.
 */
const CHILD = `
import { accessLogFor, createLogger } from ${JSON.stringify(logIndex)};
let streamWrites = 0;
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (...args) => { streamWrites++; return write(...args); };
const logger = createLogger({ level: 'info', format: 'json' });
const access = accessLogFor(logger);
logger.info('first');
for (let i = 0; i < 3000; i++) {
  access.write({ reqId: 'r' + i, method: 'GET', path: '/m/@v/v1.0.' + i + '.info', status: 200,
    bytes: 42, cache: 'hit', ms: 0.25, complete: true });
  if (i === 1500) access.write({ reqId: 'long', method: 'GET', path: '/' + 'é'.repeat(70000),
    status: 404, bytes: undefined, cache: undefined, ms: 1, complete: true });
  if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
}
logger.warn('last');
process.on('exit', () => process.stderr.write('streamWrites=' + streamWrites));
`;

function runChild(stdout: 'file' | 'pipe'): { lines: string[]; streamWrites: number } {
  const dir = mkdtempSync(join(tmpdir(), 'line-sink-'));
  try {
    const file = join(dir, 'out.log');
    const fd = stdout === 'file' ? openSync(file, 'w') : undefined;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD], {
      stdio: ['ignore', fd ?? 'pipe', 'pipe'],
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (fd !== undefined) closeSync(fd);
    assert.equal(r.status, 0, r.stderr);
    const text = stdout === 'file' ? readFileSync(file, 'utf8') : r.stdout;
    const m = /streamWrites=(\d+)/.exec(r.stderr);
    assert.ok(m, r.stderr);
    return { lines: text.split('\n').filter((l) => l !== ''), streamWrites: Number(m[1]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function checkLines(lines: string[]): void {
  assert.equal(lines.length, 3003);
  const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(parsed[0]?.msg, 'first');
  assert.equal(parsed[3002]?.msg, 'last');
  assert.equal(parsed[3002]?.level, 40);
  const ids = parsed.slice(1, 3002).map((p) => p.reqId);
  const want = Array.from({ length: 3000 }, (_, i) => `r${i}`);
  want.splice(1501, 0, 'long');
  assert.deepEqual(ids, want);
  assert.equal(parsed[1502]?.path, '/' + 'é'.repeat(70000));
}

test('stdout redirected to a file: lines in order, written to the descriptor, not the stream', () => {
  const { lines, streamWrites } = runChild('file');
  checkLines(lines);
  // The stream would make a Buffer of every batch (line-sink.ts); the sink writes the fd itself.
  assert.equal(streamWrites, 0);
});

test('stdout a pipe: the same lines, through the stream', () => {
  const { lines, streamWrites } = runChild('pipe');
  checkLines(lines);
  assert.ok(streamWrites > 0);
});

test('a write that fails fails as the stream did: after the call returns, as an error event', () => {
  const dir = mkdtempSync(join(tmpdir(), 'line-sink-'));
  try {
    const file = join(dir, 'out.log');
    closeSync(openSync(file, 'w'));
    // A regular file opened read-only: every write to it fails (EBADF).
    const fd = openSync(file, 'r');
    const child = `
      import { createLogger } from ${JSON.stringify(logIndex)};
      const logger = createLogger({ level: 'info', format: 'json' });
      process.stdout.once('error', (e) => {
        process.stderr.write('error event ' + e.code + '\\n');
        process.exitCode = 3;
      });
      logger.info('first');
      process.stderr.write('returned\\n');
      logger.info('second');
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', child], {
      stdio: ['ignore', fd, 'pipe'],
      encoding: 'utf8',
      timeout: 60_000,
    });
    closeSync(fd);
    assert.equal(r.status, 3, r.stderr);
    // After the call returned, once (createLogger's handler reports it too: log-write-failures).
    assert.match(r.stderr, /^returned\n/);
    assert.match(r.stderr, /\nerror event EBADF\n/);
    assert.equal(r.stderr.split('error event').length, 2, r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
