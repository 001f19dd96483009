/**
 * Removes `user:password@` from every URL in a string, so that upstream URLs with credentials
 * can be logged and put in error messages.
 */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
}
