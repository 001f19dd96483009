import { readFileSync } from 'node:fs';

/** Set by the bundler of the single-file executable (scripts/build-sea.mjs), which has no package.json beside it. */
declare const MODGATE_BUNDLED_VERSION: string | undefined;

/** modgate's version, from package.json (the one place it is written). */
export const MODGATE_VERSION: string =
  typeof MODGATE_BUNDLED_VERSION === 'string'
    ? MODGATE_BUNDLED_VERSION
    : (
        JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
          version: string;
        }
      ).version;
