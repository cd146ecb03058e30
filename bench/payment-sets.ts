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
