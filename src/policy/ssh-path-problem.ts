/**
 * Why a path cannot be handed to ssh (undefined when it can). ssh expands `%` tokens and
 * `${VAR}` in IdentityFile and UserKnownHostsFile, and splits UserKnownHostsFile on
 * white space unless quoted; rather than escape for three parsers, such paths are refused.
 */
export function sshPathProblem(path: string): string | undefined {
  if (path === '') return 'no file named';
  if (/[\x00-\x1f\x7f"\\%]/.test(path) || path.includes('${')) {
    return 'contains characters ssh would interpret (%, ${, ", \\ or control characters); rename the file';
  }
  return undefined;
}
