// Differential test: parseMetaGoImports against Go's encoding/xml used the way cmd/go's
// discovery.go uses it (meta-oracle/main.go), on seeded pseudo-random pages assembled from
// tricky fragments. Tags found and errors reported must agree exactly. Skipped without `go`.
// MODGATE_META_SEED / MODGATE_META_PAGES run other or more pages (checked: seeds 1-3 × 40 000).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseMetaGoImports } from '../../../../src/upstream/direct/discovery/index.js';

const oracleDir = fileURLToPath(
  new URL('../../../../../test/upstream/direct/discovery/meta-oracle/', import.meta.url),
);
const skip = spawnSync('go', ['version']).status === 0 ? false : 'needs the go command';

const fragments: readonly string[] = [
  '<meta name="go-import" content="a.com/x git https://a.com/x">',
  "<meta name='go-import' content='b.com/y mod https://proxy.b.com'>",
  '<meta name="go-import" content="a.com/x mod https://p.a.com">',
  '<META NAME="go-import" CONTENT="c.com git https://c.com/r">',
  '<meta name=go-import content=c.com>',
  '<meta name="go-import" content="d.com git https://d.com/r extra">',
  '<meta name="go-import" content="e.com/q git https://e.com/?a=1&amp;b=2&nbsp;&#65;&#x42;&#;&#xZ;&zz">',
  '<meta content="f.com git https://f.com" name="go-import"/>',
  '<x:meta x:name="go-import" y:content="g.com git https://g.com">',
  '<meta hidden name="go-import" content="h.com git https://h.com">',
  '<meta name="go-import" content="i.com\tgit\nhttps://i.com">',
  '<meta name="Go-Import" content="j.com git https://j.com">',
  '<head>',
  '</head>',
  '<HEAD/>',
  '<body>',
  '<Body class=x>',
  '</body>',
  '<bodyx>',
  '</header>',
  '<!doctype html>',
  '<!DOCTYPE html PUBLIC "-//W3C//DTD" "x>y">',
  '<!-- c -->',
  '<!-- <meta name="go-import" content="k.com git https://k.com"> -->',
  '<!-- a -- b -->',
  '<![CDATA[ <meta> ]]>',
  '<![CDAT',
  ']]>',
  '<?xml version="1.0" encoding="utf-8"?>',
  '<?xml version="1.0" encoding="latin1"?>',
  '<?xml version="1.1"?>',
  '<?php echo 1 ?>',
  '<title>T &amp; &lt; &copy;</title>',
  '<script>if (a < b) {}</script>',
  '<script>x<y</script>',
  '<div style=position:relative>',
  '<a href=/x?y=1>',
  '<a b=>',
  '<a b="<">',
  '<1a>',
  '<-a>',
  '<a/b>',
  '</a b>',
  '</ a>',
  '< a>',
  '<>',
  '</>',
  '&',
  '& ',
  'text',
  '\n',
  '\r\n',
  ' ',
  '\u00e9',
  '\u0085',
  '\u00a0',
  '<é>',
  '<aé b="é">',
  '<a b="\u0001">',
  '<',
  '<a',
  '<a b',
  '<a b=',
  '<a b="c',
  '<!',
  '<!-',
  '<!--',
  '<?',
  '<?x',
  '<![',
  '<meta name="go-import" content="m.com git https://m.com">',
];

function pages(seed: number, n: number): Buffer[] {
  let s = seed;
  const next = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    let page = '';
    const k = 1 + Math.floor(next() * 6);
    for (let j = 0; j < k; j++) page += fragments[Math.floor(next() * fragments.length)] ?? '';
    const buf = Buffer.from(page, 'utf8');
    // Now and then a raw invalid byte.
    out.push(next() < 0.05 ? Buffer.concat([buf, Buffer.from([0xff, 0x3e])]) : buf);
  }
  for (const f of fragments) out.push(Buffer.from(f, 'utf8'));
  return out;
}

test('parseMetaGoImports agrees with Go encoding/xml (cmd/go discovery)', { skip }, () => {
  const work = mkdtempSync(join(tmpdir(), 'modgate-meta-oracle-'));
  try {
    const bin = join(work, 'oracle');
    const build = spawnSync('go', ['build', '-o', bin, '.'], {
      cwd: oracleDir,
      env: {
        ...process.env,
        GO111MODULE: 'off',
        GOFLAGS: '',
        GOCACHE: process.env.GOCACHE ?? join(work, 'cache'),
      },
      encoding: 'utf8',
    });
    assert.equal(build.status, 0, build.stderr);
    const input = pages(
      Number(process.env.MODGATE_META_SEED ?? 20240601),
      Number(process.env.MODGATE_META_PAGES ?? 4000),
    );
    const run = spawnSync(bin, {
      input: JSON.stringify(input.map((b) => b.toString('base64'))),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(run.status, 0, run.stderr);
    const want = JSON.parse(run.stdout) as Array<{ imports: string[][]; error?: string }>;
    const failures: string[] = [];
    input.forEach((page, i) => {
      let got: { imports: string[][]; error?: string };
      try {
        got = { imports: parseMetaGoImports(page).map((m) => [m.prefix, m.vcs, m.repoRoot]) };
      } catch (err) {
        got = { imports: [], error: (err as Error).message };
      }
      if (JSON.stringify(got) !== JSON.stringify(want[i])) {
        failures.push(
          `page ${JSON.stringify(page.toString('latin1'))}\n got ${JSON.stringify(got)}\nwant ${JSON.stringify(want[i])}`,
        );
      }
    });
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} pages differ`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
