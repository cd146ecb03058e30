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
