import type { Locale } from './locale.js';

/**
 * A message catalog: message key → template. Keys are dotted (`doctor.goproxy.off`); a
 * template is plain text with named placeholders `{name}` (an identifier in braces; any other
 * brace is literal text). Plural-free by design: a message that needs a count's plural form
 * has one key per form and the caller picks (English is the only language here with plurals).
 *
 * The English catalog is written `as const` so that its templates are literal types, from which
 * `Translate` learns each key's placeholder names; every other language is a `Translation` of
 * it (same keys, any text), and `assertSameKeys` checks at test time that every language has
 * every key with the same placeholders.
 */
export type Catalog = Readonly<Record<string, string>>;

/** Another language's catalog for the same keys as `C`. */
export type Translation<C extends Catalog> = { readonly [K in keyof C]: string };

/** One catalog per locale, all with the keys of the English one. */
export type Catalogs<C extends Catalog> = { readonly en: C } & {
  readonly [L in Exclude<Locale, 'en'>]: Translation<C>;
};

/** The placeholder names of a template literal type: `'{a} and {b}'` → `'a' | 'b'`. */
export type PlaceholderNames<S extends string> = S extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PlaceholderNames<Rest>
  : never;

/** The values a template's placeholders take. */
export type Params<S extends string> = Readonly<Record<PlaceholderNames<S>, string | number>>;

/** A lookup's arguments after the key: none for a template without placeholders. */
export type MessageArgs<S extends string> = [PlaceholderNames<S>] extends [never]
  ? []
  : [params: Params<S>];

/** A typed lookup: `t('doctor.goproxy.unset', { value })`. */
export type Translate<C extends Catalog> = <K extends keyof C & string>(
  key: K,
  ...args: MessageArgs<C[K]>
) => string;

/** `{name}` placeholders: the same rule for rendering, for `placeholdersOf` and the checks. */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The placeholder names a template uses, sorted and without repeats. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))].sort();
}

/**
 * A template with its placeholders replaced. A placeholder without a value is an error (the
 * types prevent it; a catalog that names one its English original does not have is caught by
 * assertSameKeys), never a silent `{name}` in front of a user.
 */
export function formatMessage(
  template: string,
  params: Readonly<Record<string, string | number>> = {},
): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`message "${template}" needs a value for {${name}}`);
    return String(value);
  });
}

/**
 * The lookup for one locale: its catalog's template, or the English one when that locale lacks
 * the key (assertSameKeys keeps that from shipping), rendered with the parameters.
 */
export function createTranslator<C extends Catalog>(
  catalogs: Catalogs<C>,
  locale: Locale,
): Translate<C> {
  const own: Catalog = catalogs[locale];
  const en: Catalog = catalogs.en;
  return ((key: string, params?: Readonly<Record<string, string | number>>) => {
    const template = own[key] ?? en[key];
    if (template === undefined) throw new Error(`no message "${key}"`);
    return formatMessage(template, params);
  }) as Translate<C>;
}
