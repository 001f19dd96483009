import { basicAuthorization, urlUserinfo } from '../protocol/basic-auth.js';

/**
 * Keeps credentials that modgate sent out of the text it relays back.
 *
 * An upstream's error page is quoted in modgate's own error (the go command prints it, and it
 * goes to logs), and some servers echo the request into that page: a 401 page that shows the
 * `Authorization` header, a proxy error listing the request headers. A SecretRedactor knows
 * every credential sent on one exchange — the upstream's URL userinfo, an outbound proxy's
 * credentials, any Authorization header — and replaces each of them, in every form a page is
 * likely to show (raw, `user:password`, percent- and form-encoded, base64 of `user:password`,
 * the whole `Basic …`/`Bearer …` value), with `[redacted]`. Independently of what it knows, it
 * also removes anything shaped like an Authorization / Proxy-Authorization header or a
 * `Basic`/`Bearer` credential.
 *
 * `excerpt()` is what to relay: one line, control and format characters removed, bounded.
 */
export class SecretRedactor {
  static readonly MARK = '[redacted]';
  static readonly none = new SecretRedactor([]);

  /** Every form to look for, longest first (so a longer form wins over its parts). */
  private readonly needles: readonly string[];
  /** Secrets too short to replace without mangling the text: their presence drops it all. */
  private readonly shortSecrets: readonly string[];

  private constructor(secrets: Iterable<string>) {
    const all = new Set<string>();
    for (const s of secrets) if (s !== '') all.add(s);
    this.needles = [...all]
      .filter((s) => s.length >= MIN_SECRET)
      .sort((a, b) => b.length - a.length);
    this.shortSecrets = [...all].filter((s) => s.length < MIN_SECRET);
  }

  /** A redactor for these raw secret values (tokens, passwords), in all their forms. */
  static of(...secrets: string[]): SecretRedactor {
    return new SecretRedactor(secrets.flatMap(tokenForms));
  }

  /** For credentials sent as userinfo / Basic auth (decoded user and password). */
  static forCredentials(user: string, password: string): SecretRedactor {
    return new SecretRedactor(credentialForms(user, password));
  }

  /** For a URL's userinfo (`https://user:pass@host`), as written in the URL. */
  static forUrl(url: URL): SecretRedactor {
    if (url.username === '' && url.password === '') return SecretRedactor.none;
    // Undecodable: the request could not have been sent with them decoded either.
    const { username, password } = urlUserinfo(url) ?? url;
    return SecretRedactor.forCredentials(username, password);
  }

  /** For an `Authorization` or `Proxy-Authorization` header value that was sent. */
  static forAuthorization(value: string): SecretRedactor {
    const forms = [value, ...tokenForms(value)];
    const m = /^\s*(\S+)\s+(\S+)\s*$/.exec(value);
    const scheme = m?.[1]?.toLowerCase();
    const token = m?.[2];
    if (token !== undefined) {
      forms.push(...tokenForms(token));
      if (scheme === 'basic') {
        const decoded = Buffer.from(token, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon >= 0) {
          forms.push(...credentialForms(decoded.slice(0, colon), decoded.slice(colon + 1)));
        }
      }
    }
    return new SecretRedactor(forms);
  }

  /** Both redactors' secrets. */
  with(other: SecretRedactor): SecretRedactor {
    if (other.needles.length === 0 && other.shortSecrets.length === 0) return this;
    return new SecretRedactor([
      ...this.needles,
      ...this.shortSecrets,
      ...other.needles,
      ...other.shortSecrets,
    ]);
  }

  /** `text` with every known secret and anything credential-shaped replaced by `[redacted]`. */
  redact(text: string): string {
    for (const s of this.shortSecrets) if (text.includes(s)) return SecretRedactor.MARK;
    let out = text;
    for (const needle of this.needles) out = out.split(needle).join(SecretRedactor.MARK);
    out = out.replace(HEADER_LINE, (_m, name: string, sep: string) => name + sep + MARK_TEXT);
    out = out.replace(CREDENTIAL, (m, scheme: string, space: string, token: string) =>
      looksLikeCredential(scheme, token) ? scheme + space + MARK_TEXT : m,
    );
    return out;
  }

  /**
   * What may be relayed of an upstream's body: redacted, on one line (lines joined with
   * " / "), without control or format characters, at most `max` characters; '' for an empty
   * body. Secrets are removed before and after the clean-up and before truncating (no half
   * secret at the cut).
   */
  excerpt(body: Buffer | string, max = 300): string {
    // Whole: cutting before redacting could leave the head of a secret at the cut. Callers
    // read a bounded body (a few KiB) anyway.
    const text = this.redact(typeof body === 'string' ? body : body.toString('utf8'));
    const clean = text
      .split(/\r\n|[\r\n\u2028\u2029]/)
      .map((line) =>
        // Again per line, on the cleaned text: a control character inside a secret must not
        // hide it (and a header-shaped line must not swallow the lines joined after it).
        this.redact(
          line
            .replace(/\t/g, ' ')
            .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}]/gu, '')
            .replace(/\s+/g, ' ')
            .trim(),
        ),
      )
      .filter((line) => line !== '')
      .join(' / ');
    if (clean.length <= max) return clean;
    return clean.slice(0, Math.max(0, max - 3)) + '...';
  }
}

/** Below this length a secret is too likely to occur by chance to be replaced in place. */
const MIN_SECRET = 4;
const MARK_TEXT = SecretRedactor.MARK;

/**
 * `Authorization: …` / `Proxy-Authorization = …` in any case, also as a JSON or HTML-ish
 * key (`"authorization": "…"`): the value up to the end of the line or a quote / `<`.
 */
const HEADER_LINE = /\b((?:proxy-)?authorization)(["']?\s*[:=]\s*["']?)[^\r\n"'<]+/gi;

/** A scheme word and a token after it: `Basic dXNlcjpwYXNz`, `Bearer eyJ…`. */
const CREDENTIAL = /\b(basic|bearer|token)(\s+)([A-Za-z0-9+/_.~-]{4,}=*)/gi;

/**
 * Whether `scheme token` is a credential rather than prose ("Basic authentication required",
 * "bearer of"): anything with a digit or a symbol, anything long, and for Basic anything whose
 * base64 decodes to `user:password`.
 */
function looksLikeCredential(scheme: string, token: string): boolean {
  if (/[^A-Za-z]/.test(token) || token.length >= 20) return true;
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(token, 'base64').toString('latin1');
    return /^[\x20-\x7e]+:[\x20-\x7e]*$/.test(decoded);
  }
  return false;
}

/** user:password as Basic auth would send it, and each part in the forms a page may show. */
function credentialForms(user: string, password: string): string[] {
  const pair = `${user}:${password}`;
  const forms = [
    ...tokenForms(pair),
    basicAuthorization(user, password),
    ...tokenForms(password),
    `${encodeURIComponent(user)}:${encodeURIComponent(password)}`,
    `${formEncode(user)}:${formEncode(password)}`,
  ];
  const u = new URL('http://h/');
  u.username = user;
  u.password = password;
  forms.push(`${u.username}:${u.password}`, u.password);
  // A user name alone is not secret, unless it is the token (`https://<token>@host`).
  if (password === '') forms.push(...tokenForms(user), u.username);
  return forms;
}

/** A raw secret and its encodings: percent (both hex cases), form, base64 and base64url. */
function tokenForms(secret: string): string[] {
  if (secret === '') return [];
  const pct = encodeURIComponent(secret);
  const b64 = base64(secret);
  return [
    secret,
    pct,
    pct.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    formEncode(secret),
    b64,
    b64.replace(/=+$/, ''),
    b64.replace(/\//g, '\\/'),
    Buffer.from(secret).toString('base64url'),
    JSON.stringify(secret).slice(1, -1),
  ];
}

function base64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

function formEncode(s: string): string {
  return new URLSearchParams([['', s]]).toString().slice(1);
}
