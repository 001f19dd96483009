import { escapeVersion } from '../module/index.js';
import { blockedError, blockingRule, type DenyRule, type Policy } from '../policy/index.js';
import { parseInfoJson } from '../protocol/info-json.js';
import type { ProxyRequest } from '../protocol/proxy-request.js';
import { formatVersionList, parseVersionList } from '../protocol/version-list.js';
import { compare, isValid, prerelease } from '../semver/index.js';
import type { Answer } from './answer.js';

type ListRequest = Extract<ProxyRequest, { kind: 'list' | 'latest' }>;

/**
 * Block lists applied to answers (`deny`, issue 14 item 3; the rules are the policy's,
 * policy/deny-rules.ts). A blocked version is refused before anything is read or fetched
 * (`check`: `forbidden`, 403, the reason as the body the go command prints under "server
 * response:"); it is left out of `@v/list` and `@latest` skips it (`allowed`).
 *
 * Where it applies (module-service.ts): on every answer that is not a cached hit, and to list
 * and @latest bodies before they enter the answer cache or are served stale. What the cache
 * holds has passed these checks, and whenever the rules change (blocks added or removed at run
 * time, runtime-blocks.ts) the cache is emptied, so a cached hit (the fast path's too) never
 * needs them again. Storage keeps the upstream's unfiltered list: a block removed shows the
 * version again.
 *
 * @latest: the go command asks it only when `@v/list` has no version it may use (cmd/go
 * modload/query.go), and then fetches the `.info` of the version it names. When that version
 * is blocked, the answer becomes the `.info` of the highest allowed version of the list
 * (releases before pre-releases, as the go command's own choice from a list), or, if none,
 * the 403 of the blocked version, so the developer sees the reason rather than "no matching
 * versions".
 */
export class BlockedVersions {
  constructor(
    private readonly policy: Policy,
    /** The service's own answers: the (filtered) list and a `.info`, for @latest's fallback. */
    private readonly answer: (req: ProxyRequest) => Answer | Promise<Answer>,
  ) {}

  /** Throws `forbidden` when `modulePath@version` is blocked. */
  check(modulePath: string, version: string): void {
    const rules = this.policy.forModule(modulePath).deny;
    if (rules.length === 0) return;
    const rule = blockingRule(rules, version);
    if (rule !== undefined) throw blockedError(modulePath, version, rule);
  }

  /**
   * A list or @latest body with blocked versions taken out (the same Buffer when nothing is
   * blocked for the module).
   */
  allowed(req: ListRequest, body: Buffer): Buffer | Promise<Buffer> {
    const rules = this.policy.forModule(req.modulePath).deny;
    if (rules.length === 0) return body;
    return req.kind === 'list' ? filterList(rules, body) : this.latest(req, rules, body);
  }

  /** `allowed` for a whole answer (a list or @latest made from the versions held). */
  async allowedAnswer(req: ListRequest, answer: Answer): Promise<Answer> {
    const body = answer.body;
    if (body === undefined) return answer;
    const allowed = await this.allowed(req, body);
    return allowed === body ? answer : { ...answer, body: allowed, size: allowed.length };
  }

  private async latest(req: ListRequest, rules: readonly DenyRule[], body: Buffer) {
    let version: string;
    try {
      version = parseInfoJson(body, `${req.modulePath}@latest`).version;
    } catch {
      return body; // refused by the caller's own checks
    }
    const rule = blockingRule(rules, version);
    if (rule === undefined) return body;
    const { modulePath, escapedPath } = req;
    const listed = (await this.answer({ kind: 'list', modulePath, escapedPath })).body;
    const list = parseVersionList(listed ?? Buffer.alloc(0)) ?? [];
    const best = highest(list.map((line) => line.split(/\s/)[0] ?? ''));
    if (best === undefined) throw blockedError(modulePath, version, rule);
    const file = { modulePath, escapedPath, version: best, escapedVersion: escapeVersion(best) };
    const info = await this.answer({ ...file, kind: 'info', canonical: true });
    return info.body ?? Buffer.alloc(0);
  }
}

function filterList(rules: readonly DenyRule[], body: Buffer): Buffer {
  const lines = parseVersionList(body);
  if (lines === undefined) return body;
  const kept = lines.filter((line) => blockingRule(rules, line.split(/\s/)[0] ?? '') === undefined);
  return kept.length === lines.length ? body : formatVersionList(kept);
}

/** The highest release, else the highest pre-release (cmd/go's choice for `latest`). */
function highest(versions: readonly string[]): string | undefined {
  const valid = versions.filter(isValid);
  const releases = valid.filter((v) => prerelease(v) === '');
  const pool = releases.length > 0 ? releases : valid;
  let best: string | undefined;
  for (const v of pool) if (best === undefined || compare(v, best) > 0) best = v;
  return best;
}
