import type { Policy } from '../../src/policy/module-policy.js';

/** A policy for tests of the service: every module path public, verified, secure. */
export const publicPolicy: Policy = {
  forModule: (modulePath) => ({
    modulePath,
    private: false,
    verify: true,
    insecure: false,
    hosted: false,
    deny: [],
  }),
  checkVcs: () => undefined,
  may: () => true,
  anonymousReadsAll: true,
  anyAdmin: true,
  configuredDeny: [],
  setRuntimeDeny: () => {
    throw new Error('publicPolicy: no runtime blocks (use compilePolicy)');
  },
};
