import { ModgateError } from '../../errors/index.js';
import { open, verifierList, type Verifier, type Verifiers } from '../note/index.js';
import type { TileReader, Tree } from '../tlog/index.js';
import { parseTree, tileHashReader, treeHash, zeroHash } from '../tlog/index.js';
import { SumdbForkError, sumdbError } from './sumdb-error.js';
import type { SumdbState } from './sumdb-state.js';

/** Where a tree head stands relative to the remembered one. */
type When = 'past' | 'now' | 'future';

/** A verified tree head and the signed note it came in. */
export interface SignedTree {
  readonly tree: Tree;
  readonly note: Buffer;
}

/**
 * One database's timeline (x/mod sumdb client.go mergeLatest / checkTrees): the latest tree
 * head verified so far, in memory and in the SumdbState store.
 *
 * Every signed tree head the database sends is merged: its note must verify with the
 * database's key; a head no larger than the remembered one must be its prefix, and a larger one
 * must have the remembered one as its prefix — in both cases recomputed from tiles that are
 * authenticated against the larger tree. Only then does a larger head replace the remembered
 * one, in memory and then in the store by compare-and-swap (merging whatever another client
 * stored meanwhile). Two heads that disagree are a fork: SumdbForkError, and nothing changes.
 */
export class Timeline {
  private readonly verifiers: Verifiers;
  private latest: SignedTree = { tree: { n: 0, hash: zeroHash() }, note: Buffer.alloc(0) };
  private loading: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    verifier: Verifier,
    private readonly state: SumdbState,
    private readonly tiles: TileReader,
  ) {
    this.verifiers = verifierList(verifier);
  }

  /** The latest verified tree head (size 0 with an empty note before any). */
  async current(): Promise<SignedTree> {
    await this.load();
    return this.latest;
  }

  /**
   * Verifies the signed tree note `msg` and merges it into the timeline; returns its tree.
   * Throws `checksum` for a note that does not verify or parse, SumdbForkError for a fork, and
   * the tile reader's errors (`upstream`, `timeout`, ...) when the proof cannot be fetched.
   */
  async merge(msg: Buffer): Promise<Tree> {
    await this.load();
    const { tree, when } = await this.mergeInMemory(msg);
    if (when !== 'future') return tree;
    // Write the extended timeline back, merging whatever is stored meanwhile.
    for (;;) {
      const stored = await this.readState();
      const { when: storedWhen } = await this.mergeInMemory(stored);
      if (storedWhen !== 'past') return tree;
      if (await this.state.compareAndSwapLatest(stored, this.latest.note)) return tree;
    }
  }

  private load(): Promise<void> {
    this.loading ??= (async () => {
      const stored = await this.readState();
      try {
        await this.mergeInMemory(stored);
      } catch (err) {
        if (err instanceof SumdbForkError || !(err instanceof ModgateError)) throw err;
        throw new ModgateError(
          err.kind,
          `${err.message} (in the remembered tree head; if the database's key was changed on purpose, remove the stored head for ${this.name})`,
          { cause: err },
        );
      }
    })().catch((err: unknown) => {
      this.loading = undefined; // try again next time
      throw err;
    });
    return this.loading;
  }

  private async readState(): Promise<Buffer> {
    try {
      return await this.state.readLatest();
    } catch (err) {
      throw sumdbError(this.name, 'reading the remembered tree head', err);
    }
  }

  /** Merges `msg` into the in-memory head only; says when it stands relative to it. */
  private async mergeInMemory(msg: Buffer): Promise<{ tree: Tree; when: When }> {
    if (msg.length === 0) {
      // The empty timeline: in the past of any other.
      const tree = { n: 0, hash: zeroHash() };
      return { tree, when: this.latest.tree.n === 0 ? 'now' : 'past' };
    }
    // The very note merged last (every lookup answer carries the database's current head):
    // its bytes were verified then, and the same bytes verify the same way.
    if (msg.equals(this.latest.note)) return { tree: this.latest.tree, when: 'now' };
    const tree = this.openTree(msg);
    let latest = this.latest;
    for (;;) {
      if (tree.n <= latest.tree.n) {
        await this.checkTrees({ tree, note: msg }, latest);
        return { tree, when: tree.n < latest.tree.n ? 'past' : 'now' };
      }
      await this.checkTrees(latest, { tree, note: msg });
      // Other merges may have moved the head while the tiles were read: go round again.
      if (this.latest === latest) {
        this.latest = { tree, note: msg };
        return { tree, when: 'future' };
      }
      latest = this.latest;
    }
  }

  private openTree(msg: Buffer): Tree {
    let text: string;
    try {
      text = open(msg, this.verifiers).text;
    } catch (err) {
      throw sumdbError(this.name, 'reading tree note', err);
    }
    try {
      return parseTree(text);
    } catch (err) {
      throw sumdbError(this.name, 'reading tree', err);
    }
  }

  /** Checks that `older` is a prefix of `newer`, from tiles authenticated against `newer`. */
  private async checkTrees(older: SignedTree, newer: SignedTree): Promise<void> {
    if (older.tree.n === 0) return; // the empty tree is everyone's prefix
    let h: Buffer;
    if (older.tree.n === newer.tree.n) {
      // Tiles authenticated against newer fold to newer's own hash: no need to read them.
      h = newer.tree.hash;
    } else {
      try {
        h = await treeHash(older.tree.n, tileHashReader(newer.tree, this.tiles));
      } catch (err) {
        throw sumdbError(
          this.name,
          `checking tree#${older.tree.n} against tree#${newer.tree.n}`,
          err,
        );
      }
    }
    if (h.equals(older.tree.hash)) return;
    throw new SumdbForkError(
      this.name,
      older.tree,
      older.note.toString('utf8'),
      newer.tree,
      newer.note.toString('utf8'),
      h,
    );
  }
}
