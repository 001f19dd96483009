import type { Check } from '../check.js';
import { gitCheck } from './credentials/git-check.js';
import { gitLsRemoteCheck } from './credentials/git-ls-remote-check.js';
import { gitRewritesCheck } from './credentials/git-rewrites-check.js';
import { netrcCheck } from './credentials/netrc-check.js';
import { sshCheck } from './credentials/ssh-check.js';

/** The credential layer's checks, in report order. */
export const credentialChecks: readonly Check[] = [
  netrcCheck,
  gitCheck,
  gitRewritesCheck,
  sshCheck,
  gitLsRemoteCheck,
];
