/** LateMetrics: the node counts from its first RPC call, though prom-client attaches later. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LateMetrics } from '../../src/node/late-metrics.js';
import { PromMetrics } from '../../src/node/metrics.js';

test('series and figures from before prom-client attaches are all in its exposition', async () => {
  const late = new LateMetrics();
  const calls = late.counter('demo_calls_total', 'calls', ['method']);
  const latency = late.histogram('demo_call_seconds', 'latency', [0.1, 1], ['method']);
  let height = 7;
  late.sampledGauge('demo_height', 'height', () => height);
  calls.inc({ method: 'getblockcount' });
  calls.inc({ method: 'getblockcount' }, 2);
  latency.observe(0.05, { method: 'getblockcount' });
  let answered = false;
  const exposition = late.exposition().then((e) => ((answered = true), e));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(answered, false, '/metrics waits for the backend');

  late.attach(new PromMetrics());
  calls.inc({ method: 'getblockcount' });
  latency.observe(0.5, { method: 'getblockcount' });
  height = 9;
  late.sampledCounter('demo_bytes_total', 'bytes', () => 123);
  const { text } = await exposition;
  assert.match(text, /^demo_calls_total\{method="getblockcount"\} 4$/m);
  assert.match(text, /^demo_call_seconds_count\{method="getblockcount"\} 2$/m);
  assert.match(text, /^demo_call_seconds_bucket\{le="0.1",method="getblockcount"\} 1$/m);
  assert.match(text, /^demo_height 9$/m);
  assert.match(text, /^demo_bytes_total 123$/m);
  assert.throws(() => late.attach(new PromMetrics()), /attached twice/);
});
