// Locale negotiation (src/i18n): Accept-Language for the dashboard, LC_ALL / LC_MESSAGES / LANG
// for the CLI, exact names for --lang.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localeFromEnv, localeOfTag, negotiateLocale, parseLocale } from '../../src/i18n/index.js';

test('negotiateLocale: the best supported entry of Accept-Language by quality, else en', () => {
  const cases: ReadonlyArray<readonly [string | undefined, string]> = [
    [undefined, 'en'],
    ['', 'en'],
    ['*', 'en'],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['zh', 'zh-CN'],
    ['zh-CN', 'zh-CN'],
    ['zh-cn', 'zh-CN'],
    ['zh-Hans', 'zh-CN'],
    ['zh-Hans-CN', 'zh-CN'],
    ['zh-SG', 'zh-CN'],
    // Traditional script or its regions: no catalog, so en unless the list offers more.
    ['zh-TW', 'en'],
    ['zh-HK', 'en'],
    ['zh-MO', 'en'],
    ['zh-Hant', 'en'],
    ['zh-Hant-CN', 'en'],
    ['zh-Hans-TW', 'zh-CN'],
    ['zh-TW,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['zh-TW,en;q=0.9,zh-CN;q=0.8', 'en'],
    // Quality decides, ties go to the earlier entry.
    ['en;q=0.5,zh-CN;q=0.8', 'zh-CN'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['en-US,en;q=0.9,zh-CN;q=0.8', 'en'],
    ['zh-CN;q=0.7,en;q=0.7', 'zh-CN'],
    ['en;q=0.7, zh-CN;q=0.7', 'en'],
    ['en-GB;Q=0.2, zh ;q=0.3', 'zh-CN'],
    // Unsupported languages are skipped, not a reason to give up.
    ['fr-FR,fr;q=0.9,zh;q=0.5', 'zh-CN'],
    ['de', 'en'],
    // q=0 means "not this one".
    ['zh-CN;q=0,en;q=0.1', 'en'],
    ['zh-CN;q=0', 'en'],
    // Malformed entries and weights count for nothing.
    ['zh-CN;q=2', 'en'],
    ['zh-CN;q=abc,en;q=0.1', 'en'],
    ['zh_CN', 'en'],
    ['zh-CN;q=0.0001', 'en'],
    [',,;q=1, zh-CN', 'zh-CN'],
  ];
  for (const [header, want] of cases)
    assert.equal(negotiateLocale(header), want, `Accept-Language: ${String(header)}`);
});

test('localeFromEnv: LC_ALL, then LC_MESSAGES, then LANG, read as POSIX locale names', () => {
  const cases: ReadonlyArray<readonly [Record<string, string>, string]> = [
    [{}, 'en'],
    [{ LANG: 'zh_CN.UTF-8' }, 'zh-CN'],
    [{ LANG: 'zh_CN' }, 'zh-CN'],
    [{ LANG: 'zh_CN.GB18030' }, 'zh-CN'],
    [{ LANG: 'zh_SG.UTF-8' }, 'zh-CN'],
    [{ LANG: 'zh_TW.UTF-8' }, 'en'],
    [{ LANG: 'en_US.UTF-8' }, 'en'],
    [{ LANG: 'de_DE.UTF-8@euro' }, 'en'],
    [{ LANG: 'C' }, 'en'],
    [{ LANG: 'POSIX' }, 'en'],
    [{ LANG: 'C.UTF-8' }, 'en'],
    [{ LANG: 'zh_CN.UTF-8', LC_MESSAGES: 'C' }, 'en'],
    [{ LANG: 'en_US.UTF-8', LC_MESSAGES: 'zh_CN.UTF-8' }, 'zh-CN'],
    [{ LANG: 'en_US.UTF-8', LC_MESSAGES: 'zh_CN.UTF-8', LC_ALL: 'C' }, 'en'],
    [{ LANG: 'en_US.UTF-8', LC_ALL: 'zh_CN.utf8' }, 'zh-CN'],
    // Empty means unset.
    [{ LANG: 'zh_CN.UTF-8', LC_ALL: '', LC_MESSAGES: '' }, 'zh-CN'],
    // The first set variable decides, even for a locale modgate has no catalog for.
    [{ LANG: 'zh_CN.UTF-8', LC_ALL: 'fr_FR.UTF-8' }, 'en'],
    // Other categories do not choose the messages' language.
    [{ LC_CTYPE: 'zh_CN.UTF-8' }, 'en'],
  ];
  for (const [env, want] of cases) assert.equal(localeFromEnv(env), want, JSON.stringify(env));
});

test('parseLocale: exactly en or zh-CN (case and _ aside), else undefined', () => {
  assert.equal(parseLocale('en'), 'en');
  assert.equal(parseLocale('EN'), 'en');
  assert.equal(parseLocale('zh-CN'), 'zh-CN');
  assert.equal(parseLocale('zh-cn'), 'zh-CN');
  assert.equal(parseLocale('zh_CN'), 'zh-CN');
  for (const bad of ['', 'zh', 'cn', 'zh-TW', 'en-US', 'fr', 'zh-CN,en'])
    assert.equal(parseLocale(bad), undefined, bad);
});

test('localeOfTag maps BCP 47 and POSIX tags', () => {
  assert.equal(localeOfTag('en-AU'), 'en');
  assert.equal(localeOfTag('zh_Hans_SG'), 'zh-CN');
  assert.equal(localeOfTag('zh-yue-HK'), undefined);
  assert.equal(localeOfTag('ja'), undefined);
});
