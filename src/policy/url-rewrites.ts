/**
 * Configured repository locations: a rule maps every module path under a prefix pattern to a
 * repository URL, before (and instead of) the static table and `?go-get=1` discovery. This is
 * how hosts without discovery pages (a bare git server, an SSH-only forge) and GitLab nested
 * groups without credentials are made to work, like a git `insteadOf` rule plus GOPRIVATE.
 *
 * Syntax of a rule `{ pattern, url, vcs? }`:
 * - `pattern`: a module path prefix, one path.Match glob per element (`*`, `?`, `[a-z]`, `\`
 *   escapes), e.g. `git.corp.example/*`, `git.corp.example/platform/*` or `*.corp.example/*`. It matches the
 *   first N elements of a module path, N being its element count (GOPRIVATE's rule); those N
 *   elements are the repository root, the rest is the module's subdirectory or major version
 *   suffix inside it.
 * - `url`: the repository URL template. `*` stands for the part of the root matched from the
 *   pattern's first wildcard element on (`git.corp.example/*` + `ssh://git@git.corp.example/*.git`
 *   maps `git.corp.example/team/lib/v2` to root `git.corp.example/team` and
 *   `ssh://git@git.corp.example/team.git`); `{root}` stands for the whole root. Any scheme is
 *   accepted, `file://` included: the operator wrote it, unlike a URL from a web page. git's
 *   scp-like syntax is accepted too (`git@git.corp.example:*.git`, `[host:2222]:*`; see
 *   scp-like-url.ts) and reaches git unchanged, keeping its meaning: the path is relative
 *   to the ssh login directory, where `ssh://host/path` is absolute.
 * - `vcs`: `git` (default) or `mod` — then `url` is a GOPROXY base URL serving the modules
 *   under the prefix (as a go-import `mod` tag would say).
 *
 * When several rules match, the longest wins: the most elements, then the most elements
 * without wildcards, then the first listed.
 */
import { ModgateError } from '../errors/index.js';
import { pathMatch } from '../module/index.js';
import { parseScpLike } from './scp-like-url.js';

export interface RewriteRule {
  pattern: string;
  url: string;
  vcs?: 'git' | 'mod';
}

export interface CompiledRewrite {
  readonly rule: RewriteRule;
  readonly pattern: string;
  readonly elements: number;
  readonly literalElements: number;
  /** Index of the first element with glob syntax (= `elements` when none). */
  readonly firstWildcard: number;
  readonly vcs: 'git' | 'mod';
}

export interface RewriteMatch {
  root: string;
  vcs: 'git' | 'mod';
  url: string;
  rule: RewriteRule;
}

const GLOB_META = /[*?[\\]/;

/** Validates rules; throws ModgateError `invalid` naming the rule by index and pattern. */
export function compileRewrites(rules: readonly RewriteRule[]): CompiledRewrite[] {
  return rules.map((rule, i) => {
    const fail = (why: string) =>
      new ModgateError('invalid', `rewrite ${i} (pattern ${JSON.stringify(rule.pattern)}): ${why}`);
    let pattern = rule.pattern.trim();
    if (pattern.endsWith('/')) pattern = pattern.slice(0, -1);
    if (pattern === '') throw fail('empty pattern');
    const elems = pattern.split('/');
    if (elems.some((e) => e === '')) throw fail('empty path element');
    for (const e of elems) {
      if (pathMatch(e, '/').badPattern)
        throw fail(`malformed pattern element ${JSON.stringify(e)}`);
    }
    if (elems[0] !== undefined && !GLOB_META.test(elems[0]) && !elems[0].includes('.')) {
      throw fail('the first element must be a host name (with a dot)');
    }
    let firstWildcard = elems.findIndex((e) => GLOB_META.test(e));
    if (firstWildcard < 0) firstWildcard = elems.length;
    const vcs = rule.vcs ?? 'git';
    if (vcs !== 'git' && vcs !== 'mod') throw fail(`vcs must be git or mod, not ${String(vcs)}`);
    if (rule.url.includes('*') && firstWildcard === elems.length) {
      throw fail('url has * but the pattern has no wildcard element');
    }
    const sample = expandTemplate(rule.url, 'example.com/x', 'x');
    let probe: URL | undefined;
    try {
      probe = /^[a-z][a-z0-9+.-]*:\/\//i.test(sample) ? new URL(sample) : undefined;
    } catch {
      probe = undefined;
    }
    if (probe === undefined && (vcs !== 'git' || parseScpLike(sample) === undefined)) {
      throw fail(
        'url must be an absolute URL with a scheme (e.g. ssh://git@host/*.git) or scp-like git syntax (git@host:*.git)',
      );
    }
    if (vcs === 'mod' && probe?.protocol !== 'https:' && probe?.protocol !== 'http:') {
      throw fail('a mod rewrite needs an http or https GOPROXY URL');
    }
    return {
      rule,
      pattern,
      elements: elems.length,
      literalElements: elems.filter((e) => !GLOB_META.test(e)).length,
      firstWildcard,
      vcs,
    };
  });
}

/** The winning rule for `modulePath` and the repository it names, or undefined. */
export function matchRewrite(
  rewrites: readonly CompiledRewrite[],
  modulePath: string,
): RewriteMatch | undefined {
  const elems = modulePath.split('/');
  let best: CompiledRewrite | undefined;
  for (const r of rewrites) {
    if (elems.length < r.elements) continue;
    if (!pathMatch(r.pattern, elems.slice(0, r.elements).join('/')).matched) continue;
    if (
      best === undefined ||
      r.elements > best.elements ||
      (r.elements === best.elements && r.literalElements > best.literalElements)
    ) {
      best = r;
    }
  }
  if (best === undefined) return undefined;
  const root = elems.slice(0, best.elements).join('/');
  const star = elems.slice(best.firstWildcard, best.elements).join('/');
  return { root, vcs: best.vcs, url: expandTemplate(best.rule.url, root, star), rule: best.rule };
}

function expandTemplate(template: string, root: string, star: string): string {
  return template.replaceAll('{root}', root).replaceAll('*', star);
}
