import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SyncReadGate } from '../../src/storage/disk/sync-read-gate.js';

/** A gate on a clock the test moves by hand. */
function gateAt() {
  const clock = { ms: 0 };
  const gate = new SyncReadGate({
    slowMs: 4,
    closedMs: 1000,
    maxClosedMs: 3000,
    now: () => clock.ms,
  });
  /** One synchronous read through the gate that takes `ms`. */
  const read = (ms: number): void => {
    const startedAt = gate.now();
    clock.ms += ms;
    gate.recordSyncRead(startedAt);
  };
  return { clock, gate, read };
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
