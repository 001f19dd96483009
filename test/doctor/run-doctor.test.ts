import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Check } from '../../src/doctor/check.js';
import type { DoctorContext } from '../../src/doctor/doctor-context.js';
import type { Finding, Layer, Status } from '../../src/doctor/finding.js';
import { formatJson, formatReport, summaryLine } from '../../src/doctor/format-report.js';
import { runDoctor, summarize } from '../../src/doctor/run-doctor.js';
import { doctorMessages } from '../../src/doctor/doctor-messages.js';

// The runner and the report of `modgate doctor` (issue 10), with small stand-in checks: what
// is under test here is the order, the skipping, the deadline, the exit status and the text.

function ctxWith(signal: AbortSignal, offline = false): DoctorContext {
  return {
    dir: '/work',
    env: {},
    home: '/home/u',
    go: undefined,
    module: undefined,
    server: undefined,
    offline,
    probeTimeoutMs: 1000,
    signal,
    locale: 'en',
    t: doctorMessages('en'),
  };
}

function check(id: string, layer: Layer, status: Status, network = false): Check {
  return {
    id,
    layer,
    network,
    run: () => Promise.resolve([{ check: id, layer, status, summary: `${id} is ${status}` }]),
  };
}

describe('runDoctor', () => {
  test('findings come out in layer order whatever the list order; warn alone exits 0, a fail 1', async () => {
    const r = await runDoctor(ctxWith(new AbortController().signal), [
      check('server.x', 'server', 'ok'),
      check('network.y', 'network', 'warn'),
      check('go.z', 'go', 'ok'),
    ]);
    assert.deepEqual(
      r.findings.map((f) => f.check),
      ['go.z', 'network.y', 'server.x'],
    );
    assert.deepEqual(r.summary, { ok: 2, warn: 1, fail: 0, skip: 0, exitStatus: 0 });
    const failing = await runDoctor(ctxWith(new AbortController().signal), [
      check('go.a', 'go', 'fail'),
    ]);
    assert.equal(failing.summary.exitStatus, 1);
  });

  test('--offline turns network checks into skips without running them', async () => {
    let ran = false;
    const net: Check = {
      id: 'network.dns',
      layer: 'network',
      network: true,
      run: () => ((ran = true), Promise.resolve([])),
    };
    const r = await runDoctor(ctxWith(new AbortController().signal, true), [
      net,
      check('go.a', 'go', 'ok'),
    ]);
    assert.equal(ran, false);
    assert.deepEqual(r.findings[1], {
      check: 'network.dns',
      layer: 'network',
      status: 'skip',
      summary: 'skipped: --offline',
    });
  });

  test('a check that throws is a skip naming the error, and the exit status is 2', async () => {
    const broken: Check = {
      id: 'go.broken',
      layer: 'go',
      network: false,
      run: () => Promise.reject(new Error('boom')),
    };
    const r = await runDoctor(ctxWith(new AbortController().signal), [
      broken,
      check('go.a', 'go', 'fail'),
    ]);
    assert.equal(r.findings[0]?.status, 'skip');
    assert.equal(r.findings[0]?.summary, 'doctor could not run this check: boom');
    assert.deepEqual(r.errors, ['go.broken: boom']);
    assert.equal(r.summary.exitStatus, 2);
  });

  test('local checks run before network checks, so the time limit only cuts network probes short', async () => {
    const controller = new AbortController();
    const hanging: Check = {
      id: 'network.hang',
      layer: 'network',
      network: true,
      run: () => {
        controller.abort();
        return new Promise<Finding[]>(() => {});
      },
    };
    const r = await runDoctor(ctxWith(controller.signal), [
      hanging,
      check('server.local', 'server', 'ok'),
    ]);
    assert.deepEqual(
      r.findings.map((f) => [f.check, f.status]),
      [
        ['network.hang', 'skip'],
        ['server.local', 'ok'],
      ],
    );
  });

  test('when the run is aborted, a check still running is reported as not finished; later network checks are skipped', async () => {
    const controller = new AbortController();
    const hanging: Check = {
      id: 'network.hang',
      layer: 'network',
      network: true,
      run: () => {
        controller.abort();
        return new Promise<Finding[]>(() => {});
      },
    };
    const r = await runDoctor(ctxWith(controller.signal), [
      hanging,
      check('credentials.a', 'credentials', 'ok', true),
    ]);
    assert.deepEqual(
      r.findings.map((f) => [f.check, f.status, f.summary]),
      [
        ['network.hang', 'skip', 'not finished when the time limit of the whole run was reached'],
        ['credentials.a', 'skip', 'skipped: the time limit of the whole run was reached'],
      ],
    );
  });
});

describe('the report', () => {
  const findings: Finding[] = [
    { check: 'go.version', layer: 'go', status: 'ok', summary: 'go1.19.8 at /usr/bin/go' },
    {
      check: 'go.go111module',
      layer: 'go',
      status: 'fail',
      subject: 'GO111MODULE',
      summary: 'GO111MODULE=off: modules are disabled',
      why: 'go mod download fails',
      fix: ['go env -w GO111MODULE=on'],
      details: ['GO111MODULE was set with go env -w'],
    },
    {
      check: 'module.go-sum',
      layer: 'module',
      status: 'warn',
      summary: 'go.sum has no line',
      fix: ['go mod tidy'],
    },
    { check: 'network.dns', layer: 'network', status: 'skip', summary: 'skipped: --offline' },
  ];
  const summary = summarize(findings);

  test('grouped by layer with marks, what/why/fix lines for problems, a summary line; no colour unless asked', () => {
    const text = formatReport(findings, summary, { colour: false, heading: 'modgate doctor' });
    assert.equal(
      text,
      [
        'modgate doctor',
        '',
        'Go environment',
        '  ✓ go1.19.8 at /usr/bin/go',
        '  ✗ GO111MODULE: GO111MODULE=off: modules are disabled',
        '      why: go mod download fails',
        '      fix: go env -w GO111MODULE=on',
        '      GO111MODULE was set with go env -w',
        '',
        "The module's needs",
        '  ! go.sum has no line',
        '      fix: go mod tidy',
        '',
        'Network',
        '  - network.dns: skipped: --offline',
        '',
        '1 problem, 1 warning, 1 ok, 1 skipped',
        '',
      ].join('\n'),
    );
    assert.ok(!text.includes('\u001b['));
    assert.ok(formatReport(findings, summary, { colour: true }).includes('\u001b['));
  });

  test('the summary line says when doctor could not run every check', () => {
    assert.equal(
      summaryLine(summarize([], true)),
      '0 problems, 0 warnings, 0 ok, 0 skipped (doctor could not run every check)',
    );
  });

  test('--json: schema version 1, the version, the findings as they are, the summary with the exit status', () => {
    const doc = JSON.parse(formatJson(findings, summary, '9.9.9')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(doc), ['schemaVersion', 'modgateVersion', 'findings', 'summary']);
    assert.equal(doc.schemaVersion, 1);
    assert.equal(doc.modgateVersion, '9.9.9');
    assert.deepEqual(doc.findings, findings);
    assert.deepEqual(doc.summary, { ok: 1, warn: 1, fail: 1, skip: 1, exitStatus: 1 });
  });
});
