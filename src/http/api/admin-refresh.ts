import { escapePath } from '../../module/index.js';
import { parseVersionList } from '../../protocol/version-list.js';
import type { Answer } from '../../service/answer.js';
import { badRequest } from './api-problem.js';
import type { ApiRequest } from './api-route.js';
import { moduleTarget } from './module-target.js';
import { sendJson } from './send-json.js';

/** The service's refresh (ModuleService.refreshList). */
export interface ModuleRefresh {
  refreshList(req: { modulePath: string; escapedPath: string }): Promise<Answer>;
}

/**
 * `POST /-/api/modules/<module path>/refresh`: the module's list fetched again now (its list
 * and @latest forgotten first), answered as `{module, versions, cache}` — the versions as the
 * go command now gets them (blocked ones left out); `cache` is `stale` when every upstream
 * failed and the stored copy was served. `rest` is the module path as written in the URL;
 * `authorize` throws unless the asker administers it. Returns the status sent.
 */
export async function refreshModule(
  r: ApiRequest,
  rest: string,
  acted: { module: string },
  service: ModuleRefresh,
  authorize: (modulePath: string) => void,
): Promise<number> {
  const target = moduleTarget(rest);
  if (target.version !== undefined) {
    throw badRequest('refresh a module, not a version: POST /-/api/modules/<module path>/refresh');
  }
  acted.module = target.path;
  authorize(target.path);
  const answer = await service.refreshList({
    modulePath: target.path,
    escapedPath: escapePath(target.path),
  });
  const lines = parseVersionList(answer.body ?? Buffer.alloc(0)) ?? [];
  const versions = lines.map((line) => line.split(/\s/)[0] ?? '');
  sendJson(r.res, r.req, 200, { module: target.path, versions, cache: answer.cache });
  return 200;
}
