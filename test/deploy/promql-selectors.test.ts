// The tokenizer that finds series selectors in PromQL (promql-selectors.ts), on the shapes the
// shipped rules and dashboard use and on the traps around them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { metricNames, selectors } from './promql-selectors.js';

const cases: [string, string[]][] = [
  ['up', ['up']],
  ['up{job="modgate"} == 0', ['up']],
  ['absent(up{job="modgate"})', ['up']],
  // Aggregations with their label lists before and after the argument.
  ['sum by (job, instance) (rate(a_total[5m]))', ['a_total']],
  ['sum(rate(a_total{route=~"info|mod"}[5m])) by (route)', ['a_total']],
  ['count without (le, instance) (b)', ['b']],
  ['max by(upstream,state)(c{state!="closed"})', ['c']],
  // Vector matching.
  ['a / on (job) group_left (version) b', ['a', 'b']],
  ['a > 0.1 and on (job, instance) b > 0.05', ['a', 'b']],
  ['a * ignoring(code) group_right b', ['a', 'b']],
  ['a unless b or c', ['a', 'b', 'c']],
  ['a > bool 1', ['a']],
  // Histograms: the _bucket series and le.
  ['histogram_quantile(0.99, sum by (le) (rate(h_bucket{route!~"zip|health"}[5m])))', ['h_bucket']],
  // Numbers, durations, offsets, subqueries, @.
  ['predict_linear(free[6h], 4 * 3600) < 0', ['free']],
  ['rate(a[5m] offset 1h30m) > 1e3', ['a']],
  ['rate(a[5m] offset -5m)', ['a']],
  ['max_over_time(rate(a[1m])[30m:1m])', ['a']],
  ['a @ 1609746000', ['a']],
  ['a @ start()', ['a']],
  ['a + Inf - NaN', ['a']],
  ['a > 0x1f', ['a']],
  // Strings with quotes, braces and words inside.
  ['label_replace(a, "dst", "$1 sum(b)", "src", "(.*)}")', ['a']],
  ["a{x='it\\'s {b}'}", ['a']],
  // Raw strings have no escapes: the backslash is a character.
  ['a{x=`C:\\`} + b', ['a', 'b']],
  ['count_values("version", a)', ['a']],
  // A metric named like a keyword only through __name__.
  ['{__name__="by", job="x"}', ['by']],
  // Recording rules (colons), repeated names once.
  [
    'modgate:http_5xx_ratio:rate5m > 0.05 and modgate:http_5xx_ratio:rate5m < 1',
    ['modgate:http_5xx_ratio:rate5m'],
  ],
  // Grafana variables.
  ['sum(rate(a{instance=~"$instance"}[$__rate_interval]))', ['a']],
  ['sum(rate(a{upstream=~"${upstream:regex}"}[$__interval])) / $scale', ['a']],
  // Multi-line rules with comments.
  ['sum(a) # the sum of b\n/\nsum(c)', ['a', 'c']],
];

test('metricNames finds exactly the metrics an expression selects', () => {
  for (const [expr, want] of cases) assert.deepEqual(metricNames(expr), want, expr);
});

test('selectors pairs each metric with its label matchers', () => {
  assert.deepEqual(
    selectors(
      'sum by (le) (rate(h_bucket{route!~"zip|health", instance=~"$instance"}[5m])) / on (job) b{ x = \'it\\\'s\' ,y!=`C:\\`, } > bool c',
    ),
    [
      {
        name: 'h_bucket',
        matchers: [
          { label: 'route', op: '!~', value: 'zip|health' },
          { label: 'instance', op: '=~', value: '$instance' },
        ],
      },
      {
        name: 'b',
        matchers: [
          { label: 'x', op: '=', value: "it's" },
          { label: 'y', op: '!=', value: 'C:\\' },
        ],
      },
      { name: 'c', matchers: [] },
    ],
  );
  assert.deepEqual(selectors('{__name__="a", job="x"} or {job="y"}'), [
    { name: 'a', matchers: [{ label: 'job', op: '=', value: 'x' }] },
    { name: '', matchers: [{ label: 'job', op: '=', value: 'y' }] },
  ]);
});

test('metricNames refuses what it cannot read whole', () => {
  assert.throws(() => metricNames('a{job="x}'), /unterminated/);
  assert.throws(() => metricNames('rate(a[5m)'), /unterminated/);
  assert.throws(() => metricNames('a{job="x"'), /unterminated/);
  assert.throws(() => metricNames('a{job~"x"}'), /unreadable label matchers/);
  assert.throws(() => metricNames('a{job="x" route="y"}'), /unreadable label matchers/);
});
