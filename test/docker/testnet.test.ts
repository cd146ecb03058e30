/**
 * The compose testnet end to end through the orchestrator's docker back end (npm run
 * test:docker; not part of npm test): build the image (on a local base image when no registry
 * answers), bring up seed, miner1, miner2 and wallet, wait for one tip, pay from the wallet node
 * (funded first by a miner: `pay --fund`) and see the payment confirmed on every node, cut
 * miner2 off, let both sides mine, heal, and check that every node ends on the most-work chain
 * with the payment confirmed exactly once. Then tear down, leaving no container, network or
 * volume behind. Skipped, with the reason, when scripts/docker/ensure-docker.sh finds that
 * Docker cannot be made to work on this machine.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alwaysTearDown } from './teardown.js';
import { failureLogs, freePort, leftovers, log, until } from './helpers.js';
import {
  DOCKER_NODES,
  DockerTestnet,
  type DockerNodeName,
  SEED_PEER_ID,
  dockerConfigFromEnv,
  ensureDocker,
  execRpc,
  findNode,
  formatStatus,
  heal,
  must,
  nodeStatus,
  partition,
  pay,
  testnetStatus,
} from '../../src/testnet/testnet.js';

const NODES = DOCKER_NODES.map((node) => node.name);
type NodeName = DockerNodeName;

const PROJECT = 'powcoin-dockertest';
const docker = await ensureDocker();


test('docker compose testnet: payment, partition, reorg to the most-work chain', { skip: docker.ok ? false : `Docker cannot be used here: ${docker.reason}`, timeout: 45 * 60_000 }, async () => {
  const ports = { seed: await freePort(), miner1: await freePort(), miner2: await freePort(), wallet: await freePort() };
  const testnet = new DockerTestnet({ ...dockerConfigFromEnv(), project: PROJECT, network: PROJECT, image: 'powcoin:dockertest', ports, monitoring: false });
  const status = (node: NodeName) => nodeStatus(testnet, findNode(testnet, node));
  const statusTable = (rows: Awaited<ReturnType<typeof testnetStatus>>) => formatStatus(testnet, rows);
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  await testnet.down(false).catch(() => undefined); // an earlier run that was killed
  const teardown = alwaysTearDown('compose testnet', () => testnet.down(), `com.docker.compose.project=${PROJECT}`);
  let failed = true;
  try {
    log('building the image');
    await testnet.buildImages();
    log(`image built (${elapsed()}); starting the testnet`);
    await testnet.up({ build: false, timeoutMs: 240_000 });
    log(`all four nodes answer RPC (${elapsed()})`);

    // RPC ports are published on 127.0.0.1 only.
    for (const node of NODES) {
      const published = (await must('docker', ['port', await testnet.containerId(node), '28632/tcp'])).trim().split('\n');
      assert.deepEqual(published, [`127.0.0.1:${ports[node]}`], `${node}'s RPC port is published on ${published.join(', ')}`);
    }

    // Peers are found through the seed, and everyone follows one tip.
    await until('every node to peer with the seed', 120_000, async () => {
      for (const node of NODES.filter((n) => n !== 'seed')) {
        const peers = await testnet.rpc<Array<{ peerId: string }>>(node, 'getpeerinfo');
        if (!peers.some((p) => p.peerId === SEED_PEER_ID)) return false;
      }
      return true;
    });
    // Not "one tip at one instant": the miners go on mining, and on a loaded machine a block takes
    // seconds to reach every node. One chain: the same block at the lowest tip height, on every node.
    const sameTip = async (minHeight: number) => {
      const rows = await testnetStatus(testnet);
      if (!rows.every((r) => r.height !== undefined)) return undefined;
      const lowest = Math.min(...rows.map((r) => r.height!));
      if (lowest < minHeight) return undefined;
      const hashes = await Promise.all(NODES.map((node) => testnet.rpc<string>(node, 'getblockhash', lowest)));
      return new Set(hashes).size === 1 ? rows : undefined;
    };
    const synced = await until('all nodes on one tip at height >= 5', 240_000, () => sameTip(5));
    log(`one tip (${elapsed()}):\n${statusTable(synced)}`);

    // The wallet node has nothing: `fund` has a miner pay it first (once its coinbases mature).
    assert.equal(await testnet.rpc<number>('wallet', 'getbalance'), 0, 'the wallet node starts empty');
    const payment = await pay(testnet, 'wallet', 'seed', '2.5', { fund: true, timeoutMs: 600_000 });
    assert.ok(payment.funding && /^miner[12]$/.test(payment.funding.from), `a miner funded the wallet node first (${JSON.stringify(payment.funding)})`);
    const funded = await testnet.rpc<{ amount: number; confirmations: number }>('wallet', 'gettransaction', payment.funding.txid);
    assert.ok(funded.confirmations >= 1 && Number(funded.amount) === payment.funding.amount, `the funding payment is confirmed in the wallet node's wallet (${JSON.stringify(funded)})`);
    log(`${payment.funding.from} funded the wallet node (txid ${payment.funding.txid}); the wallet node paid the seed 2.5 (txid ${payment.txid}); waiting for it to confirm`);
    const paid = await until('the payment to confirm', 300_000, async () => {
      const tx = await testnet.rpc<{ blockhash?: string; blockheight?: number; confirmations: number }>('wallet', 'gettransaction', payment.txid);
      return tx.blockhash && tx.confirmations >= 1 ? { blockhash: tx.blockhash, height: tx.blockheight } : undefined;
    });
    await until('the payment block on every node with 2 confirmations', 300_000, async () => {
      for (const node of NODES) {
        const block = await testnet.rpc<{ confirmations: number; tx: string[] }>(node, 'getblock', paid.blockhash, 1);
        if (block.confirmations < 2) return false;
        assert.ok(block.tx.includes(payment.txid), `${node}: block ${paid.blockhash} lacks the payment`);
      }
      return true;
    });
    const received = await testnet.rpc<{ amount: number | string; confirmations: number }>('seed', 'gettransaction', payment.txid);
    assert.equal(Number(received.amount), 2.5, "the seed's wallet sees 2.5 received");
    log(`payment confirmed in ${paid.blockhash} on every node (${elapsed()})`);

    // Cut miner2 (2 threads) off; both sides mine on.
    await partition(testnet, 'miner2');
    assert.equal(await testnet.isConnected('miner2'), false, 'miner2 is off the docker network');
    const [seedStart, minerStart] = [(await status('seed')).height!, (await status('miner2')).height!];
    log(`miner2 cut off at height ${minerStart}, the seed's side at ${seedStart}`);
    const sides = await until('both sides to mine 3 blocks of their own', 600_000, async () => {
      const [seed, miner1, miner2] = await Promise.all([status('seed'), status('miner1'), status('miner2')]);
      assert.equal(miner2.isolated, true);
      assert.equal(miner2.peers, 0, 'miner2 has no peer while cut off');
      if (seed.height! < seedStart + 3 || miner2.height! < minerStart + 3 || seed.tip === miner2.tip) return undefined;
      // The seed's side is the seed, miner1 and the wallet: settled when seed and miner1 agree.
      return seed.tip === miner1.tip ? { seed, miner2 } : undefined;
    });
    log(`partitioned (${elapsed()}):\n${statusTable(await testnetStatus(testnet))}`);

    await heal(testnet, 'miner2');
    assert.equal(await testnet.isConnected('miner2'), true, 'miner2 is on the docker network again');
    log('miner2 joined again');
    const healed = await until('all nodes on one tip after the heal', 300_000, () => sameTip(0));
    log(`healed (${elapsed()}):\n${statusTable(healed)}`);

    // Every node ends on the most-work chain it knows, which has at least the work of both sides.
    // (The miners keep mining: each node is judged against its own tips of the moment.)
    const isOnMainChain = async (node: NodeName, hash: string) => {
      try {
        return (await testnet.rpc<{ confirmations: number }>(node, 'getblockheader', hash)).confirmations >= 1;
      } catch (err) {
        if (/Block not found/.test((err as Error).message)) return false;
        throw err;
      }
    };
    const workOf = async (node: NodeName, hash: string) => BigInt(`0x${(await testnet.rpc<{ chainwork: string }>(node, 'getblockheader', hash)).chainwork}`);
    const sideWork = [BigInt(`0x${sides.seed.chainwork!}`), BigInt(`0x${sides.miner2.chainwork!}`)];
    for (const node of NODES) {
      const tips = await testnet.rpc<Array<{ hash: string; status: string }>>(node, 'getchaintips');
      const active = tips.find((t) => t.status === 'active');
      assert.ok(active, `${node} has an active tip`);
      const activeWork = await workOf(node, active.hash);
      assert.ok(sideWork.every((w) => activeWork >= w), `${node}: the active chain has less work than a side had before the heal`);
      for (const other of tips.filter((t) => t.status === 'valid-fork')) {
        assert.ok((await workOf(node, other.hash)) <= activeWork, `${node}: branch ${other.hash} has more work than the active chain`);
      }
      // Exactly one side's chain survived: the other side's tip is off the main chain now (a reorg).
      // (The winning side may never have seen the losing side's blocks: unknown counts as off.)
      const onMain = await Promise.all([sides.seed.tip!, sides.miner2.tip!].map((hash) => isOnMainChain(node, hash)));
      assert.equal(onMain.filter(Boolean).length, 1, `${node}: exactly one side's pre-heal tip is on the main chain`);
    }
    const minerWon = await isOnMainChain('seed', sides.miner2.tip!);
    // The losing side knew its own tip, and has left it: a reorg.
    const losers: NodeName[] = minerWon ? ['seed', 'miner1', 'wallet'] : ['miner2'];
    const losingTip = minerWon ? sides.seed.tip : sides.miner2.tip;
    for (const node of losers) {
      const header = await testnet.rpc<{ confirmations: number }>(node, 'getblockheader', losingTip);
      assert.equal(header.confirmations, -1, `${node} reorganized away from its pre-heal tip`);
    }
    log(`${losers.join(', ')} reorganized onto the other side's chain`);

    // The payment is still confirmed, exactly once, on every node's main chain.
    for (const node of NODES) {
      const height = await testnet.rpc<number>(node, 'getblockcount');
      const heights = Array.from({ length: height }, (_, i) => i + 1);
      const hashes = (await testnet.batch(node, heights.map((h) => ({ method: 'getblockhash', params: [h] })))) as string[];
      const blocks = (await testnet.batch(node, hashes.map((h) => ({ method: 'getblock', params: [h, 1] })))) as Array<{ tx: string[] }>;
      const count = blocks.reduce((n, block) => n + block.tx.filter((txid) => txid === payment.txid).length, 0);
      assert.equal(count, 1, `${node}: the payment is in ${count} blocks of the main chain`);
    }
    const tx = await testnet.rpc<{ confirmations: number }>('wallet', 'gettransaction', payment.txid);
    assert.ok(tx.confirmations >= 1, 'the wallet still sees its payment confirmed');

    // Discovery: `--scale extra=2` adds two nodes given only the seed's address; they find the
    // others by themselves. Then the seed goes, and blocks still reach every node.
    await testnet.compose(['up', '-d', '--no-build', '--no-recreate', '--scale', 'extra=2'], { echo: true });
    const extras = (await testnet.compose(['ps', '-q', 'extra'])).split('\n').filter(Boolean);
    assert.equal(extras.length, 2, 'two extra nodes are running');
    const extraRpc = async <T>(id: string, method: string, ...params: unknown[]): Promise<T> => {
      const reply = JSON.parse(await execRpc(id, JSON.stringify({ jsonrpc: '1.0', id: 0, method, params }))) as { result: T; error: unknown };
      if (reply.error) throw new Error(`${id}: ${method}: ${JSON.stringify(reply.error)}`);
      return reply.result;
    };
    await until('each extra node to have >= 2 peers and the miners\' tip', 300_000, async () => {
      const tip = (await status('miner1')).height!;
      for (const id of extras) {
        const [peers, height] = await Promise.all([extraRpc<Array<{ peerId: string }>>(id, 'getpeerinfo'), extraRpc<number>(id, 'getblockcount')]);
        if (peers.length < 2 || !peers.some((p) => p.peerId !== SEED_PEER_ID) || height < tip - 1) return false;
      }
      return true;
    });
    log(`the extra nodes found peers beyond the seed (${elapsed()})`);
    await testnet.compose(['stop', '--timeout', '10', 'seed'], { echo: true });
    const remaining = NODES.filter((n) => n !== 'seed');
    const before = Math.max(...(await Promise.all(remaining.map(async (n) => (await status(n)).height!))));
    await until('2 more blocks on every node but the seed, one tip', 300_000, async () => {
      const rows = await Promise.all(remaining.map((n) => status(n)));
      const extraTips = await Promise.all(extras.map((id) => extraRpc<string>(id, 'getbestblockhash')));
      const tips = new Set([...rows.map((r) => r.tip), ...extraTips]);
      return tips.size === 1 && rows[0].height! >= before + 2 && rows.every((r) => r.peers! >= 1);
    });
    log(`with the seed stopped, blocks still reach all other nodes (${elapsed()})`);
    failed = false;
    log(`scenario passed (${elapsed()})`);
  } finally {
    if (failed) {
      log(`compose logs (empty blocks left out):\n${await failureLogs((args) => testnet.compose(args))}`);
    }
    await teardown();
    const left = await leftovers(PROJECT);
    assert.deepEqual(left, [], 'docker compose down left these behind');
    log(`torn down, nothing left (${elapsed()})`);
  }
});
