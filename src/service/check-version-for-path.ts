import { ModgateError } from '../errors/index.js';
import { check } from '../module/index.js';

/**
 * Refuses a version an upstream resolved (a query's `.info`, `@latest`) that is not valid for
 * the module path (`upstream`, 502): the go command would refuse it too, with a less clear
 * message.
 */
export function checkVersionForPath(modulePath: string, version: string): void {
  try {
    check(modulePath, version);
  } catch (err) {
    throw new ModgateError(
      'upstream',
      `upstream answered version ${version}, which is not valid for ${modulePath}`,
      { cause: err },
    );
  }
}
