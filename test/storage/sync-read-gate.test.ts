import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SyncReadGate } from '../../src/storage/disk/sync-read-gate.js';

/** A gate on a clock and a disk-blocks count the test moves by hand. */
function gateAt() {
  const clock = { ms: 0 };
  const disk = { blocks: 0 };
  const gate = new SyncReadGate({
    slowMs: 4,
    closedMs: 1000,
    maxClosedMs: 3000,
    now: () => clock.ms,
    diskBlocksRead: () => disk.blocks,
  });
  /**
   * One synchronous read through the gate that takes `ms`; `fromDisk`: the process read blocks
   * from disk meanwhile (by default: when the read was slow).
   */
  const read = (ms: number, fromDisk = ms > 4): void => {
    const startedAt = gate.now();
    clock.ms += ms;
    if (fromDisk) disk.blocks += 8;
    gate.recordStreamRead(startedAt);
  };
  /** Other synchronous work (a small file's write, a rename) that takes `ms`, no blocks read. */
  const work = (ms: number): void => {
    const startedAt = gate.now();
    clock.ms += ms;
    gate.recordSyncRead(startedAt);
  };
  return { clock, disk, gate, read, work };
}

test('the gate stays open while synchronous reads are fast', () => {
  const { gate, read } = gateAt();
  assert.equal(gate.isOpen(), true);
  for (let i = 0; i < 100; i++) read(4); // slowMs itself is still fast
  assert.equal(gate.isOpen(), true);
});

test('a slow read closes the gate for closedMs, doubling while reads stay slow, up to maxClosedMs', () => {
  const { clock, gate, read } = gateAt();
  read(5);
  assert.equal(gate.isOpen(), false);
  clock.ms += 999;
  assert.equal(gate.isOpen(), false);
  clock.ms += 1;
  assert.equal(gate.isOpen(), true, 'open again after 1 s');

  read(50); // the one read that tries again is slow too
  clock.ms += 1999;
  assert.equal(gate.isOpen(), false, 'closed for 2 s this time');
  clock.ms += 1;
  assert.equal(gate.isOpen(), true);

  read(50);
  clock.ms += 2999;
  assert.equal(gate.isOpen(), false, 'closed for at most 3 s');
  clock.ms += 1;
  assert.equal(gate.isOpen(), true);
  read(50);
  clock.ms += 3000;
  assert.equal(gate.isOpen(), true, 'still 3 s: maxClosedMs');
});

test('a fast read after a closed period resets the time closed', () => {
  const { clock, gate, read } = gateAt();
  read(10);
  read(10); // recorded while closed (a read already under way): the next closure is longer
  clock.ms += 5000;
  read(1);
  read(10);
  clock.ms += 1000;
  assert.equal(gate.isOpen(), true, 'back to 1 s after the fast read');
});

test('a slow stream read that read nothing from disk (the core was busy elsewhere) leaves the gate open', () => {
  const { clock, gate, read } = gateAt();
  for (let i = 0; i < 20; i++) read(30, false);
  assert.equal(gate.isOpen(), true, 'preempted reads from the page cache: still synchronous');
  read(30, true);
  assert.equal(gate.isOpen(), false, 'a slow read with blocks read from disk closes it');
  clock.ms += 1000;
  assert.equal(gate.isOpen(), true);
  read(30, false);
  assert.equal(gate.isOpen(), true, 'no new disk blocks since the last slow read');
});

test('disk blocks read before a slow read (by anything in the process) count against it', () => {
  const { disk, gate, read } = gateAt();
  disk.blocks += 100; // e.g. a cold file read through the pool a while ago
  read(30, false);
  assert.equal(gate.isOpen(), false, 'cannot tell whose blocks they were: closed, as before');
});

test('other synchronous work (a write, a rename) closes the gate on time alone', () => {
  const { gate, work } = gateAt();
  work(4);
  assert.equal(gate.isOpen(), true);
  work(30); // e.g. a rename waiting for the journal: no blocks read, still slow
  assert.equal(gate.isOpen(), false);
});
