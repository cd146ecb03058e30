import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SerialQueue } from '../../src/util/serial-queue.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('SerialQueue', () => {
  test('runs tasks one at a time, in order, even when a later one would finish first', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    let running = 0;
    const task = (name: string, ticks: number) => async () => {
      running++;
      assert.equal(running, 1, `${name} overlapped another task`);
      for (let i = 0; i < ticks; i++) await tick();
      log.push(name);
      running--;
      return name;
    };
    const results = await Promise.all([queue.run(task('a', 5)), queue.run(task('b', 0)), queue.run(task('c', 2))]);
    assert.deepEqual(results, ['a', 'b', 'c']);
    assert.deepEqual(log, ['a', 'b', 'c']);
  });

  test('a failing task rejects only its own promise; the next one still runs', async () => {
    const queue = new SerialQueue();
    const failed = queue.run(async () => {
      throw new Error('boom');
    });
    const next = queue.run(async () => 'next');
    await assert.rejects(failed, /boom/);
    assert.equal(await next, 'next');
  });

  test('settled() waits for what was queued; idle() also for what is queued meanwhile', async () => {
    const queue = new SerialQueue();
    const done: string[] = [];
    void queue.run(async () => {
      await tick();
      done.push('first');
      void queue.run(async () => {
        await tick();
        done.push('queued by the first');
      });
    });
    await queue.settled();
    assert.deepEqual(done, ['first']);
    await queue.idle();
    assert.deepEqual(done, ['first', 'queued by the first']);
  });
});
