/**
 * Wallet sends over RPC on a real in-process regtest node (issue 15 item 1, issue 12 item 6):
 * - 2,000 sequential sendtoaddress with the mempool growing (2,100 mature coinbases, no block
 *   in between): tx/s over the first and the last 500, against the targets;
 * - 3,000 sendtoaddress in a row from a wallet of 200 mature coinbases, a block mined every 100
 *   sends (untimed): the sends that failed (target 0) and tx/s.
 * Counts can be lowered with WALLET_BENCH_SENDS / WALLET_BENCH_ROUNDS for a quick look.
 */
import { type Stack, openStack } from '../test/rpc/stack.js';
import type { Figure } from './measure.js';

export const title = 'wallet: sendtoaddress over RPC on a real regtest node';

const OUTSIDE = 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke';
const SENDS = Number(process.env.WALLET_BENCH_SENDS ?? 2_000);
const ROUNDS = Number(process.env.WALLET_BENCH_ROUNDS ?? 3_000);
const WINDOW = Math.min(500, Math.floor(SENDS / 4));

async function mineTo(s: Stack, address: string, blocks: number): Promise<void> {
  for (let left = blocks; left > 0; left -= 500) await s.client.call('generatetoaddress', [Math.min(500, left), address]);
  await s.wallet!.idle();
  // Write the coins the burst left in the chain's cache now, rather than by the idle flush in the
  // middle of the timed sends: that disk work belongs to mining, not to sending.
  await s.chain.flush();
}

async function growingMempool(): Promise<Figure[]> {
  const s = await openStack({ wallet: true });
  try {
    await mineTo(s, await s.client.call<string>('getnewaddress'), SENDS + 200);
    const times: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < SENDS; i++) {
      const start = performance.now();
      const startCpu = process.cpuUsage();
      await s.client.call('sendtoaddress', [OUTSIDE, 0.001]);
      const used = process.cpuUsage(startCpu);
      cpu.push((used.user + used.system) / 1000);
      times.push(performance.now() - start);
    }
    const rateOf = (list: number[]) => (list.length * 1000) / list.reduce((a, b) => a + b, 0);
    const first = rateOf(times.slice(0, WINDOW));
    const last = rateOf(times.slice(-WINDOW));
    // CPU time of the whole process (RPC client and server, wallet, mempool) per send: the rate a
    // core would give were it not shared, which on a loaded machine says more than the wall clock.
    return [
      { name: `${SENDS} sends, mempool growing to ${s.mempool.size}: first ${WINDOW}`, value: first, unit: 'tx/s' },
      { name: `  last ${WINDOW} (target: at least half the first)`, value: last, unit: 'tx/s' },
      { name: `  all ${SENDS} (target ≥ 100)`, value: rateOf(times), unit: 'tx/s' },
      { name: '  last / first', value: last / first, unit: '' },
      { name: `  CPU-bound rate, first ${WINDOW} (process CPU per send)`, value: rateOf(cpu.slice(0, WINDOW)), unit: 'tx/s' },
      { name: `  CPU-bound rate, last ${WINDOW}`, value: rateOf(cpu.slice(-WINDOW)), unit: 'tx/s' },
    ];
  } finally {
    await s.close();
  }
}

async function sendsWithMining(): Promise<Figure[]> {
  const s = await openStack({ wallet: true });
  try {
    await mineTo(s, await s.client.call<string>('getnewaddress'), 300);
    let failed = 0;
    let spent = 0;
    let firstError = '';
    for (let i = 0; i < ROUNDS; i++) {
      const start = performance.now();
      try {
        await s.client.call('sendtoaddress', [OUTSIDE, 0.01]);
      } catch (err) {
        failed++;
        firstError ||= (err as Error).message;
      }
      spent += performance.now() - start;
      if (i % 100 === 99) await mineTo(s, OUTSIDE, 1);
    }
    if (firstError) console.log(`  first failure: ${firstError}`);
    return [
      { name: `${ROUNDS} sends from 200 coinbases, a block every 100: failed (target 0)`, value: failed, unit: 'sends' },
      { name: '  send rate (mining excluded)', value: (ROUNDS * 1000) / spent, unit: 'tx/s' },
    ];
  } finally {
    await s.close();
  }
}

export async function run(): Promise<Figure[]> {
  return [...(await growingMempool()), ...(await sendsWithMining())];
}
