/**
 * The testnet scenario against real processes, through `powcoin testnet` as a user runs it:
 * bring up a seed, two competing miners and a wallet node; every node follows one tip; a payment
 * from the wallet node is confirmed on all nodes; a miner is cut off and both sides mine; once
 * healed, every node ends on the chain with the most work, the payment confirmed exactly once
 * (and so is one the cut-off miner made on its losing branch); tear-down leaves no process.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { RpcClient } from '../../src/rpc/client.js';
import { RpcCode, RpcError } from '../../src/rpc/errors.js';
import { type State, clients, freeBasePort, killLeftovers, mainChain, occurrences, pidAlive, powcoin, readTestnetState, testnet, waitFor, workspace } from './harness.js';

interface ChainInfo {
  blocks: number;
  bestblockhash: string;
  chainwork: string;
}

describe('powcoin testnet: consensus across a local testnet', { timeout: 900_000 }, () => {
  let root: string;
  let dir: string;
  let state: State;
  let rpc: RpcClient[];
  let seed: RpcClient;
  let miner1: RpcClient;
  let miner2: RpcClient;
  let wallet: RpcClient;
  let payment: string;
  let losingSidePayment: string;

  const info = (client: RpcClient) => client.call<ChainInfo>('getblockchaininfo');
  const dirArgs = () => ['--dir', dir];

  /**
   * Every node on one chain: the miners keep mining, and on a loaded machine a node is often a
   * block behind, so "the same tip at one moment" may take long to observe. Instead, every node's
   * main chain holds the same block at the lowest node's height; that node's view is returned.
   */
  const sameTip = () =>
    waitFor('every node on one chain (the same block at the lowest tip height)', async () => {
      const infos = await Promise.all(rpc.map(info));
      const lowest = infos.reduce((low, i) => (i.blocks < low.blocks ? i : low));
      const hashes = await Promise.all(rpc.map((client) => client.call<string>('getblockhash', [lowest.blocks])));
      return new Set(hashes).size === 1 ? lowest : undefined;
    }, 180_000, 250);

  /** Whether each node's main chain holds `txid` exactly once, up to its own tip. */
  async function countsOnEveryNode(txid: string): Promise<number[]> {
    return Promise.all(
      rpc.map(async (client) => {
        const { blocks } = await info(client);
        const chain = await mainChain(client, blocks);
        return occurrences(chain.txids).get(txid) ?? 0;
      }),
    );
  }

  before(async () => {
    // regtest's rules (a block takes a couple of hashes) with coinbases spendable after 5 blocks.
    ({ root, dir } = await workspace('powcoin-testnet-', { base: 'regtest', name: 'scenario', coinbaseMaturity: 5 }));
  });

  after(async () => {
    if (dir) killLeftovers(dir);
    if (root) await rm(root, { recursive: true, force: true });
  });

  test('up: a seed, two miners and a wallet node come up and follow one tip', async () => {
    const networkConfig = `${root}/network.json`;
    let out = '';
    for (let attempt = 0; attempt < 3 && !out; attempt++) {
      const basePort = await freeBasePort(8);
      const result = await powcoin(['testnet', 'up', ...dirArgs(), '--network-config', networkConfig, '--nodes', '4', '--miners', '2', '--mine-interval', '1', '--base-port', String(basePort)]);
      if (result.code === 0) out = result.stdout;
      else if (!/already in use/.test(result.stderr)) assert.fail(`testnet up failed:\n${result.stdout}${result.stderr}`);
    }
    assert.match(out, /node0 \(seed\) ready/);
    assert.match(out, /node3 \(wallet\) ready/);
    state = readTestnetState(dir);
    assert.deepEqual(state.nodes.map((node) => node.role), ['seed', 'miner', 'miner', 'wallet']);
    rpc = clients(state);
    [seed, miner1, miner2, wallet] = rpc;
    // The miners compete: both find blocks, and every node converges on one chain.
    await waitFor('both miners to have blocks on the chain', async () => {
      const [one, two] = await Promise.all([miner1, miner2].map((client) => client.call<{ mine: { trusted: number; immature: number } }>('getbalances')));
      return one.mine.trusted > 50 && two.mine.trusted > 0;
    }, 180_000, 500);
    const tip = await sameTip();
    assert.ok(tip.blocks > 6);
    assert.equal(await seed.call<number>('getconnectioncount'), 3);
  });

  test('status: one row per node with height, tip, peers, hash rate, mempool and balance', async () => {
    const text = await testnet(['status', ...dirArgs()]);
    assert.match(text, /^node\s+role\s+pid\s+height\s+tip\s+peers\s+hashrate\s+net hash\/s\s+difficulty\s+mempool\s+forks\s+balance/m);
    for (const name of ['node0', 'node1', 'node2', 'node3']) assert.match(text, new RegExp(`^${name}\\s`, 'm'));
    const json = JSON.parse(await testnet(['status', ...dirArgs(), '--json'])) as { nodes: Array<{ running: boolean; peers: number; role: string; hashrate: number }> };
    assert.ok(json.nodes.every((row) => row.running && row.peers >= 1));
    assert.ok(json.nodes.filter((row) => row.role === 'miner').every((row) => row.hashrate > 0));
    // `testnet rpc` prints the node's reply as written: amounts keep their 8 decimals, as `powcoin rpc`.
    assert.match(await testnet(['rpc', ...dirArgs(), 'node1', 'getblockcount']), /^\d+\n$/);
    assert.match(await testnet(['rpc', ...dirArgs(), 'seed', 'getbalance']), /^0\.00000000\n$/);
  });

  test('pay --fund: the empty wallet node is funded by a miner first, then pays a miner; confirmed on every node', async () => {
    assert.equal(await wallet.call<number>('getbalance'), 0, 'the wallet node starts with nothing');
    const paid = JSON.parse(await testnet(['pay', ...dirArgs(), 'wallet', 'node2', '7.5', '--fund', '--wait', '--json'])) as {
      txid: string;
      blockhash: string;
      confirmedOn: string[];
      funding?: { from: string; txid: string; amount: number };
    };
    assert.ok(paid.funding && /^node[12]$/.test(paid.funding.from), `a miner funded the wallet node first: ${JSON.stringify(paid.funding)}`);
    const funded = await wallet.call<{ amount: number; confirmations: number }>('gettransaction', [paid.funding.txid]);
    assert.ok(funded.confirmations >= 1, 'the funding payment was confirmed before the wallet node paid');
    assert.equal(funded.amount, paid.funding.amount);
    payment = paid.txid;
    assert.deepEqual(paid.confirmedOn, ['node0', 'node1', 'node2', 'node3']);
    for (const client of rpc) {
      const tx = await client.call<{ in_active_chain: boolean; confirmations: number }>('getrawtransaction', [payment, true, paid.blockhash]);
      assert.equal(tx.in_active_chain, true);
      assert.ok(tx.confirmations >= 1);
    }
    const received = await miner2.call<{ amount: number; confirmations: number }>('gettransaction', [payment]);
    assert.equal(received.amount, 7.5);
  });

  test('partition: node2 is cut off; both sides mine their own branch', async () => {
    await testnet(['partition', ...dirArgs(), 'node2']);
    assert.equal(await miner2.call<number>('getconnectioncount'), 0);
    await waitFor('the seed to drop node2', async () => (await seed.call<number>('getconnectioncount')) === 2);
    // The cut-off miner pays the wallet node at once, from coins of the common chain: the tx is
    // confirmed only on its own branch, which will lose.
    losingSidePayment = (await testnet(['pay', ...dirArgs(), 'node2', (await wallet.call<string>('getnewaddress')), '3'])).trim();
    const start = await Promise.all([info(miner1), info(miner2)]);
    await waitFor('both sides to mine 4 blocks', async () => {
      const [majority, minority] = await Promise.all([info(miner1), info(miner2)]);
      return majority.blocks >= start[0].blocks + 4 && minority.blocks >= start[1].blocks + 4 && majority.bestblockhash !== minority.bestblockhash;
    }, 180_000, 250);
    await waitFor('the payment on the cut-off branch', async () => (await miner2.call<{ confirmations: number }>('gettransaction', [losingSidePayment])).confirmations > 0);
    const status = await testnet(['status', ...dirArgs()]);
    assert.match(status, /node2\s+miner \(isolated\)/);
    // At least the two sides' tips; under load a node of the majority may lag a block behind.
    const tips = /(\d+) different tips/.exec(status);
    assert.ok(tips && Number(tips[1]) >= 2, `status shows the sides' different tips: ${status.split('\n')[0]}`);
  });

  test('heal: every node ends on the most-work chain; both payments confirmed exactly once', async () => {
    // Give the majority a clear lead, so the cut-off miner's branch is the one reorganized away.
    await wallet.call('generatetoaddress', [10, await wallet.call<string>('getnewaddress')]);
    // The wallet node's own view: it mined the lead, so it has it (the seed may not yet, under load).
    const [majority, minority] = await Promise.all([info(wallet), info(miner2)]);
    assert.ok(BigInt(`0x${majority.chainwork}`) > BigInt(`0x${minority.chainwork}`));
    await testnet(['heal', ...dirArgs(), 'node2']);
    // Not "one tip at one instant": the miners go on mining, and a node in the middle of its reorg
    // is briefly back at the fork. Every node's main chain must come to hold the majority's tip.
    const onWinner = async (client: (typeof rpc)[number]) => (await client.call<{ confirmations: number }>('getblockheader', [majority.bestblockhash]).catch(() => ({ confirmations: -1 }))).confirmations >= 1;
    await waitFor("every node's main chain to hold the majority's tip", async () => (await Promise.all(rpc.map(onWinner))).every(Boolean), 180_000, 250);
    for (const client of rpc) {
      // The most-work chain won: it holds the majority's tip from before the heal, not the minority's.
      const now = await info(client);
      assert.ok(BigInt(`0x${now.chainwork}`) >= BigInt(`0x${majority.chainwork}`));
      const winner = await client.call<{ confirmations: number }>('getblockheader', [majority.bestblockhash]);
      assert.ok(winner.confirmations >= 1);
      // The others never fetched the losing branch (nobody relays less work); node2 keeps it off its main chain.
      // Only "Block not found" (-5) counts as off the main chain; any other failure is a failure.
      const loser = await client.call<{ confirmations: number }>('getblockheader', [minority.bestblockhash]).catch((err: unknown) => {
        if (err instanceof RpcError && err.code === RpcCode.INVALID_ADDRESS_OR_KEY) return { confirmations: -1 };
        throw err;
      });
      assert.equal(loser.confirmations, -1, 'the cut-off branch is off the main chain');
    }
    assert.equal((await miner2.call<{ confirmations: number }>('getblockheader', [minority.bestblockhash])).confirmations, -1);
    // node2 reorganized: its own branch (which it kept mining until healed) is now a side branch.
    const tips = await miner2.call<Array<{ height: number; branchlen: number; status: string }>>('getchaintips');
    assert.ok(tips.some((row) => row.status === 'valid-fork' && row.height >= minority.blocks && row.branchlen >= 4), `node2 keeps its old branch as a fork: ${JSON.stringify(tips)}`);
    assert.deepEqual(await countsOnEveryNode(payment), [1, 1, 1, 1]);
    // The losing branch's payment went back to the mempool and was mined on the winning chain.
    await waitFor('the losing side payment to be mined on the winning chain', async () => (await countsOnEveryNode(losingSidePayment)).every((n) => n === 1), 180_000, 500);
    const credited = await wallet.call<{ amount: number; confirmations: number }>('gettransaction', [losingSidePayment]);
    assert.equal(credited.amount, 3);
    assert.ok(credited.confirmations >= 1);
  });

  test('discovery: nodes given only the seed peer with each other, and outlive it', async () => {
    const seedId = (await seed.call<{ peerid: string }>('getnetworkinfo')).peerid;
    const others = [miner1, miner2, wallet];
    // Each was started with --seed only: any other peer was found through the address book.
    await waitFor('every node to have a peer besides the seed', async () => {
      const peers = await Promise.all(others.map((client) => client.call<Array<{ peerId: string }>>('getpeerinfo')));
      return peers.every((rows) => rows.some((row) => row.peerId !== seedId));
    }, 180_000, 250);
    assert.ok((await miner1.call<unknown[]>('getnodeaddresses', [0])).length >= 2, "miner1's address book holds the other nodes");
    const seedPid = readTestnetState(dir).nodes[0].pid;
    process.kill(seedPid!, 'SIGTERM');
    await waitFor('the seed to exit', async () => !pidAlive(seedPid), 60_000, 250);
    const start = await info(miner1);
    // One chain, as sameTip() sees it: the miners keep mining, so not one tip at one instant.
    await waitFor('3 more blocks on every remaining node, all on one chain', async () => {
      const infos = await Promise.all(others.map(info));
      if (!infos.every((row) => row.blocks >= start.blocks + 3)) return false;
      const lowest = Math.min(...infos.map((row) => row.blocks));
      const hashes = await Promise.all(others.map((client) => client.call<string>('getblockhash', [lowest])));
      return new Set(hashes).size === 1;
    }, 180_000, 250);
  });

  test('down: every process stops and the testnet is removed', async () => {
    const pids = readTestnetState(dir).nodes.map((node) => node.pid);
    const out = await testnet(['down', ...dirArgs()]);
    // The seed was stopped by the discovery test.
    assert.match(out, /stopped 3 nodes; removed the testnet/);
    assert.deepEqual(pids.filter(pidAlive), []);
    assert.equal(existsSync(dir), false);
    const again = await powcoin(['testnet', 'status', ...dirArgs()]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no testnet in/);
  });
});
