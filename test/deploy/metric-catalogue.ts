// A list of metric families with their types and labels, read from the two places that must
// agree: the tables of docs/operations.md and a /metrics scrape of a running modgate.

export interface Family {
  type: string;
  /** Label name → its documented values (or the values seen in a scrape); undefined: open. */
  labels: Map<string, string[] | undefined>;
}

/** Metric family name → family. */
export type Catalogue = Map<string, Family>;

/**
 * The metric tables of docs/operations.md: each row "| `modgate_…` | type | labels | … |",
 * labels written "`name` (value, value, …)" or "`name`" when their values are open (e.g.
 * `upstream`, which comes from the configuration).
 */
export function documentedCatalogue(markdown: string): Catalogue {
  const out: Catalogue = new Map();
  const row =
    /^\|\s*`(modgate_[a-z0-9_]+)`\s*\|\s*(counter|gauge|histogram|summary)\s*\|([^|]*)\|/gm;
  for (const m of markdown.matchAll(row)) {
    const labels = new Map<string, string[] | undefined>();
    for (const l of m[3]!.matchAll(/`([a-z_]+)`(?:\s*\(([^)]*)\))?/g))
      labels.set(
        l[1]!,
        l[2]?.split(',').map((v) => v.trim()),
      );
    out.set(m[1]!, { type: m[2]!, labels });
  }
  return out;
}

/**
 * The families of a text exposition: each `# TYPE` line, with the labels and values its
 * series carry (a histogram's `le` and a summary's `quantile` left out: they come with the
 * type). A family without series has no labels here.
 */
export function scrapedCatalogue(exposition: string): Catalogue {
  const out: Catalogue = new Map();
  for (const m of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm))
    out.set(m[1]!, { type: m[2]!, labels: new Map() });
  for (const m of exposition.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+$/gm)) {
    const name = m[1]!;
    const family = out.get(name) ?? out.get(name.replace(/_(bucket|sum|count)$/, ''));
    if (family === undefined) throw new Error(`series ${name} has no # TYPE line`);
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      const [label, value] = [l[1]!, l[2]!];
      if (label === 'le' || label === 'quantile') continue;
      const values = family.labels.get(label) ?? [];
      if (!values.includes(value)) values.push(value);
      family.labels.set(label, values);
    }
  }
  return out;
}
