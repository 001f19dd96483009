/**
 * The certificate authorities the go command trusts on Linux — the system store, not Node's
 * bundled list — read the way Go 1.19 does (crypto/x509/root_unix.go, root_linux.go):
 *
 * - one file: `SSL_CERT_FILE` when set, else the first that exists of Go's list
 *   (`/etc/ssl/certs/ca-certificates.crt` on Debian/Ubuntu, …);
 * - plus every file of the directories: `SSL_CERT_DIR` (colon-separated) when set, else
 *   `/etc/ssl/certs`, `/etc/pki/tls/certs`, `/system/etc/security/cacerts` (symbolic links to
 *   files of the same directory are skipped, as Go does).
 *
 * The PEM blocks are passed as `ca` to tls.connect, which then trusts exactly them.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';

const CERT_FILES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/tls/cacert.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
];
const CERT_DIRS = ['/etc/ssl/certs', '/etc/pki/tls/certs', '/system/etc/security/cacerts'];

export interface GoRoots {
  /** PEM certificate blocks, deduplicated. */
  pems: string[];
  /** Where they came from, for the report: the file read and the directories listed. */
  sources: string[];
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const cache = new Map<string, Promise<GoRoots>>();

/** The roots for this environment's SSL_CERT_FILE / SSL_CERT_DIR (read once per pair). */
export function goSystemRoots(env: Readonly<Record<string, string | undefined>>): Promise<GoRoots> {
  const file = env.SSL_CERT_FILE ?? '';
  const dir = env.SSL_CERT_DIR ?? '';
  const key = `${file}\0${dir}`;
  let roots = cache.get(key);
  if (roots === undefined) {
    roots = loadRoots(file, dir);
    cache.set(key, roots);
  }
  return roots;
}

async function loadRoots(certFile: string, certDir: string): Promise<GoRoots> {
  const pems = new Set<string>();
  const sources: string[] = [];
  const add = (text: string): void => {
    for (const m of text.matchAll(PEM_BLOCK)) pems.add(m[0]);
  };
  for (const file of certFile !== '' ? [certFile] : CERT_FILES) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      add(text);
      sources.push(file + (certFile !== '' ? ' (SSL_CERT_FILE)' : ''));
      break;
    }
  }
  for (const dir of certDir !== '' ? certDir.split(':') : CERT_DIRS) {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
    if (entries === undefined) continue;
    sources.push(dir + '/' + (certDir !== '' ? ' (SSL_CERT_DIR)' : ''));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        const target = await readlink(path).catch(() => undefined);
        if (target === undefined) continue;
        const resolved = isAbsolute(target) ? target : resolve(dir, target);
        if (dirname(resolved) === resolve(dir)) continue;
      } else if (!entry.isFile()) continue;
      const text = await readFile(path, 'utf8').catch(() => undefined);
      if (text !== undefined) add(text);
    }
  }
  return { pems: [...pems], sources };
}
