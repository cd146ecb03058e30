/** `powcoin testnet pay|partition|heal`: what an operator does to a running testnet. */
import { type TestnetNode, type TestnetState, TestnetError, isOurDaemon, writeState } from './state.js';
import { call, findNode } from './rpc.js';
import { sleep, waitConnected } from './up.js';

function requireRunning(node: TestnetNode): void {
  if (!isOurDaemon(node)) throw new TestnetError(`${node.name} is not running (pid ${node.pid ?? 'none'}); see ${node.log}`);
}

export interface PayResult {
  txid: string;
  address: string;
  /** With `wait`: the block that confirmed it, and the nodes whose main chain holds that block. */
  blockhash?: string;
  confirmedOn?: string[];
}

/** Pays AMOUNT coins from FROM's wallet to a new address of TO's wallet (or to TO when it is an address). */
export async function pay(state: TestnetState, from: string, to: string, amount: string, options: { wait?: boolean; timeoutMs?: number } = {}): Promise<PayResult> {
  const payer = findNode(state, from);
  requireRunning(payer);
  let address = to;
  if (!/^[a-z0-9]+1[02-9ac-hj-np-z]{6,}$/.test(to)) {
    const payee = findNode(state, to);
    requireRunning(payee);
    address = await call<string>(state, payee, 'getnewaddress');
  }
  const txid = await call<string>(state, payer, 'sendtoaddress', [address, amount]);
  const result: PayResult = { txid, address };
  if (!options.wait) return result;
  const until = Date.now() + (options.timeoutMs ?? 120_000);
  while (Date.now() < until) {
    const tx = await call<{ confirmations: number; blockhash?: string }>(state, payer, 'gettransaction', [txid]);
    if (tx.confirmations > 0 && tx.blockhash) {
      const confirmedOn: string[] = [];
      for (const node of state.nodes.filter((n) => isOurDaemon(n))) {
        const header = await call<{ confirmations: number }>(state, node, 'getblockheader', [tx.blockhash]).catch(() => ({ confirmations: -1 }));
        if (header.confirmations > 0) confirmedOn.push(node.name);
      }
      result.blockhash = tx.blockhash;
      result.confirmedOn = confirmedOn;
      if (confirmedOn.length === state.nodes.filter((n) => isOurDaemon(n) && !n.isolated).length) return result;
    }
    await sleep(500);
  }
  return result;
}

/**
 * Cuts NODE off: it bans every other testnet node's peer id, which hangs up its connections and
 * refuses them both ways, so it mines (or waits) on its own branch until healed.
 */
export async function partition(state: TestnetState, ref: string): Promise<TestnetNode> {
  const node = findNode(state, ref);
  requireRunning(node);
  for (const other of state.nodes) {
    if (other === node || !other.peerId) continue;
    await call(state, node, 'setban', [other.peerId, 'add', 86_400]);
  }
  const until = Date.now() + 15_000;
  while ((await call<number>(state, node, 'getconnectioncount')) > 0) {
    if (Date.now() > until) throw new TestnetError(`${node.name} still has peers 15 s after banning them; see ${node.log}`);
    await sleep(200);
  }
  node.isolated = true;
  writeState(state);
  return node;
}

/** Joins NODE again: lifts its bans and dials the seed (the seed dials every other node when it is NODE). */
export async function heal(state: TestnetState, ref: string): Promise<TestnetNode> {
  const node = findNode(state, ref);
  requireRunning(node);
  await call(state, node, 'clearbanned');
  const seed = state.nodes[0];
  if (node === seed) {
    for (const other of state.nodes.slice(1)) {
      if (isOurDaemon(other) && !other.isolated && other.p2pAddress) await call(state, seed, 'addnode', [other.p2pAddress, 'onetry']).catch(() => undefined);
    }
  } else {
    if (!seed.p2pAddress) throw new TestnetError(`the seed's p2p address is unknown; is ${seed.name} running?`);
    requireRunning(seed);
    await call(state, node, 'addnode', [seed.p2pAddress, 'onetry']);
  }
  const connected = await waitConnected(state, [node], 20_000);
  if (!connected.has(node.name)) throw new TestnetError(`${node.name} did not reconnect within 20 s; see ${node.log}`);
  node.isolated = false;
  writeState(state);
  return node;
}

