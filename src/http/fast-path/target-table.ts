/**
 * Request targets the fast path has seen, each kept once as a string with a slot for what the
 * answerer derives from the target alone (its parse), so that a request for a target seen
 * before costs no new string and none of the string-keyed lookups that a fresh string would
 * cost: the bytes are hashed while the request line is read (request-head.ts) and compared in
 * place with the kept string. The kept string then goes everywhere the target goes (the
 * answer, the access entry, the activity log, metrics): every map it is looked up in finds it
 * by identity, with its hash already computed, and nothing per request outlives the request
 * (a new target string per request, kept by the activity log's ring for the next thousand
 * requests, was copied by scavenges).
 *
 * Bounded: a fixed table of TARGET_SLOTS slots in sets of TARGET_WAYS (set-associative, the
 * hash picks the set; a target not in its set replaces one of the set's slots in turn), and
 * only targets of at most MAX_KEPT_TARGET bytes are kept (longer ones are read as before, a
 * new string each time). At most TARGET_SLOTS × (MAX_KEPT_TARGET + a slot's bookkeeping and
 * memo) are held whatever clients send; the bench's mix (1,889 targets) keeps ~0.3 MB.
 */

/** One kept target. */
export interface TargetSlot {
  readonly target: string;
  readonly hash: number;
  /**
   * What the answerer derived from this target alone (a pure function of it: a parse), kept
   * as long as the slot; undefined until set. Never anything that may change for a target.
   */
  memo: unknown;
  /** What the consumers of finished requests keep with the target (TargetMemo, log/). */
  counted: number;
  route: number;
}

export const TARGET_SLOTS = 8192;
export const TARGET_WAYS = 4;
export const MAX_KEPT_TARGET = 256;

/** The FNV-1a offset basis and prime, over the target's bytes (request-head.ts hashes). */
export const TARGET_HASH_SEED = 0x811c9dc5;
export const TARGET_HASH_PRIME = 0x01000193;

export class TargetTable {
  private readonly slots: (TargetSlot | undefined)[] = new Array<TargetSlot | undefined>(
    TARGET_SLOTS,
  ).fill(undefined);
  /** Which way of a full set is replaced next (round robin over all sets: cheap, good enough). */
  private victim = 0;
  /** Slots made so far (for tests: a target seen again makes none). */
  made = 0;

  /**
   * The slot for the target buf[from, to), whose FNV-1a hash (TARGET_HASH_SEED,
   * TARGET_HASH_PRIME, over each byte) is `hash`: the kept one if that target is kept, else a
   * new one (kept unless the target is longer than MAX_KEPT_TARGET). The bytes are latin1
   * (request-head.ts admits ASCII only).
   */
  slotOf(buf: Buffer, from: number, to: number, hash: number): TargetSlot {
    const length = to - from;
    if (length > MAX_KEPT_TARGET) {
      return {
        target: buf.toString('latin1', from, to),
        hash,
        memo: undefined,
        counted: 0,
        route: -1,
      };
    }
    const slots = this.slots;
    const set = hash & (TARGET_SLOTS - 1) & ~(TARGET_WAYS - 1);
    let free = -1;
    for (let i = set; i < set + TARGET_WAYS; i++) {
      const slot = slots[i];
      if (slot === undefined) {
        if (free < 0) free = i;
        continue;
      }
      if (slot.hash !== hash) continue;
      const target = slot.target;
      if (target.length !== length) continue;
      let k = 0;
      while (k < length && target.charCodeAt(k) === buf[from + k]) k++;
      if (k === length) return slot;
    }
    this.made++;
    const made: TargetSlot = {
      target: buf.toString('latin1', from, to),
      hash,
      memo: undefined,
      counted: 0,
      route: -1,
    };
    if (free < 0) {
      free = set + (this.victim++ & (TARGET_WAYS - 1));
    }
    slots[free] = made;
    return made;
  }
}
