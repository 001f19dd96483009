// The metric names a PromQL expression selects, for checking that the shipped rules and
// dashboard use only metrics modgate exposes. A small tokenizer, not a parser: it knows what
// in PromQL is not a metric name (function and aggregation names, label matchers, the label
// lists of by/without/on/ignoring/group_left/group_right, keywords, durations, numbers,
// strings) and takes every other identifier for one. Grafana's template variables ($x, ${x},
// [$__rate_interval]) are skipped too. https://prometheus.io/docs/prometheus/latest/querying/basics/

/** Keywords that take a parenthesised list of label names, which are not metric names. */
const LABEL_LIST_KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
]);

/** Binary operators and modifiers spelled as words. */
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'atan2', 'inf', 'nan']);

/** Aggregation operators: followed by `(` or by a by/without clause, never a metric. */
const AGGREGATIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);

const IDENT_START = /[A-Za-z_:]/;
const IDENT = /[A-Za-z0-9_:]/;

/**
 * The metric names selected in `expr`, each once, in order of appearance. Throws on input it
 * cannot have tokenized right (an unterminated string, bracket or brace), so a test never
 * passes by reading less than the whole expression.
 */
export function metricNames(expr: string): string[] {
  const names: string[] = [];
  const add = (n: string): void => {
    if (!names.includes(n)) names.push(n);
  };
  let i = 0;
  const at = (k: number): string => expr[k] ?? '';
  const skipSpace = (k: number): number => {
    while (k < expr.length) {
      if (/\s/.test(at(k))) k++;
      else if (at(k) === '#') {
        while (k < expr.length && at(k) !== '\n') k++;
      } else break;
    }
    return k;
  };
  /** The index after the string literal that starts at k. */
  const skipString = (k: number): number => {
    const quote = at(k);
    k++;
    while (k < expr.length && at(k) !== quote) k += quote !== '`' && at(k) === '\\' ? 2 : 1;
    if (k >= expr.length) throw new Error(`unterminated string in ${JSON.stringify(expr)}`);
    return k + 1;
  };
  /** The index after the group that opens at k, strings inside skipped. */
  const skipGroup = (k: number, open: string, close: string): number => {
    let depth = 0;
    while (k < expr.length) {
      const c = at(k);
      if (c === '"' || c === "'" || c === '`') {
        k = skipString(k);
        continue;
      }
      if (c === open) depth++;
      else if (c === close && --depth === 0) return k + 1;
      k++;
    }
    throw new Error(`unterminated ${open} in ${JSON.stringify(expr)}`);
  };
  /** A selector's label matchers: only a `__name__="…"` matcher names a metric. */
  const matchers = (from: number, to: number): void => {
    const m = /__name__\s*=\s*(["'`])([A-Za-z_:][A-Za-z0-9_:]*)\1/.exec(expr.slice(from, to));
    if (m?.[2] !== undefined) add(m[2]);
  };

  while (i < expr.length) {
    i = skipSpace(i);
    const c = at(i);
    if (c === '') break;
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(i);
    } else if (c === '{') {
      const end = skipGroup(i, '{', '}');
      matchers(i, end);
      i = end;
    } else if (c === '[') {
      i = skipGroup(i, '[', ']'); // a range or subquery: durations and Grafana's $__rate_interval
    } else if (c === '$') {
      // A Grafana variable: $name, ${name} or ${name:format}.
      i++;
      if (at(i) === '{') i = skipGroup(i, '{', '}');
      else while (IDENT.test(at(i))) i++;
    } else if (/[0-9.]/.test(c)) {
      // A number (1, 0.99, 1e9, 0x1f) or a duration (5m, 1h30m): letters glued to it belong to it.
      while (/[0-9A-Za-z_.]/.test(at(i))) i++;
      if ((at(i) === '+' || at(i) === '-') && /[eE]/.test(at(i - 1))) {
        i++;
        while (/[0-9]/.test(at(i))) i++;
      }
    } else if (IDENT_START.test(c)) {
      let j = i;
      while (IDENT.test(at(j))) j++;
      const word = expr.slice(i, j);
      const lower = word.toLowerCase();
      const next = skipSpace(j);
      if (LABEL_LIST_KEYWORDS.has(lower)) {
        // group_left/group_right may stand without a list; the others always have one.
        i = at(next) === '(' ? skipGroup(next, '(', ')') : next;
      } else if (lower === 'offset') {
        i = next; // the duration that follows is skipped as a number
        if (at(i) === '-') i++;
      } else if (KEYWORDS.has(lower) || AGGREGATIONS.has(lower) || at(next) === '(') {
        i = j; // a keyword, an aggregation, or a function call
      } else {
        add(word);
        i = j;
      }
    } else {
      i++; // operators, parentheses, commas, @
    }
  }
  return names;
}
