// Typed catalogs (src/i18n/catalog.ts) and the same-keys check every catalog of the project
// passes (test/i18n/every-catalog.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Translation } from '../../src/i18n/index.js';
import {
  assertSameKeys,
  catalogDifferences,
  createTranslator,
  formatMessage,
  placeholdersOf,
} from '../../src/i18n/index.js';

const en = {
  'doctor.goproxy.unset': 'GOPROXY is unset; the go command uses {value}',
  'doctor.title': 'modgate doctor',
  'doctor.twice': '{host} and {host} again, {port}',
} as const;
const zhCN: Translation<typeof en> = {
  'doctor.goproxy.unset': '未设置 GOPROXY，go 命令使用 {value}',
  'doctor.title': 'modgate 诊断',
  'doctor.twice': '{port}：{host}',
};

test('createTranslator renders the locale’s template with named parameters', () => {
  const t = createTranslator({ en, 'zh-CN': zhCN }, 'zh-CN');
  assert.equal(
    t('doctor.goproxy.unset', { value: 'https://proxy.golang.org,direct' }),
    '未设置 GOPROXY，go 命令使用 https://proxy.golang.org,direct',
  );
  assert.equal(t('doctor.title'), 'modgate 诊断');
  assert.equal(t('doctor.twice', { host: 'h', port: 443 }), '443：h');
  const tEn = createTranslator({ en, 'zh-CN': zhCN }, 'en');
  assert.equal(tEn('doctor.twice', { host: 'h', port: 443 }), 'h and h again, 443');
  // @ts-expect-error: a key the catalog does not have
  assert.throws(() => tEn('doctor.nope'), /no message "doctor.nope"/);
  // @ts-expect-error: a template with placeholders needs its parameters
  assert.throws(() => tEn('doctor.goproxy.unset'), /needs a value for \{value\}/);
});

test('a locale missing a key falls back to English', () => {
  const partial = { 'doctor.title': 'modgate 诊断' } as unknown as Translation<typeof en>;
  const t = createTranslator({ en, 'zh-CN': partial }, 'zh-CN');
  assert.equal(
    t('doctor.goproxy.unset', { value: 'off' }),
    'GOPROXY is unset; the go command uses off',
  );
});

test('formatMessage and placeholdersOf agree on what a placeholder is', () => {
  assert.equal(formatMessage('{a}-{b}-{a}', { a: 1, b: 'x' }), '1-x-1');
  // Braces that are not {identifier} are text.
  assert.equal(formatMessage('{"json": {1}} { x }', {}), '{"json": {1}} { x }');
  assert.deepEqual(placeholdersOf('{b} {a} {b} {1} { c }'), ['a', 'b']);
  assert.equal(formatMessage('no placeholders'), 'no placeholders');
});

test('assertSameKeys reports missing and extra keys, placeholder changes and empty texts', () => {
  assert.doesNotThrow(() =>
    assertSameKeys({ en, 'zh-CN': { ...zhCN, 'doctor.twice': '{host}{port}' } }),
  );
  assert.deepEqual(
    catalogDifferences({
      en,
      'zh-CN': {
        'doctor.goproxy.unset': '未设置 GOPROXY：{valeu}',
        'doctor.title': ' ',
        'doctor.extra': '多余',
      },
    }),
    [
      'en: missing "doctor.extra"',
      'zh-CN: "doctor.goproxy.unset" has placeholders {valeu} but en has {value}',
      'zh-CN: "doctor.title" is empty or not text',
      'zh-CN: missing "doctor.twice"',
    ],
  );
  assert.throws(
    () => assertSameKeys({ en, 'zh-CN': { ...zhCN, 'doctor.twice': '{host}' } }),
    /the catalogs en, zh-CN differ:\n {2}zh-CN: "doctor.twice" has placeholders \{host\} but en has \{host, port\}/,
  );
  assert.deepEqual(catalogDifferences({}), []);
});
