/**
 * modfile.ModulePath: the module path declared by go.mod text, found the cheap and tolerant
 * way the go command uses when locating a module inside a repository (codeRepo.findDir) —
 * line by line, ignoring everything but the first `module` line, so unrelated syntax errors
 * elsewhere in the file do not matter.
 */
import { goTrimSpace, goUnquote } from './go-unquote.js';

/**
 * The module path in `data`, or `` if there is none. `//` comments are dropped (even inside
 * quotes, as Go does); a quoted path is unquoted, and a malformed quoted one gives ``.
 */
export function modulePath(data: Buffer | string): string {
  const text = typeof data === 'string' ? data : data.toString('utf8');
  for (const rawLine of text.split('\n')) {
    let line = rawLine;
    const comment = line.indexOf('//');
    if (comment >= 0) line = line.slice(0, comment);
    line = goTrimSpace(line);
    if (!line.startsWith('module')) continue;
    const afterKeyword = line.slice('module'.length);
    const arg = goTrimSpace(afterKeyword);
    // `modulex` is not a module line: the keyword must be followed by space and something.
    if (arg.length === afterKeyword.length || arg === '') continue;
    if (arg[0] === '"' || arg[0] === '`') return goUnquote(arg) ?? '';
    return arg;
  }
  return '';
}
