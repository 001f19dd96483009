import type { IncomingMessage } from 'node:http';
import { ApiProblem, badRequest } from './api-problem.js';
import { isJson } from './admin-csrf.js';

/** The largest admin request body: a block is three short strings (a reason ≤ 1000 chars). */
export const MAX_ADMIN_BODY = 16 * 1024;

/** What `POST /-/api/blocks` takes (docs/api.md "Admin actions"). */
export interface BlockRequest {
  readonly module: string;
  readonly versions: string;
  readonly reason: string;
}

/**
 * Reads and checks the JSON body of `POST /-/api/blocks`: an object with a string `module`
 * and optional strings `versions` and `reason`, nothing else. Anything else is a 400 naming
 * the problem (415 without a JSON content type; 413 past MAX_ADMIN_BODY).
 */
export async function readBlockRequest(req: IncomingMessage): Promise<BlockRequest> {
  if (!isJson(req.headers['content-type'])) {
    throw new ApiProblem(
      415,
      'unsupported-media-type',
      'send the block as Content-Type: application/json',
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_ADMIN_BODY) {
      throw new ApiProblem(413, 'too-large', `the body is over ${MAX_ADMIN_BODY} bytes`);
    }
    chunks.push(chunk);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw badRequest(
      'the body is not JSON: want {"module": "...", "versions": "...", "reason": "..."}',
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('want a JSON object {"module": "...", "versions": "...", "reason": "..."}');
  }
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (key !== 'module' && key !== 'versions' && key !== 'reason') {
      throw badRequest(
        `unknown field ${JSON.stringify(key)}: a block has module, versions and reason`,
      );
    }
  }
  const text = (key: string, required: boolean): string => {
    const v = o[key];
    if (v === undefined && !required) return '';
    if (typeof v !== 'string') {
      throw badRequest(`${key}: want a string${required ? '' : ' (or leave it out)'}`);
    }
    return v.trim();
  };
  const module = text('module', true);
  if (module === '') throw badRequest('module: want a module path or GOPRIVATE-style patterns');
  return { module, versions: text('versions', false), reason: text('reason', false) };
}
