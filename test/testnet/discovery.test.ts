/**
 * Discovery with real daemons, through `powcoin testnet up` as a user runs it: 12 nodes, each
 * given only the seed's address (--seed). Every node reaches 4 or more peers; with the seed
 * stopped the rest stay one connected graph; a block mined at any node reaches every node.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import type { RpcClient } from '../../src/rpc/client.js';
import { type State, clients, killLeftovers, pidAlive, powcoin, readTestnetState, testnet, waitFor, upOnFreePorts, workspace } from './harness.js';

const NODES = 12;
const MIN_PEERS = 4;

/** How many nodes `from` reaches over the connections the nodes report (getpeerinfo peer ids). */
function reachable(from: string, links: Map<string, string[]>): number {
  const seen = new Set([from]);
  const queue = [from];
  while (queue.length > 0) {
    for (const next of links.get(queue.pop()!) ?? []) {
      if (!seen.has(next) && links.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen.size;
}

describe(`powcoin testnet: ${NODES} daemons find each other from one seed`, { timeout: 900_000 }, () => {
  let root: string;
  let dir: string;
  let state: State;
  let rpc: RpcClient[];
  let ids: string[];

  before(async () => {
    ({ root, dir } = await workspace('powcoin-discovery-', { base: 'regtest', name: 'discovery', coinbaseMaturity: 5 }));
  });

  after(async () => {
    if (dir) {
      await powcoin(['testnet', 'down', '--dir', dir]);
      killLeftovers(dir);
    }
    if (root) await rm(root, { recursive: true, force: true });
  });

  // The ceilings are hang guards (12 daemons on 2 cores, often beside other suites): discovery
  // runs on timers (connect ticks, address trickles, feelers) that a loaded machine stretches.
  test(`every node reaches ${MIN_PEERS}+ peers`, async (t) => {
    // No miners: the blocks below are mined on demand, so every node's tip is known.
    await upOnFreePorts(dir, 2 * NODES, ['--network-config', `${root}/network.json`, '--nodes', String(NODES), '--miners', '0']);
    const started = Date.now();
    state = readTestnetState(dir);
    rpc = clients(state);
    ids = await Promise.all(rpc.map(async (client) => (await client.call<{ peerid: string }>('getnetworkinfo')).peerid));
    const counts = await waitFor(`every node to have ${MIN_PEERS}+ peers`, async () => {
      const peers = await Promise.all(rpc.map((client) => client.call<number>('getconnectioncount')));
      return peers.every((n) => n >= MIN_PEERS) ? peers : undefined;
    }, 300_000, 500);
    t.diagnostic(`${NODES} daemons given only the seed: every one had ${MIN_PEERS}+ peers ${((Date.now() - started) / 1000).toFixed(1)} s after up; peers per node: ${counts.join(' ')}`);
  });

  test('with the seed stopped, the rest stay connected and a block from any node reaches all', async () => {
    const seedPid = state.nodes[0].pid;
    process.kill(seedPid!, 'SIGTERM');
    await waitFor('the seed to exit', async () => !pidAlive(seedPid), 60_000, 250);
    const rest = rpc.slice(1);
    await waitFor('the nodes without the seed to form one connected graph', async () => {
      const peerLists = await Promise.all(rest.map((client) => client.call<Array<{ peerId: string }>>('getpeerinfo')));
      const links = new Map(peerLists.map((rows, i) => [ids[i + 1], rows.map((row) => row.peerId)]));
      return reachable(ids[1], links) === rest.length;
    }, 300_000, 500);
    // Blocks mined at two different nodes, one after the other, each reaches every node.
    for (const origin of [rest[4], rest[9]]) {
      const address = await origin.call<string>('getnewaddress');
      const [hash] = await origin.call<string[]>('generatetoaddress', [1, address]);
      await waitFor(`block ${hash} on every node`, async () => {
        const tips = await Promise.all(rest.map((client) => client.call<string>('getbestblockhash')));
        return tips.every((tip) => tip === hash);
      }, 180_000, 250);
    }
  });

  test('down stops the remaining nodes', async () => {
    const out = await testnet(['down', '--dir', dir]);
    assert.match(out, new RegExp(`stopped ${NODES - 1} nodes`));
    assert.deepEqual(state.nodes.map((node) => node.pid).filter(pidAlive), []);
  });
});
