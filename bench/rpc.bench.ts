/**
 * The RPC server on a real in-process node: getblockcount requests/s over keep-alive HTTP with
 * 16 in flight (from a separate load-generator process), generatetoaddress blocks/s on regtest, and wallet sends/s.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { basicAuthHeader } from '../src/rpc/auth.js';
import { CREDENTIALS, type Stack, openStack } from '../test/rpc/stack.js';
import type { Figure } from './measure.js';

export const title = 'rpc: fastify JSON-RPC on a real regtest node (chain, mempool, wallet in process)';

const execFileAsync = promisify(execFile);
const CONCURRENCY = 16;
const SECONDS = 3;

/** getblockcount from a load generator in another process (bench/http-load.ts), as an operator's tools would call. */
async function requestsPerSecond(s: Stack): Promise<number> {
  const body = '{"jsonrpc":"1.0","id":1,"method":"getblockcount","params":[]}';
  const script = fileURLToPath(new URL('./http-load.ts', import.meta.url));
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', script, s.url, String(CONCURRENCY), String(SECONDS), basicAuthHeader(CREDENTIALS), body]);
  return Number(stdout.trim());
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
    const figures: Figure[] = [{ name: `getblockcount over keep-alive HTTP, ${CONCURRENCY} in flight (client in its own process)`, value: await requestsPerSecond(s), unit: 'req/s' }];
    figures.push({ name: 'generatetoaddress on regtest (200 blocks in one call)', value: await blocksPerSecond(s, address), unit: 'blocks/s' });
    await s.wallet!.idle();
    figures.push({ name: 'sendtoaddress (wallet of 100 mature coinbases, RPC round trip included)', value: await sendsPerSecond(s, address), unit: 'tx/s' });
    return figures;
  } finally {
    await s.close();
  }
}
