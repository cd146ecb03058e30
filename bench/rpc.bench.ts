/**
 * The RPC server on a real in-process node: getblockcount requests/s over keep-alive HTTP with
 * 16 in flight (node's fetch), generatetoaddress blocks/s on regtest, and wallet sends/s.
 */
import { basicAuthHeader } from '../src/rpc/auth.js';
import { CREDENTIALS, type Stack, openStack } from '../test/rpc/stack.js';
import type { Figure } from './measure.js';

export const title = 'rpc: fastify JSON-RPC on a real regtest node (chain, mempool, wallet in process)';

const CONCURRENCY = 16;
const SECONDS = 3;

async function requestsPerSecond(s: Stack): Promise<number> {
  const headers = { authorization: basicAuthHeader(CREDENTIALS), 'content-type': 'application/json' };
  const body = '{"jsonrpc":"1.0","id":1,"method":"getblockcount","params":[]}';
  let done = 0;
  const end = performance.now() + SECONDS * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const response = await fetch(s.url, { method: 'POST', headers, body });
      await response.text();
      done++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return (done * 1000) / (performance.now() - start);
}

async function blocksPerSecond(s: Stack, address: string): Promise<number> {
  const count = 200;
  const start = performance.now();
  await s.client.call('generatetoaddress', [count, address]);
  return (count * 1000) / (performance.now() - start);
}

/** Sends in rounds of 20, a block mined between rounds (untimed): the wallet spends its own change, and the pool allows 25 in a chain. */
async function sendsPerSecond(s: Stack, address: string): Promise<number> {
  let sent = 0;
  let spent = 0;
  while (spent < SECONDS * 1000) {
    const start = performance.now();
    for (let i = 0; i < 20; i++) await s.client.call('sendtoaddress', [address, 0.001]);
    spent += performance.now() - start;
    sent += 20;
    await s.client.call('generatetoaddress', [1, 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke']);
    await s.wallet!.idle();
  }
  return (sent * 1000) / spent;
}

export async function run(): Promise<Figure[]> {
  const s = await openStack({ wallet: true });
  try {
    const address = await s.client.call<string>('getnewaddress');
    const figures: Figure[] = [{ name: `getblockcount over keep-alive HTTP, ${CONCURRENCY} in flight`, value: await requestsPerSecond(s), unit: 'req/s' }];
    figures.push({ name: 'generatetoaddress on regtest (200 blocks in one call)', value: await blocksPerSecond(s, address), unit: 'blocks/s' });
    await s.wallet!.idle();
    figures.push({ name: 'sendtoaddress (wallet of 100 mature coinbases, RPC round trip included)', value: await sendsPerSecond(s, address), unit: 'tx/s' });
    return figures;
  } finally {
    await s.close();
  }
}
