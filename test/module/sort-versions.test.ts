import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sortModuleVersions } from '../../src/module/index.js';

test('sortModuleVersions is go.sum line order', () => {
  const input = [
    { path: 'rsc.io/quote', version: 'v1.5.2/go.mod' },
    { path: 'golang.org/x/text', version: 'v0.0.0-20170915032832-14c0d48ead0c' },
    { path: 'rsc.io/quote', version: 'v1.10.0' },
    { path: 'rsc.io/quote', version: 'v1.5.2' },
    { path: 'golang.org/x/text', version: 'v0.0.0-20170915032832-14c0d48ead0c/go.mod' },
    { path: 'rsc.io/Quote', version: 'v1.0.0' },
  ];
  const copy = [...input];
  assert.deepEqual(
    sortModuleVersions(input).map((m) => `${m.path} ${m.version}`),
    [
      'golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c',
      'golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c/go.mod',
      'rsc.io/Quote v1.0.0',
      'rsc.io/quote v1.5.2',
      'rsc.io/quote v1.5.2/go.mod',
      'rsc.io/quote v1.10.0',
    ],
  );
  assert.deepEqual(input, copy);
});
