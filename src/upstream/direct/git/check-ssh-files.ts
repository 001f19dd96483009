import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ModgateError } from '../../../errors/index.js';
import type { SshHostKeyChecking, SshKeyEntry } from './ssh-identities.js';
import { sshPathProblem } from '../../../policy/ssh-path-problem.js';

/**
 * Start-up checks of the ssh files the server holds, so that a mistake is one clear error
 * naming the setting, the host and the file — not an obscure ssh failure on the first fetch:
 * - a key file must be a readable regular file holding a private key in a format ssh reads
 *   (OpenSSH or PEM), not protected by a passphrase (nothing can type it: ssh runs in batch
 *   mode), and — like ssh itself, which refuses "UNPROTECTED PRIVATE KEY FILE"s — not
 *   readable by group or others when the file is ours;
 * - a configured known_hosts file must be readable; with `accept-new` it (or, before the
 *   first host is added, its directory) must be writable.
 * Messages name paths only: a key's content is read here and never leaves this function.
 */
export async function checkSshFiles(options: {
  keys: readonly SshKeyEntry[];
  knownHosts: string;
  hostKeyChecking: SshHostKeyChecking;
}): Promise<void> {
  for (const { host, path } of options.keys) {
    const problem = await keyFileProblem(path);
    if (problem !== undefined) {
      throw new ModgateError(
        'invalid',
        `config: direct.ssh_keys: the key for ${host} (${path}) ${problem}`,
      );
    }
  }
  if (options.knownHosts !== '') {
    const problem = await knownHostsProblem(options.knownHosts, options.hostKeyChecking);
    if (problem !== undefined) {
      throw new ModgateError(
        'invalid',
        `config: direct.ssh_known_hosts: ${options.knownHosts} ${problem}`,
      );
    }
  }
}

async function keyFileProblem(path: string): Promise<string | undefined> {
  const bad = sshPathProblem(path);
  if (bad !== undefined) return bad;
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    return describeFsError(err);
  }
  if (!info.isFile()) return 'is not a regular file';
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid === uid && (info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
    return `is readable by group or others (mode ${mode}): ssh refuses such keys; run chmod 600 ${path}`;
  }
  if (info.size > 64 * 1024) return 'is too large to be an ssh private key';
  let text: string;
  try {
    text = await readFile(path, 'latin1');
  } catch (err) {
    return describeFsError(err);
  }
  return keyTextProblem(text);
}

/** Why `text` is not a private key ssh can use unattended (undefined when it is). */
export function keyTextProblem(text: string): string | undefined {
  const pem =
    /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----\r?\n([\s\S]*?)-----END \1PRIVATE KEY-----/.exec(text);
  if (pem === null) {
    return 'does not hold a private key in a format ssh reads (OpenSSH or PEM "-----BEGIN ... PRIVATE KEY-----")';
  }
  const kind = pem[1] ?? '';
  const body = pem[2] ?? '';
  const locked =
    'is protected by a passphrase, which nothing can type (ssh runs in batch mode); use a key without one';
  if (kind === 'ENCRYPTED ' || /^Proc-Type:\s*4,ENCRYPTED/m.test(body)) return locked;
  if (kind === 'OPENSSH ') {
    // openssh-key-v1\0, then string ciphername ("none" when not encrypted).
    const raw = Buffer.from(body.replace(/\s+/g, ''), 'base64');
    const magic = 'openssh-key-v1\0';
    if (raw.length < magic.length + 4 || raw.toString('latin1', 0, magic.length) !== magic) {
      return 'is not a valid OpenSSH private key';
    }
    const len = raw.readUInt32BE(magic.length);
    const cipher = raw.toString('latin1', magic.length + 4, magic.length + 4 + len);
    if (cipher !== 'none') return locked;
  }
  return undefined;
}

async function knownHostsProblem(
  path: string,
  checking: SshHostKeyChecking,
): Promise<string | undefined> {
  const bad = sshPathProblem(path);
  if (bad !== undefined) return bad;
  try {
    const info = await stat(path);
    if (!info.isFile()) return 'is not a regular file';
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code !== 'ENOENT') return describeFsError(err);
    if (checking === 'strict') {
      return 'does not exist: with strict host key checking every ssh host must be listed in it (add them with ssh-keyscan, or set direct.ssh_host_key_checking to accept-new)';
    }
    try {
      await access(dirname(path), constants.W_OK);
      return undefined;
    } catch (dirErr) {
      return `cannot be created (${describeFsError(dirErr)})`;
    }
  }
  try {
    await access(
      path,
      checking === 'accept-new' ? constants.R_OK | constants.W_OK : constants.R_OK,
    );
    return undefined;
  } catch {
    return checking === 'accept-new'
      ? 'must be readable and writable by the user running modgate (accept-new adds hosts to it)'
      : 'cannot be read by the user running modgate (permission denied)';
  }
}

function describeFsError(err: unknown): string {
  switch ((err as { code?: unknown }).code) {
    case 'ENOENT':
      return 'does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read by the user running modgate (permission denied)';
    case 'EISDIR':
      return 'is a directory';
    default:
      return `cannot be read: ${(err as Error).message}`;
  }
}
