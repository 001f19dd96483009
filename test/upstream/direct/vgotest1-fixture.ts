/**
 * A fake repository shaped like github.com/rsc/vgotest1, the repository behind cmd/go's
 * codeRepoTests (coderepo_test.go): the same tags on commits with the same files and
 * committer times, so the Go test table's expectations carry over — except commit hashes,
 * which are the fake's own (tests compute names from `hashes`).
 */
import { FakeCodeHost } from './fake-code-host.js';

export const VGOTEST1 = 'github.com/rsc/vgotest1';

export interface Vgotest1 {
  host: FakeCodeHost;
  /** Commits by the tag (or role) Go's table names them by. */
  hashes: Record<string, string>;
}

export function vgotest1(): Vgotest1 {
  const host = new FakeCodeHost('vgotest1');
  const hashes: Record<string, string> = {};
  const base = {
    LICENSE: 'Copyright (c) 2018 The Go Authors\n',
    'README.md': '# vgotest1\n',
    'pkg/p.go': 'package p\n',
  };
  // 80d85c5d4d17: v0.0.0, v1.0.0, mytag.
  hashes.v1 = host.commit({ time: '2018-02-19T23:10:06Z', files: base });
  host.tag('v0.0.0');
  host.tag('v1.0.0');
  host.tag('mytag');
  host.commit({ time: '2018-02-19T23:10:30Z', files: { 'pkg/p.go': 'package p // 1\n' } });
  host.tag('v0.0.1');
  host.tag('v1.0.1');
  host.commit({ time: '2018-02-19T23:11:00Z', files: { 'pkg/p.go': 'package p // 2\n' } });
  host.tag('v1.0.2');
  host.commit({ time: '2018-02-19T23:11:30Z', files: { 'pkg/p.go': 'package p // 3\n' } });
  host.tag('v1.0.3');
  // 8afe2b2efed9: submod/v1.0.4 — a module in a subdirectory with its own go.mod.
  hashes.submod = host.commit({
    time: '2018-02-19T23:12:07Z',
    files: {
      'submod/go.mod': 'module "github.com/vgotest1/submod" // submod/go.mod\n',
      'submod/pkg/p.go': 'package p\n',
    },
  });
  host.tag('submod/v1.0.4');
  // b769f2de407a: v1.1.0 with a root go.mod; submod/ is a nested module.
  hashes.v110 = host.commit({
    time: '2018-02-19T23:13:36Z',
    files: {
      'go.mod':
        'module "github.com/rsc/vgotest1" // root go.mod\nrequire "github.com/rsc/vgotest1/submod" v1.0.5\n',
    },
  });
  host.tag('v1.1.0');

  // The v2 line, on its own branch off v1.0.0 (no go.mod there).
  host.branch('v2', hashes.v1);
  // ea65f87c8f52: v2.0.1 — major branch (root go.mod says /v2).
  hashes.v201 = host.commit({
    time: '2018-02-19T23:14:23Z',
    files: { 'go.mod': 'module "github.com/rsc/vgotest1/v2" // root go.mod\n' },
  });
  host.tag('v2.0.1');
  host.commit({ time: '2018-02-19T23:15:00Z', files: { 'pkg/p.go': 'package p // v2.0.2\n' } });
  host.tag('v2.0.2');
  // f18795870fb1: v2.0.3 — v2/go.mod names the wrong module.
  hashes.v203 = host.commit({
    time: '2018-02-19T23:16:04Z',
    files: { 'v2/go.mod': 'module "github.com/rsc/vgotest" // v2/go.mod\n' },
  });
  host.tag('v2.0.3');
  // 1f863feb76bc: v2.0.4 — both go.mod and v2/go.mod claim /v2.
  hashes.v204 = host.commit({
    time: '2018-02-20T00:03:38Z',
    files: { 'v2/go.mod': 'module "github.com/rsc/vgotest1/v2" // v2/go.mod\n' },
  });
  host.tag('v2.0.4');
  // 2f615117ce48: v2.0.5 — major subdirectory: only v2/go.mod claims /v2.
  hashes.v205 = host.commit({
    time: '2018-02-20T00:03:59Z',
    files: {
      'go.mod': 'module "github.com/rsc/vgotest1" // root go.mod\n',
      'v2/pkg/p.go': 'package p // v2\n',
    },
  });
  host.tag('v2.0.5');
  host.commit({ time: '2018-02-20T00:04:30Z', files: { 'v2/pkg/p.go': 'package p // v2.0.6\n' } });
  host.tag('v2.0.6');

  // 45f53230a74a: v2.0.0 — a v2 tag on a tree without any go.mod.
  host.branch('v2-nogomod', hashes.v1);
  hashes.v200 = host.commit({
    time: '2018-07-19T01:21:27Z',
    files: { 'pkg/p.go': 'package p // v2.0.0\n' },
  });
  host.tag('v2.0.0');

  host.checkout('main');
  return { host, hashes };
}
