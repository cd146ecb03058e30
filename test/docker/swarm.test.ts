/**
 * The Swarm stack (docker/stack.yml) on a one-node swarm (npm run test:docker; not part of npm
 * test): deploy a seed, a miner and three plain nodes given only the seed's address; every node
 * finds peers beyond the seed and follows one tip; with the seed gone, blocks still reach every
 * node. Then the stack is removed (and the swarm left, when the test made it), leaving nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alwaysTearDown } from './teardown.js';
import { type SwarmNodeStatus, SwarmTestnet, swarmTable } from '../../scripts/docker/swarm.js';
import { ensureDocker, run, sleep } from '../../src/testnet/testnet.js';

const STACK = 'powcoin-swarmtest';
const docker = await ensureDocker();

function log(message: string): void {
  process.stderr.write(`[swarm test ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined | false>, describe: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${describe()}`);
    await sleep(2000);
  }
}

/**
 * Waits for the nodes' statuses to pass `accept`, logging the table whenever it changes in
 * more than height and tip, so a timeout says which node lacked what (the error carries the
 * last table: CI shows the error lines, not always the log).
 */
async function untilStatuses(swarm: SwarmTestnet, what: string, timeoutMs: number, accept: (rows: SwarmNodeStatus[]) => boolean): Promise<SwarmNodeStatus[]> {
  let last: SwarmNodeStatus[] = [];
  let lastShape = '';
  return until(
    what,
    timeoutMs,
    async () => {
      last = await swarm.statuses();
      const shape = last.map((r) => `${r.service}/${r.container}/${r.peers}/${r.known}`).join(' ');
      if (shape !== lastShape) log(`waiting for ${what}:\n${swarmTable(last)}`);
      lastShape = shape;
      return accept(last) ? last : undefined;
    },
    () => `; last seen (${last.length} nodes answering RPC): ${last.map((r) => `${r.service} ${r.container} height ${r.height} peers ${r.peers} known ${r.known}`).join('; ')}`,
  );
}

test('docker swarm stack: nodes given only the seed find each other and outlive it', { skip: docker.ok ? false : `Docker cannot be used here: ${docker.reason}`, timeout: 30 * 60_000 }, async () => {
  const swarm = new SwarmTestnet(STACK, 'powcoin:dockertest');
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  await swarm.down().catch(() => undefined); // an earlier run that was killed
  const teardown = alwaysTearDown('swarm stack', () => swarm.down(), `com.docker.stack.namespace=${STACK}`);
  const madeSwarm = await swarm.ensureSwarm();
  log(madeSwarm ? 'made a one-node swarm' : 'using the swarm this engine is in');
  let failed = true;
  try {
    await swarm.buildImage();
    await swarm.deploy(3);
    log(`deployed (${elapsed()})`);

    // Five nodes; each is given only the seed, so a peer other than the seed was discovered.
    const meshed = await untilStatuses(swarm, '5 nodes, each with >= 2 peers and a non-empty address book', 300_000, (rows) => rows.length === 5 && rows.every((r) => r.peers >= 2 && r.known >= 1));
    log(`meshed (${elapsed()}):\n${swarmTable(meshed)}`);
    const synced = await untilStatuses(swarm, 'one tip at height >= 3 on every node', 300_000, (rows) => rows.length === 5 && new Set(rows.map((r) => r.tip)).size === 1 && rows[0].height >= 3);
    log(`one tip (${elapsed()}):\n${swarmTable(synced)}`);

    // The seed goes; the rest stay connected and keep following the miner.
    await swarm.scale('seed', 0);
    await until('the seed to be gone', 120_000, async () => (await swarm.containers()).every((c) => c.service !== 'seed'));
    const height = synced[0].height;
    const after = await untilStatuses(swarm, '3 more blocks on every remaining node, one tip', 300_000, (rows) => rows.length === 4 && new Set(rows.map((r) => r.tip)).size === 1 && rows[0].height >= height + 3 && rows.every((r) => r.peers >= 1));
    log(`without the seed (${elapsed()}):\n${swarmTable(after)}`);
    failed = false;
  } finally {
    if (failed) {
      // Task history shows replaced or failing tasks (an unhealthy node, a start error).
      const tasks = await run('docker', ['stack', 'ps', '--no-trunc', '--format', '{{.Name}} {{.CurrentState}} {{.DesiredState}} {{.Error}}', STACK]);
      log(`tasks:\n${tasks.stdout}${tasks.stderr}`);
      for (const { id, service } of await swarm.containers().catch(() => [])) {
        const logs = await run('docker', ['logs', '--tail', '40', id]);
        log(`${service} ${id} logs:\n${logs.stdout}${logs.stderr}`);
      }
    }
    await teardown();
    assert.deepEqual(await swarm.leftovers(), [], 'docker stack rm left these behind');
    log(`torn down (${elapsed()})`);
  }
});
