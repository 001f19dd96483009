import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import { checkProxyGoMod } from '../../src/upstream/check-proxy-go-mod.js';

function refusal(modulePath: string, text: string): string | undefined {
  try {
    checkProxyGoMod(modulePath, Buffer.from(text), 'up: m.mod');
    return undefined;
  } catch (err) {
    assert.ok(err instanceof ModgateError);
    assert.equal(err.kind, 'upstream');
    return err.message;
  }
}

describe('checkProxyGoMod', () => {
  test('accepts go.mod files as upstreams serve them', () => {
    const ok: [string, string][] = [
      ['example.com/m', 'module example.com/m\n'],
      ['example.com/m', 'module example.com/m\n\ngo 1.21\n\nrequire example.com/x v1.0.0\n'],
      ['example.com/m', '// Deprecated: use v2\nmodule "example.com/m"\n'],
      ['example.com/m/v2', 'module example.com/m/v2\n'],
      ['gopkg.in/yaml.v2', 'module gopkg.in/yaml.v2\n'],
      ['gopkg.in/yaml.v2', 'module "gopkg.in/yaml.v2"\n'],
      // Unknown directives are ignored, as ParseLax does.
      ['example.com/m', 'module example.com/m\ntoolchain go1.22.0\nfuture thing\n'],
      // A fork used through `replace` keeps the original path: accepted.
      ['github.com/me/fork', 'module github.com/orig/lib\n'],
      ['github.com/me/fork/v3', 'module github.com/orig/lib/v3\n'],
      // A v0/v1 path may declare a gopkg.in path (findDir's exception).
      ['github.com/go-yaml/yaml', 'module gopkg.in/yaml.v3\n'],
    ];
    for (const [path, text] of ok) assert.equal(refusal(path, text), undefined, text);
  });

  test('refuses an HTML page served as a go.mod', () => {
    const html =
      '<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\n<body>Please sign in</body></html>\n';
    assert.match(refusal('example.com/m', html) ?? '', /not a go\.mod \(no module directive\)/);
  });

  test('refuses text that does not parse, naming the line but not quoting it', () => {
    const message = refusal('example.com/m', 'module example.com/m\nrequire (\n  "secret-token\n');
    assert.ok(message !== undefined);
    assert.match(message, /not a go\.mod \(syntax error at line \d+\)/);
    assert.doesNotMatch(message, /secret-token/);
  });

  test('refuses an empty file and one without a module line', () => {
    assert.match(refusal('example.com/m', '') ?? '', /no module directive/);
    assert.match(refusal('example.com/m', 'go 1.21\n') ?? '', /no module directive/);
  });

  test('refuses a declared path whose major version disagrees with the requested one', () => {
    assert.match(
      refusal('example.com/m/v2', 'module example.com/m\n') ?? '',
      /declares module "example.com\/m", not a module path ending in \/v2/,
    );
    assert.match(
      refusal('example.com/m', 'module example.com/m/v3\n') ?? '',
      /not a v0\/v1 module path/,
    );
    assert.match(refusal('example.com/m/v2', 'module example.com/m/v3\n') ?? '', /ending in \/v2/);
    assert.match(refusal('gopkg.in/yaml.v2', 'module gopkg.in/yaml.v3\n') ?? '', /ending in \.v2/);
  });
});
