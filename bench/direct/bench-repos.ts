import type { GitFixture } from '../../test/upstream/direct/git/git-fixture.js';

/** One module version to fetch: a module path and a query (version, branch or hash). */
export interface BenchTarget {
  path: string;
  query: string;
}

/** What the repositories hold and what the benchmark fetches from them. */
export interface BenchRepoSet {
  /** Every module version (or query) fetched, in a fixed order. */
  targets: BenchTarget[];
  /** Every module path (their `@v/list` is fetched too). */
  modules: string[];
  /** For the report. */
  repos: number;
  files: number;
}

/**
 * A deterministic set of git repositories under the fixture's `srv/`, each named `<x>.git`
 * so that `git daemon` finds it both as `/<x>` (the go command pings the repository path
 * without the `.git` qualifier) and as `/<x>.git` (modgate's rewrite keeps it). Module paths
 * use the `.git` VCS qualifier (`example.com/lib01.git`), which the go command resolves without
 * any go-get lookup.
 *
 * The mix:
 * - `lib01`…`libNN`: root modules with 6 release tags each (every release changes a few of
 *   ~20 files) and one untagged commit on `main` after the last tag; fetched: 3 releases, the
 *   `main` branch and the untagged commit's short hash (pseudo-versions).
 * - `big1`, `big2`: a few hundred files (~1 MB of source), 3 releases, all fetched.
 * - `multi`: a module in a subdirectory (`sub`, tags `sub/v1.x.y`, root LICENSE) and a `/v2`
 *   module in `sub/v2` (tags `sub/v2.x.y`); a v1 release, a v2 release and a v2 pseudo-version.
 * - `major`: v1 at the root on `main`, v2 on the major branch `v2` (go.mod says `/v2`).
 */
export async function buildBenchRepos(fx: GitFixture, libs: number): Promise<BenchRepoSet> {
  const targets: BenchTarget[] = [];
  const modules: string[] = [];
  let files = 0;
  const rnd = prng(42);
  let day = 0;
  const date = (): string => new Date(Date.UTC(2023, 0, 1) + ++day * 3_600_000).toISOString();

  for (let i = 1; i <= libs; i++) {
    const name = `lib${String(i).padStart(2, '0')}`;
    const path = `example.com/${name}.git`;
    const repo = await fx.newRepo(`${name}.git`);
    const tree: Record<string, string> = {
      'go.mod': `module ${path}\n\ngo 1.18\n`,
      LICENSE: 'Copyright 2023 The Bench Authors\n',
      'README.md': `# ${name}\n`,
    };
    for (let f = 0; f < 18; f++) tree[`pkg${f % 4}/f${f}.go`] = goSource(rnd, `pkg${f % 4}`, 40);
    files += Object.keys(tree).length;
    await fx.commit(repo, tree, 'initial', date());
    await fx.git(repo, ['tag', 'v1.0.0']);
    for (let minor = 1; minor <= 5; minor++) {
      const change: Record<string, string> = {};
      for (let k = 0; k < 3; k++) {
        const f = Math.floor(rnd() * 18);
        change[`pkg${f % 4}/f${f}.go`] = goSource(rnd, `pkg${f % 4}`, 40);
      }
      await fx.commit(repo, change, `release ${minor}`, date());
      await fx.git(repo, ['tag', `v1.${minor}.0`]);
    }
    const head = await fx.commit(
      repo,
      { 'pkg0/next.go': goSource(rnd, 'pkg0', 20) },
      'wip',
      date(),
    );
    modules.push(path);
    targets.push(
      { path, query: 'v1.0.0' },
      { path, query: 'v1.3.0' },
      { path, query: 'v1.5.0' },
      { path, query: 'main' },
      { path, query: head.slice(0, 12) },
    );
  }

  for (const name of ['big1', 'big2']) {
    const path = `example.com/${name}.git`;
    const repo = await fx.newRepo(`${name}.git`);
    const tree: Record<string, string> = { 'go.mod': `module ${path}\n\ngo 1.18\n` };
    for (let f = 0; f < 320; f++) tree[`d${f % 16}/g${f}.go`] = goSource(rnd, `d${f % 16}`, 80);
    files += Object.keys(tree).length;
    await fx.commit(repo, tree, 'initial', date());
    await fx.git(repo, ['tag', 'v0.9.0']);
    for (const v of ['v1.0.0', 'v1.1.0']) {
      const change: Record<string, string> = {};
      for (let k = 0; k < 20; k++) {
        const f = Math.floor(rnd() * 320);
        change[`d${f % 16}/g${f}.go`] = goSource(rnd, `d${f % 16}`, 80);
      }
      await fx.commit(repo, change, v, date());
      await fx.git(repo, ['tag', v]);
    }
    modules.push(path);
    for (const query of ['v0.9.0', 'v1.0.0', 'v1.1.0']) targets.push({ path, query });
  }

  {
    const multi = await fx.newRepo('multi.git');
    const sub = 'example.com/multi.git/sub';
    const subV2 = `${sub}/v2`;
    await fx.commit(
      multi,
      {
        LICENSE: 'Copyright 2023 The Bench Authors\n',
        'README.md': 'multi\n',
        'tools/x.go': goSource(rnd, 'tools', 30),
        'sub/go.mod': `module ${sub}\n\ngo 1.18\n`,
        'sub/s.go': goSource(rnd, 'sub', 60),
        'sub/v2/go.mod': `module ${subV2}\n\ngo 1.18\n`,
        'sub/v2/s.go': goSource(rnd, 'sub', 60),
      },
      'm1',
      date(),
    );
    files += 7;
    await fx.git(multi, ['tag', 'sub/v1.0.0']);
    await fx.git(multi, ['tag', 'sub/v2.0.0']);
    await fx.commit(multi, { 'sub/v2/t.go': goSource(rnd, 'sub', 30) }, 'm2', date());
    modules.push(sub, subV2);
    targets.push(
      { path: sub, query: 'v1.0.0' },
      { path: subV2, query: 'v2.0.0' },
      { path: subV2, query: 'main' },
    );
  }

  {
    const major = await fx.newRepo('major.git');
    const v1 = 'example.com/major.git';
    await fx.commit(
      major,
      { 'go.mod': `module ${v1}\n\ngo 1.18\n`, 'j.go': goSource(rnd, 'major', 50) },
      'j1',
      date(),
    );
    files += 2;
    await fx.git(major, ['tag', 'v1.0.0']);
    await fx.git(major, ['checkout', '-q', '-b', 'v2']);
    await fx.commit(
      major,
      { 'go.mod': `module ${v1}/v2\n\ngo 1.18\n`, 'k.go': goSource(rnd, 'major', 50) },
      'j2',
      date(),
    );
    await fx.git(major, ['tag', 'v2.0.0']);
    await fx.commit(major, { 'k.go': goSource(rnd, 'major', 50) }, 'j3', date());
    await fx.git(major, ['tag', 'v2.1.0']);
    await fx.git(major, ['checkout', '-q', 'main']);
    modules.push(v1, `${v1}/v2`);
    targets.push(
      { path: v1, query: 'v1.0.0' },
      { path: `${v1}/v2`, query: 'v2.0.0' },
      { path: `${v1}/v2`, query: 'v2.1.0' },
    );
  }

  return { targets, modules, repos: libs + 4, files };
}

/** Go-looking source text of about `lines` lines (compresses like real code, not like noise). */
function goSource(rnd: () => number, pkg: string, lines: number): string {
  const words = ['value', 'count', 'buffer', 'index', 'result', 'name', 'offset', 'err', 'ctx'];
  const pick = (): string => words[Math.floor(rnd() * words.length)] ?? 'x';
  let out = `package ${pkg}\n\n`;
  for (let i = 0; i < lines; i += 4) {
    const fn = `${pick()}${Math.floor(rnd() * 1e6)}`;
    out += `// ${fn} returns the ${pick()} of the ${pick()}.\nfunc ${fn}(${pick()} int) int {\n`;
    out += `\treturn ${pick()} * ${Math.floor(rnd() * 1000)} // ${pick()} ${pick()}\n}\n\n`;
  }
  return out;
}

/** A small seeded PRNG (mulberry32): the same repositories on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
