import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedMap } from '../../src/util/bounded-map.js';

test('a bounded map keeps the newest value of a key, and setting it again makes it the newest', () => {
  const map = new BoundedMap<string, number>(2);
  map.set('a', 1);
  map.set('b', 2);
  map.set('a', 3); // now b is the oldest
  map.set('c', 4);
  assert.equal(map.get('a'), 3);
  assert.equal(map.has('b'), false);
  assert.equal(map.get('c'), 4);
  assert.equal(map.size, 2);
  map.clear();
  map.set('d', 5);
  map.set('e', 6);
  map.set('f', 7);
  assert.deepEqual(['d', 'e', 'f'].filter((key) => map.has(key)), ['e', 'f'], 'after a clear the order starts again');
});

test('a bounded map of capacity 0 holds nothing; a negative or fractional capacity is refused', () => {
  const map = new BoundedMap<string, number>(0);
  map.set('a', 1);
  assert.equal(map.size, 0);
  assert.equal(map.get('a'), undefined);
  for (const capacity of [-1, 1.5, Number.NaN]) assert.throws(() => new BoundedMap(capacity), RangeError);
});
