import type { GoEnvChange } from './finding.js';

/**
 * The shell line that applies one change, ready to paste into sh/bash/zsh:
 * `go env -w NAME=VALUE` (single-quoted when the value needs it) or `go env -u NAME`.
 */
export function goEnvCommand(change: GoEnvChange): string {
  if (change.value === undefined) return `go env -u ${change.name}`;
  return `go env -w ${shellQuote(`${change.name}=${change.value}`)}`;
}

/** `text` as one shell word: unchanged when it is safe, else in single quotes. */
export function shellQuote(text: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
