// The series selectors of a PromQL expression — metric names and label matchers — for checking
// that the shipped rules and dashboard use only metrics, labels and label values modgate
// exposes. A small tokenizer, not a parser: it knows what in PromQL is not a metric name
// (function and aggregation names, the label lists of by/without/on/ignoring/group_left/
// group_right, keywords, durations, numbers, strings) and takes every other identifier for
// one; a `{…}` right after a name holds that name's matchers, a `{…}` alone is a selector of
// its own. Grafana's template variables ($x, ${x}, [$__rate_interval]) are skipped.
// https://prometheus.io/docs/prometheus/latest/querying/basics/

/** One label matcher: `route=~"info|mod"` is { label: 'route', op: '=~', value: 'info|mod' }. */
export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** One series selector: a metric name ('' when only matchers select) and its matchers. */
export interface Selector {
  name: string;
  matchers: Matcher[];
}

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

/** The metric names selected in `expr`, each once, in order of appearance. */
export function metricNames(expr: string): string[] {
  return [...new Set(selectors(expr).map((s) => s.name))].filter((n) => n !== '');
}

/**
 * The series selectors of `expr`, in order of appearance. A `__name__="x"` matcher names the
 * metric. Throws on input it cannot have tokenized right (an unterminated string, bracket or
 * brace), so a test never passes by reading less than the whole expression.
 */
export function selectors(expr: string): Selector[] {
  const out: Selector[] = [];
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
  /** The matchers of the `{…}` from `from` to `to` (braces included). */
  const matchers = (from: number, to: number): Matcher[] => {
    const list: Matcher[] = [];
    const inner = expr.slice(from + 1, to - 1);
    const re =
      /\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)\s*(?:,|$)/y;
    let k = 0;
    while (k < inner.length && !/^\s*$/.test(inner.slice(k))) {
      re.lastIndex = k;
      const m = re.exec(inner);
      if (m === null)
        throw new Error(`unreadable label matchers in ${JSON.stringify(expr.slice(from, to))}`);
      const quoted = m[3]!;
      const body = quoted.slice(1, -1);
      const value = quoted.startsWith('`') ? body : body.replace(/\\(.)/g, '$1');
      list.push({ label: m[1]!, op: m[2] as Matcher['op'], value });
      k = re.lastIndex;
    }
    return list;
  };
  /** A selector from a name (maybe '') and its matchers; `__name__="x"` names it. */
  const add = (name: string, list: Matcher[]): void => {
    const byName = list.find((m) => m.label === '__name__' && m.op === '=');
    out.push({
      name: byName?.value ?? name,
      matchers: list.filter((m) => m.label !== '__name__'),
    });
  };

  while (i < expr.length) {
    i = skipSpace(i);
    const c = at(i);
    if (c === '') break;
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(i);
    } else if (c === '{') {
      const end = skipGroup(i, '{', '}');
      add('', matchers(i, end));
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
      } else if (at(next) === '{') {
        const end = skipGroup(next, '{', '}');
        add(word, matchers(next, end));
        i = end;
      } else {
        add(word, []);
        i = j;
      }
    } else {
      i++; // operators, parentheses, commas, @
    }
  }
  return out;
}
