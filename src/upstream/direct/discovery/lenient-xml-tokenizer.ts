/**
 * A lenient XML tokenizer with the behaviour of Go's `encoding/xml` Decoder in non-strict mode
 * read through `RawToken` — the way cmd/go reads `?go-get=1` pages (vcs/discovery.go). HTML is
 * not XML, so matching Go's leniency *and* its failures matters: a page whose go-import tags Go
 * finds must give the same tags here, and a page Go stops reading at a syntax error stops here
 * at the same place.
 *
 * What it accepts beyond XML (non-strict mode): attributes without a value (`<div hidden>`, the
 * value is the name), unquoted attribute values (`name=go-import`, letters, digits and `_:-`),
 * unknown entities left as written (`&nbsp;`), and no check that end tags match start tags.
 * What still fails as in Go: `<` not followed by a name, `/`, `?` or `!`; `<` inside a quoted
 * attribute value; `]]>` outside CDATA; `--` inside a comment; invalid UTF-8 or characters
 * outside the XML character range in text and quoted values; an `<?xml?>` prolog declaring
 * an encoding other than UTF-8/ASCII or a version other than 1.0; and unexpected EOF inside a
 * construct.
 *
 * (Over 400 lines on purpose: one state machine, Go's decoder's, kept in one file so its
 * states can be read against xml.go side by side; splitting it would scatter one loop.)
 *
 * Works on bytes (like Go) so positions of errors and UTF-8 checks agree. Element and
 * attribute names are reported by their local part (`og:meta` → `meta`), as Go's
 * `Name.Local`.
 *
 * Why this file is past 400 lines: it is one state machine — a port of encoding/xml's
 * RawToken, whose construct readers (tags, `<?…?>`, `<!…>`, text and references) consume one
 * byte stream and share its cursor, line count and error; kept together they can be read
 * against xml.go. What stands apart is split off: the character classes (xml-characters.ts)
 * and the `<?xml?>` declaration policy (xml-declaration.ts).
 */

import {
  codePointToString,
  decodeUtf8,
  isDigitIn,
  isInCharacterRange,
  isName,
  isNameByte,
  isUnquotedValueByte,
  latin1,
} from './xml-characters.js';
import { xmlDeclarationProblem } from './xml-declaration.js';

export type XmlToken =
  | { type: 'start'; name: string; attrs: XmlAttr[] }
  | { type: 'end'; name: string }
  | { type: 'text'; data: string }
  | { type: 'comment' }
  | { type: 'procinst'; target: string }
  | { type: 'directive' };

export interface XmlAttr {
  /** Local part of the attribute name. */
  name: string;
  value: string;
}

/** Go's xml.SyntaxError, and the prolog errors, with Go's messages. */
export class XmlSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

const EOF = -1;

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

export class LenientXmlTokenizer {
  private pos = 0;
  private line = 1;
  private err: Error | undefined;
  private pendingEnd: string | undefined;

  constructor(private readonly input: Uint8Array) {}

  /** The next token, or null at the end of the input. Throws XmlSyntaxError (and keeps throwing). */
  next(): XmlToken | null {
    if (this.err) throw this.err;
    try {
      return this.rawToken();
    } catch (err) {
      if (err instanceof XmlSyntaxError) this.err = err;
      throw err;
    }
  }

  private rawToken(): XmlToken | null {
    if (this.pendingEnd !== undefined) {
      // The last element was self-closing (`<x/>`): its end half comes now, as in Go.
      const name = this.pendingEnd;
      this.pendingEnd = undefined;
      return { type: 'end', name };
    }
    let b = this.getc();
    if (b === EOF) return null;
    if (b !== 0x3c /* < */) {
      this.ungetc(b);
      return { type: 'text', data: this.text(-1, false) };
    }
    b = this.mustgetc();
    switch (b) {
      case 0x2f /* / */: {
        const name = this.nsname();
        if (name === null) throw this.syntaxError('expected element name after </');
        this.space();
        if (this.mustgetc() !== 0x3e /* > */) {
          throw this.syntaxError(`invalid characters between </${name} and >`);
        }
        return { type: 'end', name };
      }
      case 0x3f /* ? */:
        return this.procInst();
      case 0x21 /* ! */:
        return this.bang();
    }
    this.ungetc(b);
    const name = this.nsname();
    if (name === null) throw this.syntaxError('expected element name after <');
    const attrs: XmlAttr[] = [];
    for (;;) {
      this.space();
      b = this.mustgetc();
      if (b === 0x2f /* / */) {
        if (this.mustgetc() !== 0x3e) throw this.syntaxError('expected /> in element');
        this.pendingEnd = name;
        break;
      }
      if (b === 0x3e /* > */) break;
      this.ungetc(b);
      const attrName = this.nsname();
      if (attrName === null) throw this.syntaxError('expected attribute name in element');
      this.space();
      b = this.mustgetc();
      if (b !== 0x3d /* = */) {
        // Non-strict: a bare attribute's value is its name.
        this.ungetc(b);
        attrs.push({ name: attrName, value: attrName });
      } else {
        this.space();
        attrs.push({ name: attrName, value: this.attrval() });
      }
    }
    return { type: 'start', name, attrs };
  }

  private procInst(): XmlToken {
    const target = this.name();
    if (target === null) throw this.syntaxError('expected target name after <?');
    this.space();
    const start = this.pos;
    let b0 = 0;
    for (;;) {
      const b = this.mustgetc();
      if (b0 === 0x3f && b === 0x3e) break;
      b0 = b;
    }
    if (target === 'xml') {
      const problem = xmlDeclarationProblem(latin1(this.input.subarray(start, this.pos - 2)));
      if (problem !== undefined) throw new XmlSyntaxError(problem);
    }
    return { type: 'procinst', target };
  }

  /** After `<!`: a comment, a CDATA section or a directive (`<!doctype html>`). */
  private bang(): XmlToken {
    let b = this.mustgetc();
    if (b === 0x2d /* - */) {
      if (this.mustgetc() !== 0x2d) throw this.syntaxError('invalid sequence <!- not part of <!--');
      let b0 = 0;
      let b1 = 0;
      for (;;) {
        b = this.mustgetc();
        if (b0 === 0x2d && b1 === 0x2d) {
          if (b !== 0x3e) throw this.syntaxError('invalid sequence "--" not allowed in comments');
          break;
        }
        b0 = b1;
        b1 = b;
      }
      return { type: 'comment' };
    }
    if (b === 0x5b /* [ */) {
      const want = 'CDATA[';
      for (let i = 0; i < want.length; i++) {
        if (this.mustgetc() !== want.charCodeAt(i)) throw this.syntaxError('invalid <![ sequence');
      }
      return { type: 'text', data: this.text(-1, true) };
    }
    // A directive; quoted `>` do not count, nested `<...>` do, embedded comments are skipped.
    let inquote = 0;
    let depth = 0;
    for (;;) {
      b = this.mustgetc();
      if (inquote === 0 && b === 0x3e && depth === 0) break;
      for (;;) {
        if (b === inquote) inquote = 0;
        else if (inquote !== 0) {
          // inside quotes: nothing special
        } else if (b === 0x27 || b === 0x22) inquote = b;
        else if (b === 0x3e) depth--;
        else if (b === 0x3c) {
          const s = '!--';
          let mismatch = false;
          for (let i = 0; i < s.length; i++) {
            b = this.mustgetc();
            if (b !== s.charCodeAt(i)) {
              depth++;
              mismatch = true;
              break;
            }
          }
          if (mismatch) continue; // handle b (the mismatching byte) as Go's `goto HandleB`
          let c0 = 0;
          let c1 = 0;
          for (;;) {
            const c = this.mustgetc();
            if (c0 === 0x2d && c1 === 0x2d && c === 0x3e) break;
            c0 = c1;
            c1 = c;
          }
        }
        break;
      }
    }
    return { type: 'directive' };
  }

  private attrval(): string {
    const b = this.mustgetc();
    if (b === 0x22 || b === 0x27) return this.text(b, false);
    // Unquoted (non-strict): the HTML 4 value characters.
    this.ungetc(b);
    const start = this.pos;
    for (;;) {
      const c = this.mustgetc();
      if (!isUnquotedValueByte(c)) {
        this.ungetc(c);
        break;
      }
    }
    return latin1(this.input.subarray(start, this.pos));
  }

  /**
   * Character data up to `<` (quote < 0), the closing quote, or `]]>` (cdata), with the five
   * XML entities and numeric references decoded and `\r\n`/`\r` turned into `\n`.
   */
  private text(quote: number, cdata: boolean): string {
    const out: number[] = [];
    let b0 = 0;
    let b1 = 0;
    let trunc = 0;
    for (;;) {
      let b = this.getc();
      if (b === EOF) {
        if (cdata) throw this.syntaxError('unexpected EOF in CDATA section');
        break;
      }
      if (b0 === 0x5d && b1 === 0x5d && b === 0x3e) {
        if (cdata) {
          trunc = 2;
          break;
        }
        throw this.syntaxError('unescaped ]]> not in CDATA section');
      }
      if (b === 0x3c && !cdata) {
        if (quote >= 0) throw this.syntaxError('unescaped < inside quoted string');
        this.ungetc(b);
        break;
      }
      if (quote >= 0 && b === quote) break;
      if (b === 0x26 /* & */ && !cdata) {
        const before = out.length;
        out.push(b);
        let decoded: string | undefined;
        b = this.mustgetc();
        if (b === 0x23 /* # */) {
          out.push(b);
          b = this.mustgetc();
          let base = 10;
          if (b === 0x78 /* x */) {
            base = 16;
            out.push(b);
            b = this.mustgetc();
          }
          const start = out.length;
          while (isDigitIn(b, base)) {
            out.push(b);
            b = this.mustgetc();
          }
          if (b !== 0x3b /* ; */) this.ungetc(b);
          else {
            const s = String.fromCharCode(...out.slice(start));
            out.push(b);
            const n = s === '' ? NaN : parseInt(s, base);
            if (Number.isSafeInteger(n) && n <= 0x10ffff) decoded = codePointToString(n);
          }
        } else {
          this.ungetc(b);
          const start = out.length;
          this.readNameInto(out);
          b = this.mustgetc();
          if (b !== 0x3b) this.ungetc(b);
          else {
            const nameBytes = out.slice(start);
            out.push(b);
            const name = decodeUtf8(nameBytes);
            if (name !== null && isName(name)) decoded = ENTITIES[name];
          }
        }
        if (decoded !== undefined) {
          out.length = before;
          for (const byte of Buffer.from(decoded, 'utf8')) out.push(byte);
        }
        // Non-strict: an unknown entity stays as written.
        b0 = 0;
        b1 = 0;
        continue;
      }
      if (b === 0x0d) out.push(0x0a);
      else if (b1 === 0x0d && b === 0x0a) {
        // \r\n: the \n was already written for the \r.
      } else out.push(b);
      b0 = b1;
      b1 = b;
    }
    if (trunc > 0) out.length -= trunc;
    const s = decodeUtf8(out);
    if (s === null) throw this.syntaxError('invalid UTF-8');
    for (const ch of s) {
      const cp = ch.codePointAt(0) ?? 0;
      if (!isInCharacterRange(cp)) {
        throw this.syntaxError(
          `illegal character code U+${cp.toString(16).toUpperCase().padStart(4, '0')}`,
        );
      }
    }
    return s;
  }

  /** A name's local part (Go's nsname), or null when no name starts here. */
  private nsname(): string | null {
    const s = this.name();
    if (s === null) return null;
    const parts = s.split(':');
    if (parts.length === 2 && parts[0] !== '' && parts[1] !== '') return parts[1] ?? s;
    return s;
  }

  private name(): string | null {
    const bytes: number[] = [];
    if (!this.readNameInto(bytes)) return null;
    const s = decodeUtf8(bytes);
    if (s === null || !isName(s)) {
      throw this.syntaxError(`invalid XML name: ${s ?? Buffer.from(bytes).toString('utf8')}`);
    }
    return s;
  }

  /** Reads name bytes (ASCII name bytes and any non-ASCII byte); false when none. */
  private readNameInto(out: number[]): boolean {
    let b = this.mustgetc();
    if (b < 0x80 && !isNameByte(b)) {
      this.ungetc(b);
      return false;
    }
    out.push(b);
    for (;;) {
      b = this.mustgetc();
      if (b < 0x80 && !isNameByte(b)) {
        this.ungetc(b);
        return true;
      }
      out.push(b);
    }
  }

  private space(): void {
    for (;;) {
      const b = this.getc();
      if (b === EOF) return;
      if (b !== 0x20 && b !== 0x0d && b !== 0x0a && b !== 0x09) {
        this.ungetc(b);
        return;
      }
    }
  }

  private getc(): number {
    if (this.pos >= this.input.length) return EOF;
    const b = this.input[this.pos++] ?? EOF;
    if (b === 0x0a) this.line++;
    return b;
  }

  /** getc, with EOF an error: every construct that needs more input uses this. */
  private mustgetc(): number {
    const b = this.getc();
    if (b === EOF) throw this.syntaxError('unexpected EOF');
    return b;
  }

  private ungetc(b: number): void {
    if (b === EOF) return;
    this.pos--;
    if (b === 0x0a) this.line--;
  }

  private syntaxError(msg: string): XmlSyntaxError {
    return new XmlSyntaxError(`XML syntax error on line ${this.line}: ${msg}`);
  }
}
