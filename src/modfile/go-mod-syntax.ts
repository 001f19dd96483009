/**
 * The go.mod lexer and statement parser (x/mod/modfile read.go), reduced to what the
 * directive rules need: each statement's tokens, its line and column, and the comments
 * attached to it, with Go's attachment rules:
 *
 * - whole-line comments directly above a top-level statement (no blank line between) are
 *   its `before` comments; a blank line detaches them;
 * - inside a `verb ( … )` block, comment lines above a line are its `before` comments, and
 *   blank lines in between are kept as `''` markers rather than detaching them;
 * - a `// …` comment at the end of a statement's line is its `suffix` comment.
 *
 * Syntax errors (unterminated strings or blocks, slash-star comments, control characters)
 * throw ModgateError('invalid') with Go's message and `file:line:col` position.
 */
import { invalid } from '../errors/index.js';
import { goQuoteRune } from '../module/go-quote.js';

/** What a line and a block have alike: tokens, a position and the comments around them. */
interface SyntaxStatementBase {
  readonly tokens: readonly string[];
  /** 1-based line and column (in characters) of the first token. */
  readonly line: number;
  readonly column: number;
  /** Whole-line comments above, with their `//`; `''` marks a blank line in a block. */
  readonly before: readonly string[];
  /** End-of-line comments, with their `//`. */
  readonly suffix: readonly string[];
}

/** One statement on a line (`require x v1.0.0`, or a line inside a block). */
export type SyntaxLine = SyntaxStatementBase;

/** A factored block (`require ( … )`): `tokens` are the ones before `(`, e.g. `['retract']`. */
export interface SyntaxBlock extends SyntaxStatementBase {
  readonly lines: readonly SyntaxLine[];
}

export type SyntaxStatement =
  ({ readonly kind: 'line' } & SyntaxLine) | ({ readonly kind: 'block' } & SyntaxBlock);

type TokenKind =
  'eof' | 'eol' | 'comment' | 'eol-comment' | 'string' | 'ident' | '(' | ')' | 'punct';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

const punctuation = new Set(['(', ')', '[', ']', '{', '}', ',']);
/** Go's unicode.IsPrint minus space: what may appear in an identifier token. */
const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
/** Go's unicode.IsSpace. */
const space = /^[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]$/u;

function isIdentChar(ch: string): boolean {
  return !punctuation.has(ch) && !space.test(ch) && printable.test(ch);
}

class Lexer {
  private readonly chars: string[];
  private pos = 0;
  private line = 1;
  private column = 1;
  /** Whether a token precedes the current position on this line (then `//` is a suffix). */
  private lineHasToken = false;

  constructor(
    text: string,
    private readonly filename: string,
  ) {
    this.chars = Array.from(text);
  }

  error(message: string, line = this.line, column = this.column): never {
    const where = column > 1 ? `${line}:${column}` : `${line}`;
    throw invalid(`${this.filename}:${where}: ${message}`);
  }

  private peekChar(offset = 0): string | undefined {
    return this.chars[this.pos + offset];
  }

  private readChar(): string {
    const ch = this.chars[this.pos++] ?? '';
    if (ch === '\n') {
      this.line++;
      this.column = 1;
      this.lineHasToken = false;
    } else {
      this.column++;
    }
    return ch;
  }

  private startsWith(s: string): boolean {
    return this.peekChar() === s[0] && this.peekChar(1) === s[1];
  }

  next(): Token {
    for (;;) {
      const ch = this.peekChar();
      if (ch === ' ' || ch === '\t' || ch === '\r') {
        this.readChar();
        continue;
      }
      if (this.startsWith('//')) {
        const suffix = this.lineHasToken;
        const line = this.line;
        const column = this.column;
        let text = '';
        while (this.pos < this.chars.length) {
          const c = this.readChar();
          if (c === '\n') break;
          text += c;
        }
        if (text.endsWith('\r')) text = text.slice(0, -1);
        return { kind: suffix ? 'eol-comment' : 'comment', text, line, column };
      }
      if (this.startsWith('/*')) this.error('mod files must use // comments (not /* */ comments)');
      break;
    }
    const line = this.line;
    const column = this.column;
    const ch = this.peekChar();
    if (ch === undefined) return { kind: 'eof', text: '', line, column };
    this.lineHasToken = true;
    if (ch === '\n') {
      this.readChar();
      return { kind: 'eol', text: '\n', line, column };
    }
    if (punctuation.has(ch)) {
      this.readChar();
      const kind = ch === '(' || ch === ')' ? ch : 'punct';
      return { kind, text: ch, line, column };
    }
    if (ch === '"' || ch === '`') {
      let text = this.readChar();
      for (;;) {
        const c = this.peekChar();
        if (c === undefined) this.error('unexpected EOF in string', line, column);
        if (c === '\n') this.error('unexpected newline in string');
        text += this.readChar();
        if (c === ch) break;
        if (c === '\\' && ch !== '`') {
          if (this.peekChar() === undefined) this.error('unexpected EOF in string', line, column);
          text += this.readChar();
        }
      }
      return { kind: 'string', text, line, column };
    }
    if (!isIdentChar(ch)) this.error(`unexpected input character ${goBackquote(ch)}`);
    let text = '';
    for (let c = this.peekChar(); c !== undefined && isIdentChar(c); c = this.peekChar()) {
      if (this.startsWith('//')) break;
      if (this.startsWith('/*')) this.error('mod files must use // comments (not /* */ comments)');
      text += this.readChar();
    }
    return { kind: 'ident', text, line, column };
  }
}

/** Go's %#q for a rune: backquoted when it can be, else single-quoted with escapes. */
function goBackquote(ch: string): string {
  return ch !== '`' && printable.test(ch) ? '`' + ch + '`' : goQuoteRune(ch);
}

function isEol(t: Token): boolean {
  return t.kind === 'eof' || t.kind === 'eol' || t.kind === 'eol-comment';
}

/** Parses go.mod text into statements with attached comments. */
export function parseGoModSyntax(text: string, filename = 'go.mod'): SyntaxStatement[] {
  const lexer = new Lexer(text, filename);
  let token = lexer.next();
  const lex = (): Token => {
    const t = token;
    token = lexer.next();
    return t;
  };
  const statements: SyntaxStatement[] = [];
  let pending: string[] = [];

  /** Reads tokens to the end of the line; returns them and the suffix comment, if any. */
  const readLine = (first: Token): { tokens: string[]; suffix: string[] } => {
    const tokens = [first.text];
    for (;;) {
      const t = lex();
      if (isEol(t)) return { tokens, suffix: t.kind === 'eol-comment' ? [t.text] : [] };
      tokens.push(t.text);
    }
  };

  const parseBlock = (head: Token, verb: string[], before: string[]): SyntaxStatement => {
    const lines: SyntaxLine[] = [];
    let comments: string[] = [];
    for (;;) {
      switch (token.kind) {
        case 'eol-comment': // on the `(` line: belongs to the parenthesis, not a line
          lex();
          break;
        case 'eol':
          lex();
          if (
            (comments.length === 0 && lines.length > 0) ||
            (comments.length > 0 && comments.at(-1) !== '')
          ) {
            comments.push('');
          }
          break;
        case 'comment':
          comments.push(lex().text);
          break;
        case 'eof':
          lexer.error(
            `syntax error (unterminated block started at ${filename}:${head.line}:${head.column})`,
          );
          break;
        case ')': {
          lex();
          if (!isEol(token)) lexer.error('syntax error (expected newline after closing paren)');
          lex();
          return {
            kind: 'block',
            tokens: verb,
            line: head.line,
            column: head.column,
            before,
            suffix: [],
            lines,
          };
        }
        default: {
          const first = lex();
          const { tokens, suffix } = readLine(first);
          lines.push({ tokens, line: first.line, column: first.column, before: comments, suffix });
          comments = [];
        }
      }
    }
  };

  const parseStatement = (before: string[]): SyntaxStatement => {
    const head = lex();
    const tokens = [head.text];
    for (;;) {
      const t = lex();
      if (isEol(t)) {
        const suffix = t.kind === 'eol-comment' ? [t.text] : [];
        return { kind: 'line', tokens, line: head.line, column: head.column, before, suffix };
      }
      if (t.kind === '(') {
        if (isEol(token)) return parseBlock(head, tokens, before);
        if (token.kind === ')') {
          lex();
          if (isEol(token)) {
            const end = lex();
            const suffix = end.kind === 'eol-comment' ? [end.text] : [];
            return {
              kind: 'block',
              tokens,
              line: head.line,
              column: head.column,
              before,
              suffix,
              lines: [],
            };
          }
          tokens.push('(', ')');
          continue;
        }
      }
      tokens.push(t.text);
    }
  };

  for (;;) {
    switch (token.kind) {
      case 'eol':
        lex();
        pending = [];
        break;
      case 'comment':
        pending.push(lex().text);
        break;
      case 'eof':
        return statements;
      case 'eol-comment': // only after a syntax oddity; nothing to attach it to
        lex();
        break;
      default:
        statements.push(parseStatement(pending));
        pending = [];
    }
  }
}
