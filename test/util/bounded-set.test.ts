import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedSet } from '../../src/util/bounded-set.js';

test('a bounded set forgets its oldest member past capacity; adding again makes a member the newest', () => {
  const set = new BoundedSet<string>(3);
  for (const item of ['a', 'b', 'c']) set.add(item);
  set.add('a'); // now b is the oldest
  set.add('d');
  assert.deepEqual(['a', 'b', 'c', 'd'].filter((item) => set.has(item)), ['a', 'c', 'd']);
  assert.equal(set.size, 3);
  assert.equal(set.delete('c'), true);
  assert.equal(set.delete('c'), false);
  set.add('e');
  set.add('f');
  assert.deepEqual(['a', 'd', 'e', 'f'].filter((item) => set.has(item)), ['d', 'e', 'f']);
});

test('a bounded set refuses a capacity that is not a positive integer', () => {
  for (const capacity of [0, -1, 1.5, Number.NaN]) assert.throws(() => new BoundedSet(capacity), RangeError);
});

test('a bounded set evicts exactly as a list kept in age order would, over many random adds, re-adds and deletes', () => {
  // A seeded generator: the same sequence on every run.
  let seed = 12345;
  const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  for (const capacity of [1, 2, 7, 64]) {
    const set = new BoundedSet<number>(capacity);
    let model: number[] = []; // oldest first
    for (let step = 0; step < 20_000; step++) {
      const item = next(capacity * 3);
      if (next(5) === 0) {
        assert.equal(set.delete(item), model.includes(item));
        model = model.filter((m) => m !== item);
      } else {
        set.add(item);
        model = [...model.filter((m) => m !== item), item];
        if (model.length > capacity) model.shift();
      }
      assert.equal(set.size, model.length);
      if (step % 16 === 0) for (let item = 0; item < capacity * 3; item++) assert.equal(set.has(item), model.includes(item), `capacity ${capacity}, step ${step}, item ${item}`);
    }
  }
});
