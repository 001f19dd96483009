/**
 * The dashboard's own URLs. Everything lives under `/-/`: no module path can start with `-`
 * (x/mod module.CheckPath: "leading dash in first path element"), so no page ever shadows a
 * GOPROXY path. Module paths appear unescaped (`/-/ui/modules/github.com/Azure/x`), each
 * element percent-encoded where needed.
 */
export const UI_PREFIX = '/-/ui/';

const encodePath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');

export const uiUrls = {
  status: UI_PREFIX,
  modules: `${UI_PREFIX}modules`,
  activity: `${UI_PREFIX}activity`,
  setup: `${UI_PREFIX}setup`,
  login: `${UI_PREFIX}login`,
  module: (path: string): string => `${UI_PREFIX}modules/${encodePath(path)}`,
  version: (path: string, version: string): string =>
    `${UI_PREFIX}modules/${encodePath(path)}/@v/${encodeURIComponent(version)}`,
  /** The JSON API's counterparts, for the script. */
  api: {
    activity: '/-/api/activity',
    blocks: '/-/api/blocks',
    block: (id: string): string => `/-/api/blocks/${encodeURIComponent(id)}`,
    refresh: (path: string): string => `/-/api/modules/${encodePath(path)}/refresh`,
  },
};

/** `base` with the given query parameters (empty values left out). */
export function withQuery(
  base: string,
  params: Readonly<Record<string, string | undefined>>,
): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s === '' ? base : `${base}?${s}`;
}
