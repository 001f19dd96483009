import type { TargetMemo } from '../log/index.js';
import { unescapePath, unescapeVersion } from '../module/index.js';
import { parseProxyPath } from '../protocol/proxy-request.js';
import type { ActivityFilter, RequestView } from './dashboard-data.js';

/** What a finished request contributes (the access-log entry's fields it reads). */
export interface ActivityEntry {
  readonly method: string | undefined;
  /** The raw request target. */
  readonly path: string | undefined;
  readonly status: number;
  readonly cache: unknown;
  readonly ms: number;
  /** What is kept with the target, if its reader keeps it (counted there, not in `byTarget`). */
  readonly targetMemo?: TargetMemo | undefined;
}

/** Recent requests kept, and recent failures kept apart (so a busy minute keeps the errors). */
export const RECENT_REQUESTS = 1000;
export const RECENT_ERRORS = 200;
/** Module counters kept at most; past this the least counted half is dropped. */
export const COUNTED_MODULES = 2000;
/**
 * Request targets counted at most before they are added to the module counters (as many as
 * module counters: the strings kept alive stay bounded as before, each counter's key being a
 * slice of a target).
 */
export const COUNTED_TARGETS = COUNTED_MODULES;

/** The requests counted for one request target since the last fold, and its module (escaped). */
interface TargetCount {
  readonly module: string;
  n: number;
}

/** A request in the rings: the entry as recorded, and when. */
interface Slot {
  entry: ActivityEntry;
  time: number;
}

/**
 * A ring of recent requests kept as columns (issue 9: `record` runs on the fast path of every
 * request). Keeping each request's entry object (and a slot per request) alive for the next
 * thousand requests made every one of them survive the young generation: a same-run A/B of the
 * mixed load measured 1.12 × the CPU per request with them. Here a request leaves its path
 * string (kept anyway) and a few numbers; slots are made only when the dashboard asks.
 */
class Ring {
  private readonly paths: (string | undefined)[];
  private readonly methods: (string | undefined)[];
  private readonly caches: unknown[];
  private readonly statuses: Uint16Array;
  private readonly ms: Float64Array;
  private readonly times: Float64Array;
  private head = 0;
  private filled = 0;

  constructor(readonly size: number) {
    this.paths = new Array<string | undefined>(size);
    this.methods = new Array<string | undefined>(size);
    this.caches = new Array<unknown>(size);
    this.statuses = new Uint16Array(size);
    this.ms = new Float64Array(size);
    this.times = new Float64Array(size);
  }

  push(entry: ActivityEntry, path: string, time: number): void {
    const i = this.head;
    this.paths[i] = path;
    this.methods[i] = entry.method;
    this.caches[i] = entry.cache;
    this.statuses[i] = entry.status;
    this.ms[i] = entry.ms;
    this.times[i] = time;
    this.head = (i + 1) % this.size;
    if (this.filled < this.size) this.filled++;
  }

  /** How many requests are held. */
  get length(): number {
    return this.filled;
  }

  /** The status of the `n`-th newest request (1: the newest). */
  statusAt(n: number): number {
    return this.statuses[this.index(n)] as number;
  }

  /** The `n`-th newest request (1: the newest), as recorded. */
  slotAt(n: number): Slot {
    const i = this.index(n);
    const entry: ActivityEntry = {
      method: this.methods[i],
      path: this.paths[i],
      status: this.statuses[i] as number,
      cache: this.caches[i],
      ms: this.ms[i] as number,
    };
    return { entry, time: this.times[i] as number };
  }

  private index(n: number): number {
    return (this.head - n + this.size) % this.size;
  }
}

/**
 * Recent requests, recent errors and the most requested modules, fed once per finished
 * request by the HTTP server's record hook (fast path included), so `record` is O(1) and
 * allocates nothing per request (Ring). Module
 * paths are worked out when the dashboard asks (view), not per request. The top modules are
 * counted per request target first (`byTarget`: one map lookup with the hash the target
 * string already carries from the parsed-path cache, and an addition), and added up by
 * module — the escaped path sliced from the target, once per target — when the dashboard asks
 * or COUNTED_TARGETS targets were seen (a slice and two map operations per request, hashing
 * a new string each time, were ~2-4 % of the fast path's CPU under the mixed load).
 *
 * Bounded: two rings of fixed size, and at most COUNTED_MODULES counters — when full, the
 * least counted half goes, so the top modules are exact for modules requested often and
 * approximate (undercounted) for a long tail. Requests under `/-/` (the dashboard itself, the
 * publish API) are not recorded: their paths may name modules the viewer may not read, and
 * the dashboard's own polling is noise.
 */
export class ActivityLog {
  private readonly recent = new Ring(RECENT_REQUESTS);
  private readonly errors = new Ring(RECENT_ERRORS);
  private readonly counts = new Map<string, number>();
  private readonly byTarget = new Map<string, TargetCount>();
  /** The entries' own counters counted since the last fold (each once, with `counted` > 0). */
  private readonly counters: TargetMemo[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  record(entry: ActivityEntry): void {
    const path = entry.path;
    if (path === undefined || path.charCodeAt(1) === 45 /* '-' */) return;
    const time = this.now();
    this.recent.push(entry, path, time);
    if (isError(entry.status)) this.errors.push(entry, path, time);
    const counter = entry.targetMemo;
    if (counter !== undefined) {
      // Its first request since the last fold lists it (the fold adds it up by module).
      if (counter.counted === 0) {
        if (this.counters.length >= COUNTED_TARGETS) this.fold();
        this.counters.push(counter);
      }
      counter.counted++;
      return;
    }
    const counted = this.byTarget.get(path);
    if (counted !== undefined) {
      counted.n++;
      return;
    }
    const at = path.indexOf('/@');
    if (at <= 1) return;
    if (this.byTarget.size >= COUNTED_TARGETS) this.fold();
    this.byTarget.set(path, { module: path.slice(1, at), n: 1 });
  }

  /** Adds the counts per target to the module counters (keeping the most counted half). */
  private fold(): void {
    for (const { module, n } of this.byTarget.values()) this.add(module, n);
    this.byTarget.clear();
    for (const counter of this.counters) {
      const target = counter.target;
      const at = target.indexOf('/@');
      if (at > 1) this.add(target.slice(1, at), counter.counted);
      counter.counted = 0;
    }
    this.counters.length = 0;
  }

  private add(module: string, n: number): void {
    const counts = this.counts;
    counts.set(module, (counts.get(module) ?? 0) + n);
    if (counts.size > COUNTED_MODULES) this.prune();
  }

  /**
   * Newest first, those `filter` and `visible` keep: a request naming a module is shown only
   * when `visible(modulePath)`.
   */
  view(
    filter: ActivityFilter,
    visible: (modulePath: string) => boolean,
  ): {
    recent: RequestView[];
    errors: RequestView[];
    topModules: { path: string; requests: number }[];
  } {
    const limit = filter.limit ?? 100;
    this.fold();
    return {
      recent: this.collect(this.recent, filter, visible, limit),
      errors: this.collect(this.errors, filter, visible, Math.min(limit, RECENT_ERRORS)),
      topModules: this.top(visible, 10),
    };
  }

  private collect(
    ring: Ring,
    filter: ActivityFilter,
    visible: (modulePath: string) => boolean,
    limit: number,
  ): RequestView[] {
    const out: RequestView[] = [];
    for (let n = 1; n <= ring.length && out.length < limit; n++) {
      if (!statusMatches(filter.status, ring.statusAt(n))) continue;
      const view = requestView(ring.slotAt(n));
      if (view.module !== undefined && !visible(view.module)) continue;
      if (filter.module !== undefined && view.module !== filter.module) continue;
      out.push(view);
    }
    return out;
  }

  private top(
    visible: (modulePath: string) => boolean,
    n: number,
  ): { path: string; requests: number }[] {
    const out: { path: string; requests: number }[] = [];
    const sorted = [...this.counts].sort((a, b) => b[1] - a[1]);
    for (const [escaped, requests] of sorted) {
      if (out.length >= n) break;
      const path = attempt(() => unescapePath(escaped));
      if (path === undefined || !visible(path)) continue;
      out.push({ path, requests });
    }
    return out;
  }

  /** Keeps the most counted half. */
  private prune(): void {
    const keep = [...this.counts].sort((a, b) => b[1] - a[1]).slice(0, COUNTED_MODULES / 2);
    this.counts.clear();
    for (const [k, v] of keep) this.counts.set(k, v);
  }
}

/** A failure worth showing: 5xx, and 4xx other than not-found answers (404, 410). */
function isError(status: number): boolean {
  return status >= 500 || (status >= 400 && status !== 404 && status !== 410);
}

/** `2xx`, `4xx`…, `error` (isError), or one status. */
function statusMatches(wanted: string | undefined, status: number): boolean {
  if (wanted === undefined) return true;
  if (wanted === 'error') return isError(status);
  if (wanted.endsWith('xx')) return Math.floor(status / 100) === Number(wanted[0]);
  return String(status) === wanted;
}

const LOOKUP = /^\/sumdb\/[^/]+\/lookup\/(.+)@([^@/]+)$/;

function requestView(slot: Slot): RequestView {
  const e = slot.entry;
  const target = e.path ?? '';
  const q = target.indexOf('?');
  const path = q >= 0 ? target.slice(0, q) : target;
  const view: RequestView = {
    time: new Date(slot.time).toISOString(),
    method: e.method ?? '',
    path,
    status: e.status,
    ms: e.ms,
    cache: typeof e.cache === 'string' ? e.cache : 'none',
  };
  const parsed = attempt(() => parseProxyPath(path));
  if (parsed !== undefined && parsed !== null) {
    view.module = parsed.modulePath;
    if ('version' in parsed) view.version = parsed.version;
    return view;
  }
  // Checksum database lookups name a module too.
  const lookup = LOOKUP.exec(path);
  if (lookup !== null) {
    view.module = attempt(() => unescapePath(decodeURIComponent(lookup[1] as string))) ?? '-';
    const v = attempt(() => unescapeVersion(decodeURIComponent(lookup[2] as string)));
    if (v !== undefined) view.version = v;
  } else if (path.includes('/@')) {
    view.module = '-'; // a malformed module path: shown only to who may read everything
  }
  return view;
}

function attempt<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
