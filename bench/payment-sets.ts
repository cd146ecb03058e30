/** The block benches' fixture: sets of one-input payments, each set a block's worth, and the blocks funding them. */
import type { Block, Transaction } from '../src/primitives/index.js';
import { OutPoint } from '../src/primitives/outpoint.js';
import { coinbaseOutpoint } from '../test/helpers/chain-harness.js';
import { key, payingBranch } from '../test/p2p/helpers.js';

export interface PaymentSets {
  /** The branch the funding blocks extend; the benches mine their blocks on it (or forks of it). */
  branch: ReturnType<typeof payingBranch>;
  /** `count` coinbases, then blocks of fan-out txs, one per coinbase. */
  funding: Block[];
  /** `count` sets of `perSet` signed payments, each set spending one fan-out tx's outputs. */
  sets: Transaction[][];
}

const FANS_PER_BLOCK = 12;

/** `tag` keeps the branches of different benches apart. */
export function paymentSets(tag: number, count: number, perSet: number): PaymentSets {
  const branch = payingBranch(tag);
  const coinbases = branch.extend(count);
  const fans = coinbases.map((block) => {
    const value = block.txs[0].outputs[0].value;
    const each = (value - 200_000n) / BigInt(perSet);
    return key.spend([{ outpoint: coinbaseOutpoint(block), value }], Array.from({ length: perSet }, () => ({ value: each, script: key.script })));
  });
  // A fan-out of 2,000 outputs weighs ~250 kWU: twelve fit in a block.
  const fanBlocks: Block[] = [];
  for (let i = 0; i < fans.length; i += FANS_PER_BLOCK) {
    const txs = fans.slice(i, i + FANS_PER_BLOCK);
    fanBlocks.push(branch.next({ txs, fees: 200_000n * BigInt(txs.length) }));
  }
  const funding = [...coinbases, ...fanBlocks];
  const sets = fans.map((fan) => fan.outputs.map((output, i) => key.spend([{ outpoint: new OutPoint(fan.txidBytes(), i), value: output.value }], [{ value: output.value - 1_000n, script: key.script }])));
  return { branch, funding, sets };
}

/** Txs a bench's fill accepts per turn of the event loop. */
const ACCEPTS_PER_TURN = 256;

/**
 * Accepts `txs` into a node's mempool, giving the event loop a turn every ACCEPTS_PER_TURN. A
 * mempool fed from memory settles every accept in microtasks, so no timer fires for the whole
 * fill (a 10 ms interval fired 0 times over 2,000 accepts) and gossipsub's heartbeats, which age
 * the txs just published out of its message cache, never run: after a 46,000-tx fill the ten
 * nodes' first links timed out in the noise handshake. A live node's txs come over sockets, an
 * event-loop turn apiece.
 */
export async function acceptAll(mempool: { acceptTransaction(tx: Transaction): Promise<unknown> }, txs: Iterable<Transaction>): Promise<void> {
  let accepted = 0;
  for (const tx of txs) {
    await mempool.acceptTransaction(tx);
    if (++accepted % ACCEPTS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}
