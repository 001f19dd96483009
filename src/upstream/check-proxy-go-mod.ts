import { ModgateError } from '../errors/index.js';
import { parseGoMod } from '../modfile/index.js';
import { isMajor, splitPathVersion } from '../module/index.js';

/**
 * What a `.mod` answered by an upstream proxy must be before modgate stores it. A canonical
 * version's go.mod is immutable once stored, so an upstream that answers 200 with something
 * else — a captive portal's sign-in page, an HTML error page, another file — would otherwise be
 * served forever. The go command refuses such a file when it reads it (modload parses every
 * dependency's go.mod with modfile.ParseLax and needs its `module` line); so does modgate, as an
 * upstream error, so that `|` moves on to the next upstream and nothing is stored.
 *
 * The rules:
 * - the file parses as a go.mod under ParseLax's rules (unknown directives are ignored);
 * - it has a `module` directive;
 * - the declared path's major-version suffix agrees with the requested path's, as direct
 *   fetching requires (cmd/go's codeRepo.findDir: "has non-.../v2 module path").
 *
 * A declared path that differs from the requested one is accepted otherwise: a fork used
 * through `replace old => fork vX` usually keeps the original module line, proxy.golang.org
 * serves its go.mod as is, and the go command accepts it (modload goModSummary allows the
 * replaced path). Refusing it would break every build that uses such a fork.
 */
export function checkProxyGoMod(modulePath: string, data: Buffer, label: string): void {
  let declared: string | undefined;
  try {
    declared = parseGoMod(data).module?.path;
  } catch (err) {
    // Go's message quotes the offending text, which came from the upstream: name the line only.
    const line = err instanceof Error ? /:(\d+)(?::\d+)?:/.exec(err.message)?.[1] : undefined;
    const where = line === undefined ? 'it does not parse' : `syntax error at line ${line}`;
    throw new ModgateError('upstream', `${label}: the upstream answer is not a go.mod (${where})`);
  }
  if (declared === undefined || declared === '') {
    throw new ModgateError(
      'upstream',
      `${label}: the upstream answer is not a go.mod (no module directive)`,
    );
  }
  const { pathMajor } = splitPathVersion(modulePath);
  if (!isMajor(declared, pathMajor) && !(pathMajor === '' && declared.startsWith('gopkg.in/'))) {
    const want = pathMajor === '' ? 'a v0/v1 module path' : `a module path ending in ${pathMajor}`;
    throw new ModgateError(
      'upstream',
      `${label}: the go.mod declares module ${JSON.stringify(declared)}, not ${want}`,
    );
  }
}
