import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

const logIndex = pathToFileURL(join(import.meta.dirname, '../../src/log/index.js')).href;

/** Runs `code` (an ES module) with stdout a file every write to which fails (read-only: EBADF). */
function withUnwritableStdout(code: string): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'log-failures-'));
  try {
    const file = join(dir, 'out.log');
    closeSync(openSync(file, 'w'));
    const fd = openSync(file, 'r');
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
      stdio: ['ignore', fd, 'pipe'],
      encoding: 'utf8',
      timeout: 60_000,
    });
    closeSync(fd);
    return { status: r.status, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Without createLogger's handler the first failed write ends the child (exit 1): Node's
// unhandled 'error' event on process.stdout.
test('a log that cannot be written loses its lines, not the process, and says so once on stderr', () => {
  const r = withUnwritableStdout(`
    import { accessLogFor, createLogger } from ${JSON.stringify(logIndex)};
    const logger = createLogger({ level: 'info', format: 'json' });
    const access = accessLogFor(logger);
    logger.info('first');
    for (let i = 0; i < 100; i++) {
      access.write({ reqId: 'r' + i, method: 'GET', path: '/x', status: 200, bytes: 1,
        cache: 'hit', ms: 0.1, complete: true });
      await new Promise((r) => setImmediate(r));
    }
    logger.error('last');
    await new Promise((r) => setTimeout(r, 50));
    process.stderr.write('still serving\\n');
  `);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 2, r.stderr);
  assert.match(
    lines[0] ?? '',
    /^modgate: the log could not be written to standard output \(EBADF: bad file descriptor, write\); 1 write failed, their lines are lost; modgate goes on serving$/,
  );
  assert.equal(lines[1], 'still serving');
});
