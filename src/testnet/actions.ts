/**
 * `testnet pay|partition|heal`: what an operator does to a running testnet, as RPC calls to its
 * nodes. The same for every back end; only cutting a node off and joining it again differ
 * (TestnetBackend.cut / rejoin).
 */
import type { MemberNode, TestnetBackend } from './backend.js';
import { TestnetError } from './errors.js';
import { findNode, isAddress } from './find.js';
import { until } from './wait.js';

async function requireRunning(backend: TestnetBackend, node: MemberNode): Promise<void> {
  if (!(await backend.running(node))) throw new TestnetError('not-running', `${node.name} is not running; see ${backend.whereToLook(node)}`);
}

/** The running nodes that are not cut off: the ones a payment must reach. */
async function joinedNodes(backend: TestnetBackend): Promise<MemberNode[]> {
  const flags = await Promise.all(backend.nodes.map(async (node) => (await backend.running(node)) && !(await backend.isolated(node))));
  return backend.nodes.filter((_, i) => flags[i]);
}

interface Balances {
  mine: { trusted: number; untrusted_pending: number; immature: number };
}

export interface PayOptions {
  /** Wait until the block confirming the payment is on every joined node. */
  wait?: boolean;
  /** When FROM cannot pay AMOUNT, have a miner with mature coins pay FROM first (see `fund`). */
  fund?: boolean;
  /** Ceiling of each wait (default 2 minutes for the confirmation, 10 for funding). */
  timeoutMs?: number;
}

export interface PayResult {
  txid: string;
  address: string;
  /** With `fund`, when FROM had to be funded first: who paid it, and that payment's txid. */
  funding?: FundResult;
  /** With `wait`: the block that confirmed it, and the nodes whose main chain holds that block. */
  blockhash?: string;
  confirmedOn?: string[];
}

export interface FundResult {
  from: string;
  txid: string;
  amount: number;
}

/** The coins FROM's wallet can spend now: confirmed, plus its own unconfirmed change. */
async function spendable(backend: TestnetBackend, node: MemberNode): Promise<number> {
  const balances = await backend.call<Balances>(node, 'getbalances');
  return balances.mine.trusted;
}

/**
 * Makes sure NODE can spend `amount` coins: when it cannot, the first miner (other than NODE)
 * whose mature coins cover it pays NODE `amount` coins, and this waits until that payment is
 * confirmed and spendable. A fresh testnet's miners have nothing until their first coinbases
 * mature, so this waits for that too.
 */
export async function fund(backend: TestnetBackend, ref: string, amount: number, timeoutMs = 600_000): Promise<FundResult | undefined> {
  const node = findNode(backend, ref);
  await requireRunning(backend, node);
  if ((await spendable(backend, node)) >= amount) return undefined;
  const miners = backend.nodes.filter((other) => other.role === 'miner' && other !== node);
  if (miners.length === 0) throw new TestnetError('usage', `no miner in this testnet could fund ${node.name}`);
  // Enough for the payment and its fee: a miner pays a little over.
  const need = Math.ceil(amount) + 1;
  const funder = await until(`a miner with ${need} mature coins to fund ${node.name}`, timeoutMs, async () => {
    for (const miner of miners) {
      if (!(await backend.running(miner)) || (await backend.isolated(miner))) continue;
      if ((await spendable(backend, miner)) >= need + 1) return miner;
    }
    return undefined;
  }, 1_000);
  const address = await backend.call<string>(node, 'getnewaddress');
  const txid = await backend.call<string>(funder, 'sendtoaddress', [address, need]);
  await until(`${funder.name}'s payment ${txid} to make ${node.name}'s ${amount} coins spendable`, timeoutMs, async () => (await spendable(backend, node)) >= amount, 1_000);
  return { from: funder.name, txid, amount: need };
}

/** Pays AMOUNT coins from FROM's wallet to a new address of TO's wallet (or to TO when it is an address). */
export async function pay(backend: TestnetBackend, from: string, to: string, amount: string, options: PayOptions = {}): Promise<PayResult> {
  const value = Number(amount);
  if (!/^\d+(\.\d{1,8})?$/.test(amount) || !(value > 0)) throw new TestnetError('usage', `AMOUNT must be a positive number of coins with at most 8 decimals, got '${amount}'`);
  const payer = findNode(backend, from);
  await requireRunning(backend, payer);
  let address = to;
  if (!isAddress(to)) {
    const payee = findNode(backend, to);
    await requireRunning(backend, payee);
    address = await backend.call<string>(payee, 'getnewaddress');
  }
  const funding = options.fund ? await fund(backend, payer.name, value, options.timeoutMs ?? 600_000) : undefined;
  const txid = await backend.call<string>(payer, 'sendtoaddress', [address, amount]);
  const result: PayResult = { txid, address, ...(funding ? { funding } : {}) };
  if (!options.wait) return result;
  try {
    return await until(`payment ${txid} to be confirmed on every joined node`, options.timeoutMs ?? 120_000, async () => {
      const tx = await backend.call<{ confirmations: number; blockhash?: string }>(payer, 'gettransaction', [txid]);
      if (!(tx.confirmations > 0 && tx.blockhash)) return undefined;
      const joined = await joinedNodes(backend);
      const confirmedOn: string[] = [];
      for (const node of joined) {
        const header = await backend.call<{ confirmations: number }>(node, 'getblockheader', [tx.blockhash]).catch(() => ({ confirmations: -1 }));
        if (header.confirmations > 0) confirmedOn.push(node.name);
      }
      result.blockhash = tx.blockhash;
      result.confirmedOn = confirmedOn;
      return confirmedOn.length === joined.length ? result : undefined;
    }, 500);
  } catch (err) {
    // Sent all the same: answer what is known rather than lose the txid.
    if (err instanceof TestnetError && err.code === 'timeout') return result;
    throw err;
  }
}

/**
 * Cuts NODE off: the back end separates it (local: it bans every other node's peer id; docker:
 * its container leaves the network), and this waits until it has no peer left, so it mines (or
 * waits) on its own branch until healed.
 */
export async function partition(backend: TestnetBackend, ref: string, timeoutMs = 60_000): Promise<MemberNode> {
  const node = findNode(backend, ref);
  await requireRunning(backend, node);
  if (await backend.isolated(node)) throw new TestnetError('busy', `${node.name} is already cut off; 'heal ${node.name}' joins it again`);
  await backend.cut(node);
  await backend.markIsolated(node, true);
  await until(`${node.name} to lose its peers (see ${backend.whereToLook(node)})`, timeoutMs, async () => (await backend.call<number>(node, 'getconnectioncount', [], 10_000)) === 0, 250);
  return node;
}

/**
 * Joins NODE again: the back end undoes the cut, then NODE dials the seed (when NODE is the seed,
 * every other joined node dials it), and this waits until NODE has a peer. On connecting, the
 * nodes compare chain work and the side with less reorganizes onto the other.
 */
export async function heal(backend: TestnetBackend, ref: string, timeoutMs = 60_000): Promise<MemberNode> {
  const node = findNode(backend, ref);
  await requireRunning(backend, node);
  const seed = backend.nodes.find((other) => other.role === 'seed');
  if (!seed) throw new TestnetError('bad-state', 'this testnet has no seed node to reconnect through');
  await backend.rejoin(node);
  await backend.markIsolated(node, false);
  const seedAddress = await backend.seedAddress();
  const dialers = node === seed ? (await joinedNodes(backend)).filter((other) => other !== seed) : [node];
  if (node !== seed) await requireRunning(backend, seed);
  for (const dialer of dialers) {
    // Right after a container rejoins its network, the seed's name may not resolve yet: retry.
    await until(`${dialer.name} to dial the seed at ${seedAddress}`, timeoutMs, async () => {
      await backend.call(dialer, 'addnode', [seedAddress, 'onetry'], 20_000);
      return true;
    }, 1_000);
  }
  await until(`${node.name} to reconnect (see ${backend.whereToLook(node)})`, timeoutMs, async () => (await backend.call<number>(node, 'getconnectioncount', [], 10_000)) > 0, 250);
  return node;
}
