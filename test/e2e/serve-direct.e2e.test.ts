import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';
import { GitFixture } from '../upstream/direct/git/git-fixture.js';

// A private module lives only in a git repository (served by git daemon on 127.0.0.1, reached
// through a `direct.rewrites` rule). The go client has no credentials, no git access and no
// GOPRIVATE: it only talks to modgate, which fetches the module from git itself.
describe('modgate serve fetches private modules from git for the go command', () => {
  let git: GitFixture;
  let fixture: FixtureProxy;
  let modgate: ModgateInstance;
  let go: GoSandbox;
  before(async () => {
    git = await GitFixture.create();
    const repo = await git.newRepo('greeter');
    await git.commit(
      repo,
      {
        'go.mod': 'module git.corp.example/greeter\n\ngo 1.16\n',
        'greeter.go': 'package greeter\n\nfunc Hello() string { return "hello from v1.0.0" }\n',
      },
      'v1',
      '2024-03-01T10:00:00Z',
    );
    await git.git(repo, ['tag', 'v1.0.0']);
    await git.commit(
      repo,
      { 'greeter.go': 'package greeter\n\nfunc Hello() string { return "hello from main" }\n' },
      'after v1',
      '2024-03-02T10:00:00Z',
    );
    const port = await git.startDaemon();
    fixture = await FixtureProxy.create([]);
    modgate = await startModgate({
      upstream: fixture.url,
      private: 'git.corp.example',
      settings: {
        'direct.rewrites': `git.corp.example/*=git://127.0.0.1:${port}/*`,
        'direct.insecure': 'git.corp.example',
      },
    });
    go = await GoSandbox.create();
  });
  after(async () => {
    await modgate.stop();
    await fixture.close();
    await git.close();
    await go.cleanup();
  });

  test('go get and go build a program that depends on the private module', async () => {
    const dir = await go.newModule('example.com/app');
    await writeFile(
      join(dir, 'main.go'),
      'package main\n\nimport (\n\t"fmt"\n\n\t"git.corp.example/greeter"\n)\n\nfunc main() { fmt.Println(greeter.Hello()) }\n',
    );
    const get = await go.run(['get', 'git.corp.example/greeter@v1.0.0'], {
      proxy: modgate.url,
      cwd: dir,
    });
    assert.equal(get.code, 0, get.stderr);
    const build = await go.run(['build', '-o', 'app', '.'], { proxy: modgate.url, cwd: dir });
    assert.equal(build.code, 0, build.stderr);
    const list = await go.run(['list', '-m', '-versions', 'git.corp.example/greeter'], {
      proxy: modgate.url,
      cwd: dir,
    });
    assert.equal(list.stdout.trim(), 'git.corp.example/greeter v1.0.0');
    const pseudo = await go.run(['list', '-m', 'git.corp.example/greeter@main'], {
      proxy: modgate.url,
      cwd: dir,
    });
    assert.equal(pseudo.code, 0, pseudo.stderr);
    assert.match(
      pseudo.stdout,
      /^git\.corp\.example\/greeter v1\.0\.1-0\.20240302100000-[0-9a-f]{12}$/m,
    );
    assert.deepEqual(
      fixture.requestsFor('greeter'),
      [],
      'the private module never went to the upstream proxy',
    );
  });
  test("a file:// rewrite, the operator's own choice, is allowed", async () => {
    const repo = await git.newRepo('onfile');
    await git.commit(
      repo,
      { 'go.mod': 'module git.file.example/onfile\n\ngo 1.16\n', 'f.go': 'package onfile\n' },
      'one',
      '2024-03-01T10:00:00Z',
    );
    await git.git(repo, ['tag', 'v1.0.0']);
    const local = await startModgate({
      upstream: fixture.url,
      private: 'git.file.example',
      settings: { 'direct.rewrites': `git.file.example/*=file://${git.srv}/*` },
    });
    try {
      const dl = await go.run(['mod', 'download', '-json', 'git.file.example/onfile@v1.0.0'], {
        proxy: local.url,
      });
      assert.equal(dl.code, 0, dl.stdout + dl.stderr);
      assert.match(dl.stdout, /"Sum": "h1:/);
    } finally {
      await local.stop();
    }
  });
});
