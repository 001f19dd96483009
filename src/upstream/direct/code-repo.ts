/**
 * CodeRepo: one module inside one VCS repository, at module level (cmd/go
 * modfetch.codeRepo) — the rules that turn a repository's tags, branches and commits into
 * what `GOPROXY=direct` reports: the version list, the version of any revision, the go.mod
 * and the zip of a version. It knows `/vN` paths (major branch or major subdirectory),
 * gopkg.in, subdirectory tag prefixes, `+incompatible`, pseudo-versions and retractions; the
 * CodeHost underneath knows only revisions, tags and files.
 *
 * Answers are meant to be byte-identical to the go command's (versions, `.info` times,
 * `.mod` bytes, zip `h1:`), and errors read like its errors. One deliberate difference:
 * `goMod` and `zip` check that `stat(version)` answers that very version before serving
 * anything — what `go mod download` does before it reads a version — so a proxy never serves
 * files for a version its `.info` would refuse.
 */
import type { Readable } from 'node:stream';
import { BoundedCache } from '../../cache/index.js';
import { ModgateError } from '../../errors/index.js';
import { canonicalVersion } from '../../module/index.js';
import type { CodeHost, CodeHostContext } from './code-host.js';
import { convert, type CodeRevInfo } from './code-repo-convert.js';
import { wrapRevisionError } from './code-repo-errors.js';
import { findDir, revToRev } from './code-repo-find-dir.js';
import { codeRepoLayout, type CodeRepoLayout } from './code-repo-layout.js';
import { retractedVersions, type IsRetracted } from './code-repo-retractions.js';
import { CodeRepoSession, FileCache } from './code-repo-session.js';
import { listVersions } from './code-repo-versions.js';
import { moduleZip } from './code-repo-zip.js';
import { legacyGoMod } from './legacy-go-mod.js';

export type { CodeRevInfo } from './code-repo-convert.js';

export interface CodeRepoOptions {
  /** Where zip archives are spooled; the OS temporary directory by default. */
  readonly tmpDir?: string;
  /** Shared cache of go.mod/LICENSE reads at full hashes (one per repo by default). */
  readonly fileCache?: FileCache;
}

/** How long a canonical version stays known-good for `.mod`/`.zip` (see `checkVersion`). */
const VERIFIED_TTL_MS = 10 * 60_000;
/** Bound on the versions remembered per module: 256 KiB, ~1,000 versions (key + bookkeeping). */
const VERIFIED_MAX_BYTES = 256 * 1024;

export class CodeRepo {
  readonly layout: CodeRepoLayout;
  private readonly files: FileCache;
  /** Canonical versions whose stat answered that very version, with when that expires. */
  private readonly verified = new BoundedCache<true>({
    maxBytes: VERIFIED_MAX_BYTES,
    sizeOf: () => 0,
  });

  /** Throws `not-found` when `modulePath` cannot live in a repository rooted at `codeRoot`. */
  constructor(
    modulePath: string,
    codeRoot: string,
    readonly code: CodeHost,
    private readonly options: CodeRepoOptions = {},
  ) {
    this.layout = codeRepoLayout(modulePath, codeRoot);
    this.files = options.fileCache ?? new FileCache(200, 4 * 1024 * 1024);
  }

  get modulePath(): string {
    return this.layout.modulePath;
  }

  /** `@v/list`: tagged versions, semver-sorted, `+incompatible` ones last, no pseudo-versions. */
  versions(ctx: CodeHostContext = {}): Promise<string[]> {
    return listVersions(this.layout, this.session(ctx));
  }

  /**
   * The version of revision `rev`: a version, pseudo-version, branch, tag, (short) commit
   * hash or `latest`. Throws `not-found` "path@rev: invalid version: …" when the revision or
   * the module at it does not exist or does not fit.
   */
  async stat(rev: string, ctx: CodeHostContext = {}): Promise<CodeRevInfo> {
    const info = await this.statIn(this.session(ctx), rev);
    if (info.version === rev) this.markVerified(rev);
    return info;
  }

  /** The version of the default branch head (cmd/go codeRepo.Latest). */
  async latest(ctx: CodeHostContext = {}): Promise<CodeRevInfo> {
    const session = this.session(ctx);
    const info = await session.latest();
    return convert(this.layout, session, info, '', () => this.retractedIn(session));
  }

  /** The retraction predicate from the latest release's go.mod (throws if unreadable). */
  retractions(ctx: CodeHostContext = {}): Promise<IsRetracted> {
    return this.retractedIn(this.session(ctx));
  }

  /** `@v/<version>.mod`: the module's go.mod bytes as committed, or `module <path>\n`. */
  async goMod(version: string, ctx: CodeHostContext = {}): Promise<Buffer> {
    const session = this.session(ctx);
    await this.checkVersion(session, version);
    const found = await findDir(this.layout, session, version);
    return found.goMod ?? legacyGoMod(this.modulePath);
  }

  /** `@v/<version>.zip` as a stream; resolves once the zip is known to be valid. */
  async zip(version: string, ctx: CodeHostContext = {}): Promise<Readable> {
    const session = this.session(ctx);
    await this.checkVersion(session, version);
    const found = await findDir(this.layout, session, version);
    return moduleZip(this.modulePath, version, found, session, {
      ...(this.options.tmpDir !== undefined ? { tmpDir: this.options.tmpDir } : {}),
    });
  }

  private session(ctx: CodeHostContext): CodeRepoSession {
    return new CodeRepoSession(this.code, ctx, this.files);
  }

  private async statIn(session: CodeRepoSession, rev: string): Promise<CodeRevInfo> {
    if (rev === 'latest') {
      const info = await session.latest();
      return convert(this.layout, session, info, '', () => this.retractedIn(session));
    }
    const codeRev = revToRev(this.layout, rev);
    let info;
    try {
      info = await session.stat(codeRev);
    } catch (err) {
      throw wrapRevisionError(this.modulePath, rev, err);
    }
    return convert(this.layout, session, info, rev, () => this.retractedIn(session));
  }

  private retractedIn(session: CodeRepoSession): Promise<IsRetracted> {
    return retractedVersions(this.layout, session);
  }

  /**
   * A canonical version whose `.info` is that same version. A positive answer is remembered
   * for a while: the `.info`, `.mod` and `.zip` of one version come in a burst, and checking a
   * pseudo-version costs git processes (ancestor tag, merge-base) each time. What it depends
   * on does not change meanwhile — a pseudo-version names its commit, and tags are taken as
   * immutable (the code host keeps the commit a tag had when first fetched).
   */
  private async checkVersion(session: CodeRepoSession, version: string): Promise<void> {
    if (version !== canonicalVersion(version)) {
      throw new ModgateError('invalid', `version ${version} is not canonical`);
    }
    if (this.verified.get(version) === true) return;
    const info = await this.statIn(session, version);
    if (info.version !== version) {
      throw new ModgateError(
        'not-found',
        `${this.modulePath}@${version}: invalid version: resolves to version ${info.version}`,
      );
    }
    this.markVerified(version);
  }

  private markVerified(version: string): void {
    if (version !== canonicalVersion(version)) return;
    this.verified.set(version, true, VERIFIED_TTL_MS);
  }
}
