import { createHash, randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import bcrypt from 'bcryptjs';
import type { Command } from 'commander';

/** bcrypt's cost for new hashes: ~50 ms per check, what modgate's verification cache assumes. */
export const BCRYPT_COST = 10;

/** A new bearer token (256 random bits, URL-safe) and the line the users file keeps of it. */
export function newToken(): { token: string; hash: string } {
  const token = `mgt_${randomBytes(32).toString('base64url')}`;
  return { token, hash: `sha256:${createHash('sha256').update(token).digest('hex')}` };
}

/** The bcrypt hash of a password, for a users file's `password:`. */
export function hashPassword(password: string): string {
  return bcrypt.hashSync(password, BCRYPT_COST);
}

/**
 * `modgate auth hash` and `modgate auth token`: what goes into the users file
 * (`auth.users_file`, docs/security.md). The password is read from standard input (first
 * line), never from the command line, where it would land in shell history and `ps`.
 */
export function addAuthCommand(program: Command): void {
  const auth = program
    .command('auth')
    .description('make password hashes and tokens for the users file (auth.users_file)');
  auth
    .command('hash')
    .description('read a password from stdin (first line), print its bcrypt hash')
    .action(async () => {
      const password = await firstLine();
      if (password === '') {
        process.stderr.write('modgate auth hash: no password on standard input\n');
        process.exitCode = 2;
        return;
      }
      if (Buffer.byteLength(password) > 72) {
        process.stderr.write(
          'modgate auth hash: bcrypt reads only the first 72 bytes of a password; use a shorter one (or a token)\n',
        );
        process.exitCode = 2;
        return;
      }
      process.stdout.write(`${hashPassword(password)}\n`);
    });
  auth
    .command('token')
    .description(
      'print a new random token (give it to the client) and its sha256: line (for the users file)',
    )
    .action(() => {
      const { token, hash } = newToken();
      process.stdout.write(`token: ${token}\nusers file: ${hash}\n`);
    });
}

async function firstLine(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('password: ');
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line.replace(/\r$/, '');
  }
  return '';
}
