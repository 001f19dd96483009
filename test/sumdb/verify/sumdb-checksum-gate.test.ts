import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Logger } from 'pino';
import { ModgateError } from '../../../src/errors/index.js';
import { compilePolicy } from '../../../src/policy/index.js';
import type { FileToStore } from '../../../src/service/checksum-gate.js';
import { SumdbChecksumGate, compareWithDatabase } from '../../../src/sumdb/verify/index.js';
import { TestSumdb } from '../../support/test-sumdb.js';
import { clientFor, fakeHash, fakeRecords, type ClientEnv } from '../client/sumdb-test-env.js';

const records = fakeRecords(20);
const rec = (i: number) => records[i]!;

interface LogLine {
  level: 'warn' | 'debug';
  fields: Record<string, unknown>;
  msg: string;
}

function capturingLogger(): { logger: Pick<Logger, 'warn' | 'debug'>; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (fields: Record<string, unknown>, msg: string) =>
    lines.push({ level, fields, msg });
  return {
    logger: { warn: at('warn'), debug: at('debug') } as unknown as Pick<Logger, 'warn' | 'debug'>,
    lines,
  };
}

function file(i: number, kind: 'zip' | 'mod', over: Partial<FileToStore> = {}): FileToStore {
  const r = rec(i);
  return {
    modulePath: r.path,
    version: r.version,
    file: kind,
    hash: kind === 'zip' ? r.zipHash : r.modHash,
    isPrivate: false,
    ...over,
  };
}

const live = () => ({ signal: new AbortController().signal });

function refusal(kind: string, pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof ModgateError, String(err));
    assert.equal(err.kind, kind, err.message);
    assert.match(err.message, pattern);
    return true;
  };
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('compareWithDatabase (cmd/go checkSumDB)', () => {
  const lines = ['m v1.0.0 h1:zip=', 'm v1.0.0/go.mod h1:mod='];
  test('match, mismatch with the expected hash, no line', () => {
    assert.deepEqual(compareWithDatabase(lines, 'm', 'v1.0.0', 'zip', 'h1:zip='), {
      result: 'match',
    });
    assert.deepEqual(compareWithDatabase(lines, 'm', 'v1.0.0', 'mod', 'h1:mod='), {
      result: 'match',
    });
    assert.deepEqual(compareWithDatabase(lines, 'm', 'v1.0.0', 'zip', 'h1:other='), {
      result: 'mismatch',
      expected: 'h1:zip=',
    });
    assert.deepEqual(compareWithDatabase(lines, 'm', 'v1.0.0', 'mod', 'h1:zip='), {
      result: 'mismatch',
      expected: 'h1:mod=',
    });
    assert.deepEqual(compareWithDatabase(lines.slice(0, 1), 'm', 'v1.0.0', 'mod', 'h1:x='), {
      result: 'unlisted',
    });
    // Another version's or another hash algorithm's line is not this file's.
    assert.deepEqual(
      compareWithDatabase(['m v1.0.01 h1:a=', 'm v1.0.0 h2:b='], 'm', 'v1.0.0', 'zip', 'h1:c='),
      {
        result: 'unlisted',
      },
    );
  });
});

describe('SumdbChecksumGate against a test database', () => {
  let db: TestSumdb;
  const envs: ClientEnv[] = [];
  before(async () => {
    db = await TestSumdb.create({
      records: [
        ...records,
        // A record without a go.mod line.
        {
          path: 'example.com/nomod',
          version: 'v1.0.0',
          zipHash: fakeHash('nomod'),
          modHash: '',
          text: `example.com/nomod v1.0.0 ${fakeHash('nomod')}\n`,
        },
      ],
    });
  });
  after(async () => {
    for (const env of envs) await env.close();
    await db.close();
  });

  const NO_PATTERNS = { private: '', noVerify: '', insecure: '', vcsPolicy: '' };

  function gateFor(
    opts: { noVerify?: string; onUnreachable?: 'refuse' | 'allow'; env?: ClientEnv } = {},
  ) {
    const env = opts.env ?? clientFor(db);
    envs.push(env);
    const { logger, lines } = capturingLogger();
    const gate = new SumdbChecksumGate({
      client: env.client,
      policy: compilePolicy({ ...NO_PATTERNS, noVerify: opts.noVerify ?? '' }),
      onUnreachable: opts.onUnreachable ?? 'refuse',
      logger,
    });
    return { gate, lines, env };
  }

  test('matching hashes pass; zip and go.mod of one version need one lookup', async () => {
    const { gate } = gateFor();
    const before = db.requestsFor('/lookup/').length;
    await gate.check(file(1, 'mod'), live());
    await gate.check(file(1, 'zip'), live());
    assert.deepEqual(db.requestsFor('/lookup/').slice(before), [
      `/lookup/${rec(1).path}@${rec(1).version}`,
    ]);
    assert.equal(gate.counts().verified, 2);
    assert.equal(gate.database, db.name);
  });

  test('a mismatch is refused naming the module, the file and both hashes; logged and counted', async () => {
    const { gate, lines } = gateFor();
    const bad = fakeHash('tampered');
    await assert.rejects(
      gate.check(file(2, 'zip', { hash: bad }), live()),
      refusal(
        'checksum',
        new RegExp(
          `^checksum mismatch for ${esc(rec(2).path)}@v1\\.0\\.2 zip: checksum database sumdb\\.modgate\\.test has ${esc(rec(2).zipHash)}, the upstream served ${esc(bad)}; not stored$`,
        ),
      ),
    );
    await assert.rejects(
      gate.check(file(3, 'mod', { hash: bad }), live()),
      refusal(
        'checksum',
        new RegExp(
          `^checksum mismatch for ${esc(rec(3).path)}@v1\\.0\\.3 go\\.mod: .* has ${esc(rec(3).modHash)}, the upstream served ${esc(bad)}`,
        ),
      ),
    );
    const warned = lines.filter((l) => l.level === 'warn');
    assert.equal(warned.length, 2);
    assert.match(warned[0]!.msg, /checksum mismatch/);
    assert.deepEqual(warned[0]!.fields, {
      module: rec(2).path,
      version: rec(2).version,
      file: 'zip',
      database: db.name,
      expected: rec(2).zipHash,
      actual: bad,
      mismatches: 1,
    });
    assert.equal(warned[1]!.fields.mismatches, 2);
    assert.equal(gate.counts().mismatches, 2);
    assert.equal(gate.counts().verified, 0);
  });

  test('a record without a line for the file passes, as in the go command', async () => {
    const { gate } = gateFor();
    await gate.check(
      {
        modulePath: 'example.com/nomod',
        version: 'v1.0.0',
        file: 'mod',
        hash: fakeHash('x'),
        isPrivate: false,
      },
      live(),
    );
    assert.equal(gate.counts().unlisted, 1);
  });

  test('a version the database does not know is refused (the go command fails too)', async () => {
    const { gate, lines } = gateFor({ onUnreachable: 'allow' });
    await assert.rejects(
      gate.check(file(1, 'zip', { modulePath: 'example.com/unknown' }), live()),
      refusal(
        'checksum',
        /^verifying example\.com\/unknown@v1\.0\.1 zip: checksum database sumdb\.modgate\.test has no record of it \(.*404 Not Found.*\); not stored$/,
      ),
    );
    assert.equal(gate.counts().unknownToDatabase, 1);
    assert.equal(lines.filter((l) => l.level === 'warn').length, 1);
  });

  test('private paths and no_verify patterns are never looked up', async () => {
    const { gate } = gateFor({ noVerify: 'example.com/m4,*.corp.example' });
    const before = db.requests.length;
    await gate.check(file(5, 'zip', { isPrivate: true, hash: fakeHash('anything') }), live());
    await gate.check(file(4, 'zip', { hash: fakeHash('anything') }), live());
    await gate.check(file(4, 'mod', { modulePath: 'git.corp.example/x', hash: 'h1:x' }), live());
    assert.deepEqual(db.requests.slice(before), []);
    assert.deepEqual([gate.counts().skippedPrivate, gate.counts().skippedNoVerify], [1, 2]);
    // A prefix pattern matches whole path elements only: m40 is still checked.
    await assert.rejects(
      gate.check({ ...file(4, 'zip'), modulePath: 'example.com/m40', hash: 'h1:x' }, live()),
      /has no record/,
    );
  });

  test('an unreachable database: refused by default, stored unverified with allow', async () => {
    const down = await TestSumdb.create({ records: records.slice(0, 3) });
    await down.close();
    const refuse = gateFor({ env: clientFor(down) });
    await assert.rejects(
      refuse.gate.check(file(1, 'zip'), live()),
      refusal(
        'upstream',
        new RegExp(
          `^checksum database sumdb\\.modgate\\.test could not be reached \\(.*ECONNREFUSED.*\\), so ${esc(rec(1).path)}@v1\\.0\\.1 zip was not stored; try again later$`,
        ),
      ),
    );
    assert.equal(refuse.gate.counts().unreachableRefused, 1);
    assert.equal(refuse.lines.filter((l) => l.level === 'warn').length, 1);

    const allow = gateFor({ env: clientFor(down), onUnreachable: 'allow' });
    await allow.gate.check(file(1, 'zip'), live());
    assert.equal(allow.gate.counts().unreachableAllowed, 1);
    const warned = allow.lines.filter((l) => l.level === 'warn');
    assert.equal(warned.length, 1);
    assert.match(warned[0]!.msg, /stored unverified/);
    assert.equal(warned[0]!.fields.module, rec(1).path);
  });

  test('a database answering 5xx or too slowly counts as unreachable', async () => {
    const slow = await TestSumdb.create({ records: records.slice(0, 3) });
    try {
      slow.overrides.set(`/lookup/${rec(0).path}@${rec(0).version}`, { status: 503, body: 'busy' });
      const { gate } = gateFor({ env: clientFor(slow) });
      await assert.rejects(
        gate.check(file(0, 'zip'), live()),
        refusal('upstream', /could not be reached \(.*503 Service Unavailable: busy\)/),
      );
      slow.delayMs = 1000;
      const hurried = gateFor({ env: clientFor(slow, { timeoutMs: 100 }) });
      await assert.rejects(
        hurried.gate.check(file(1, 'zip'), live()),
        refusal('upstream', /could not be reached/),
      );
      const allowed = gateFor({ env: clientFor(slow, { timeoutMs: 100 }), onUnreachable: 'allow' });
      await allowed.gate.check(file(2, 'zip'), live());
      assert.equal(allowed.gate.counts().unreachableAllowed, 1);
    } finally {
      await slow.close();
    }
  });

  test('answers that do not verify are refused even with on_unreachable: allow', async () => {
    const bad = await TestSumdb.create({ records: records.slice(0, 5) });
    try {
      const { gate } = gateFor({ env: clientFor(bad), onUnreachable: 'allow' });
      // A spoiled signature.
      bad.transform = (path, body) => {
        if (!path.startsWith('/lookup/')) return body;
        const text = body.toString('utf8');
        const i = text.lastIndexOf(' ') + 5;
        return Buffer.from(text.slice(0, i) + (text[i] === 'A' ? 'B' : 'A') + text.slice(i + 1));
      };
      await assert.rejects(
        gate.check(file(1, 'zip'), live()),
        refusal(
          'checksum',
          /^verifying .*m1@v1\.0\.1 zip: checksum database sumdb\.modgate\.test: .*; not stored$/,
        ),
      );
      // A truncated tile.
      bad.transform = (path, body) =>
        path.startsWith('/tile/') ? body.subarray(0, body.length - 1) : body;
      await assert.rejects(
        gate.check(file(2, 'zip'), live()),
        refusal('checksum', /^verifying .*m2@v1\.0\.2 zip: /),
      );
      // A record that is not the one in the tree.
      bad.transform = undefined;
      bad.tampered.set(
        `${rec(3).path}@${rec(3).version}`,
        `${rec(3).path} ${rec(3).version} ${fakeHash('evil')}\n`,
      );
      await assert.rejects(
        gate.check(file(3, 'zip', { hash: fakeHash('evil') }), live()),
        refusal('checksum', /cannot authenticate record data/),
      );
      assert.equal(gate.counts().badDatabaseAnswers, 3);
      assert.equal(gate.counts().unreachableAllowed, 0);
      assert.equal(gate.counts().verified, 0);
    } finally {
      await bad.close();
    }
  });

  test('a database that forks from the remembered head is refused, now and on later lookups', async () => {
    const forking = await TestSumdb.create({ records: records.slice(0, 10) });
    try {
      const { gate, env } = gateFor({ env: clientFor(forking), onUnreachable: 'allow' });
      await gate.check(file(3, 'zip'), live());
      // Same key, another history from record 5 on; then more records.
      await forking.fork(5, fakeRecords(10, 5, 'example.com/other'));
      const other = (i: number): FileToStore => ({
        modulePath: `example.com/other${i}`,
        version: `v1.0.${i}`,
        file: 'zip',
        hash: fakeHash(`example.com/other${i}@v1.0.${i}`),
        isPrivate: false,
      });
      await assert.rejects(
        gate.check(other(12), live()),
        refusal(
          'checksum',
          /^verifying example\.com\/other12@v1\.0\.12 zip: checksum database sumdb\.modgate\.test misbehavior: fork detected: tree #10 /,
        ),
      );
      await forking.add(fakeRecords(3, 40, 'example.com/other'));
      await assert.rejects(gate.check(other(41), live()), /fork detected/);
      // A fresh gate over the same storage remembers the head too.
      const again = gateFor({ env: clientFor(forking, { storage: env.storage }) });
      await assert.rejects(again.gate.check(other(13), live()), /fork detected/);
      assert.equal(gate.counts().badDatabaseAnswers, 2);
    } finally {
      await forking.close();
    }
  });

  test('an aborted check stops waiting with the signal reason', async () => {
    const slow = await TestSumdb.create({ records: records.slice(0, 3) });
    slow.delayMs = 2000;
    try {
      const { gate } = gateFor({ env: clientFor(slow) });
      const ac = new AbortController();
      const checking = gate.check(file(1, 'zip'), { signal: ac.signal });
      setTimeout(() => ac.abort(new ModgateError('unavailable', 'shutting down')), 50);
      await assert.rejects(checking, refusal('unavailable', /shutting down/));
    } finally {
      await slow.close();
    }
  });
});
