import type { StatusView } from '../../../src/dashboard/index.js';

/** An API error body. */
export interface ApiErrorBody {
  api: number;
  error: { code: string; message: string };
}

/** An answer of the dashboard API, its body parsed as T (undefined for an empty body). */
export interface ApiAnswer<T> {
  status: number;
  body: T & { api: number };
  res: Response;
}

/** Fetches `url` and parses its JSON body. */
export async function apiGet<T = ApiErrorBody>(
  url: string,
  init?: RequestInit,
): Promise<ApiAnswer<T>> {
  const res = await fetch(url, init);
  const text = await res.text();
  return {
    status: res.status,
    body: (text === '' ? undefined : JSON.parse(text)) as T & { api: number },
    res,
  };
}

export type { StatusView };
