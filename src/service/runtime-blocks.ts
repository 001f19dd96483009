import { randomBytes } from 'node:crypto';
import type { Coordinator } from '../coordination/index.js';
import { ModgateError } from '../errors/index.js';
import { compileDenyRule, type DenyRule, type Policy } from '../policy/index.js';
import type { Storage } from '../storage/storage.js';
import {
  BLOCKS_PREFIX,
  blockKey,
  compareBlocks,
  parseStoredBlock,
  type BlockInput,
  type StoredBlock,
} from './stored-block.js';

export interface RuntimeBlocksOptions {
  /** Where blocks are kept (`-/blocks/<id>.json`), shared by every replica on it. */
  storage: Storage;
  /** The policy whose deny set the blocks join (Policy.setRuntimeDeny). */
  policy: Pick<Policy, 'setRuntimeDeny'>;
  /** How often the stored set is listed for other replicas' changes (`blocks.poll_interval`). */
  pollIntervalMs: number;
  /**
   * Tells other replicas of a change at once, and hears theirs (a Redis coordinator; the
   * in-process one tells nobody, and polling alone carries changes).
   */
  coordinator?: Pick<Coordinator, 'announce' | 'onAnnounce'> | undefined;
  /**
   * Called after the set in force changed (here or by another replica), once the policy has
   * the new set: whoever holds answers made under the old set drops them (the answer cache).
   */
  onChange: () => void;
  /** A stored block that cannot be read or used (skipped), or a failed poll; for the log. */
  onProblem?: ((message: string, err?: unknown) => void) | undefined;
  now?: (() => Date) | undefined;
}

/**
 * Blocks added and removed at run time through the admin API (issue 15): `deny` rules with an
 * id, who added them and when, kept in the storage backend — one object per block under
 * `-/blocks/` (no module path starts with `-`, so the keys never meet module keys) — so that
 * every replica on the same storage applies them. One object per block, not one list, so two
 * admins adding blocks on two replicas at once never overwrite each other.
 *
 * A change made here is in force in this process when `add` / `remove` resolve; other
 * replicas see it at once when a Redis coordinator carries the announcement, else (and
 * anyway, should it be lost) at their next poll (`pollIntervalMs`): a listing of `-/blocks/`,
 * the stored objects read only when the set of keys changed (blocks are never edited, only
 * added and removed). The set in force goes to the policy whole (configured `deny` rules first), and
 * `onChange` lets cached answers go, so a cached list or file obeys a new block at once.
 */
export class RuntimeBlocks {
  private blocks = new Map<string, StoredBlock>();
  /** The keys of the last listing (unreadable ones too: read once, not at every poll). */
  private keys: readonly string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopListening: (() => void) | undefined;
  private syncing: Promise<void> | undefined;
  private readonly now: () => Date;

  constructor(private readonly options: RuntimeBlocksOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Loads the stored blocks (into the policy), then polls for other replicas' changes. */
  async start(): Promise<void> {
    await this.sync();
    const poll = () => {
      this.sync().catch((err: unknown) =>
        this.options.onProblem?.('reading the blocks stored under -/blocks/ failed', err),
      );
    };
    this.timer ??= setInterval(poll, this.options.pollIntervalMs);
    this.timer.unref();
    this.stopListening ??= this.options.coordinator?.onAnnounce(ANNOUNCED, poll);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.stopListening?.();
    this.stopListening = undefined;
  }

  /** The blocks in force, oldest first. */
  list(): readonly StoredBlock[] {
    return [...this.blocks.values()].sort(compareBlocks);
  }

  get(id: string): StoredBlock | undefined {
    return this.blocks.get(id);
  }

  /**
   * Adds a block; throws ModgateError `invalid` (nothing stored) for a bad pattern, range or
   * reason, naming the field.
   */
  async add(input: BlockInput, who: string): Promise<StoredBlock> {
    const id = newBlockId(this.now());
    compileDenyRule(input, 'block', { index: -1, id }); // the same checks as `deny` rules
    const block: StoredBlock = Object.freeze({
      id,
      module: input.module.trim(),
      versions: (input.versions ?? '').trim(),
      reason: (input.reason ?? '').trim(),
      who,
      when: this.now().toISOString(),
    });
    await this.options.storage.putBytes(blockKey(id), Buffer.from(JSON.stringify(block) + '\n'));
    this.keys = [...this.keys, blockKey(id)].sort(); // ASCII keys: the listing's order
    this.apply(new Map(this.blocks).set(id, block));
    this.options.coordinator?.announce(ANNOUNCED);
    return block;
  }

  /** Removes a block; undefined (nothing changed) when no block has this id. */
  async remove(id: string): Promise<StoredBlock | undefined> {
    let block = this.blocks.get(id);
    if (block === undefined) {
      await this.sync(); // perhaps added by another replica since the last poll
      block = this.blocks.get(id);
      if (block === undefined) return undefined;
    }
    await this.options.storage.delete(blockKey(id));
    this.keys = this.keys.filter((k) => k !== blockKey(id));
    const next = new Map(this.blocks);
    next.delete(id);
    this.apply(next);
    this.options.coordinator?.announce(ANNOUNCED);
    return block;
  }

  /** Reads the stored set again when its keys changed (one listing otherwise). */
  sync(): Promise<void> {
    this.syncing ??= this.readStored().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async readStored(): Promise<void> {
    const { storage } = this.options;
    const keys = (await storage.list(BLOCKS_PREFIX)).filter((k) => k.endsWith('.json'));
    if (keys.length === this.keys.length && keys.every((k, i) => k === this.keys[i])) return;
    const next = new Map<string, StoredBlock>();
    for (const key of keys) {
      const id = key.slice(BLOCKS_PREFIX.length, -'.json'.length);
      let block = this.blocks.get(id);
      if (block === undefined) {
        const data = await storage.getBytes(key);
        if (data === null) continue; // removed since the listing
        try {
          block = parseStoredBlock(data, id);
          compileDenyRule(block, `stored block ${key}`, { index: -1, id });
        } catch (err) {
          this.options.onProblem?.(`ignoring the stored block ${key}`, err);
          continue;
        }
      }
      next.set(id, block);
    }
    this.keys = keys;
    this.apply(next);
  }

  private apply(next: Map<string, StoredBlock>): void {
    this.blocks = next;
    const rules: DenyRule[] = this.list().map((b) =>
      compileDenyRule(b, `block ${b.id}`, { index: -1, id: b.id }),
    );
    this.options.policy.setRuntimeDeny(rules);
    this.options.onChange();
  }
}

/** The topic replicas announce a change of the blocks on (Coordinator.announce). */
const ANNOUNCED = 'blocks';

/** A new id: sortable by time (base-36 milliseconds), then 6 random hex digits. */
function newBlockId(now: Date): string {
  return `${now.getTime().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Throws `invalid` unless `id` could be a block id (before it goes into a storage key). */
export function checkBlockId(id: string): void {
  if (!/^[0-9a-z][0-9a-z-]{0,63}$/.test(id)) {
    throw new ModgateError('invalid', `${JSON.stringify(id)} is not a block id`);
  }
}
