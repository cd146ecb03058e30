/**
 * A real in-process node for RPC tests: chain store on a temp dir, Chain, Mempool, the block
 * producer, the dispatcher and the fastify server on 127.0.0.1 port 0, and a client.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chain } from '../../src/chain/chain.js';
import { FilterIndexer } from '../../src/chain/filter-indexer.js';
import { TxIndexer } from '../../src/chain/tx-indexer.js';
import { FilterIndexStore } from '../../src/store/filter-index-store.js';
import { TxIndexStore } from '../../src/store/tx-index-store.js';
import { InlineVerifier } from '../../src/verify/sig-verifier.js';
import { Mempool } from '../../src/mempool/mempool.js';
import { BlockProducer } from '../../src/node/block-producer.js';
import { buildRpcContext } from '../../src/node/rpc-context.js';
import { networks } from '../../src/params/index.js';
import type { NetworkParams } from '../../src/params/types.js';
import { type Credentials, basicAuthHeader } from '../../src/rpc/auth.js';
import { RpcClient } from '../../src/rpc/client.js';
import { RpcDispatcher } from '../../src/rpc/dispatch.js';
import type { RpcContext, RpcControl } from '../../src/rpc/interfaces.js';
import { methodTable } from '../../src/rpc/methods/index.js';
import { RpcServer } from '../../src/rpc/server.js';
import { ChainStore } from '../../src/store/chain-store.js';
import { NodeClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { walletForRpc } from '../../src/node/wallet-adapter.js';
import { Wallet } from '../../src/wallet/wallet.js';

export const CREDENTIALS: Credentials = { user: 'alice', password: 'correct horse' };

export interface Stack {
  txIndex?: TxIndexer;
  wallet?: Wallet;
  chain: Chain;
  mempool: Mempool;
  params: NetworkParams;
  context: RpcContext;
  dispatcher: RpcDispatcher;
  server: RpcServer;
  client: RpcClient;
  url: string;
  stopped: number;
  /** Raw HTTP POST; `auth: false` sends none. */
  post(body: string, options?: { auth?: Credentials | false }): Promise<{ status: number; text: string; contentType: string | null; json: () => unknown }>;
  close(): Promise<void>;
}

export async function openStack(options: { ready?: boolean; params?: NetworkParams; wallet?: boolean; txindex?: boolean; blockfilterindex?: boolean } = {}): Promise<Stack> {
  const params = options.params ?? networks.regtest;
  const dir = await mkdtemp(join(tmpdir(), 'powcoin-rpc-'));
  const store = await ChainStore.open(dir, params);
  const verifier = new InlineVerifier();
  // One clock for every part, as the node wires it: setmocktime moves them all.
  const clock = new NodeClock();
  const { now } = clock;
  const chain = await Chain.open({}, { store, params, verifier, now });
  const mempool = new Mempool({}, { chain, params, verifier, sigCache: chain.sigCache, scriptCache: chain.scriptCache, now });
  const unfollow = mempool.followChain(chain);
  const producer = new BlockProducer({ chain, mempool, params, now });
  const stack = { chain, mempool, params, stopped: 0 } as Stack;

  const control: RpcControl = { startedAt: now(), stop: () => void stack.stopped++, logging: () => ({}), setMockTime: (seconds) => clock.setMockTime(seconds) };
  // A low scrypt cost keeps encryptwallet quick in tests.
  const wallet = options.wallet ? await Wallet.open({ dir: join(dir, 'wallet'), params, scryptLogN: 8 }, { chain, mempool }) : undefined;
  const txIndexStore = options.txindex ? await TxIndexStore.open(join(dir, 'indexes', 'txindex')) : undefined;
  const txIndex = txIndexStore ? new TxIndexer(txIndexStore, chain) : undefined;
  txIndex?.start();
  const filterStore = options.blockfilterindex ? await FilterIndexStore.open(join(dir, 'indexes', 'blockfilter', 'basic')) : undefined;
  const blockFilterIndex = filterStore ? new FilterIndexer(filterStore, chain) : undefined;
  blockFilterIndex?.start();
  const context = buildRpcContext({ params, chain, mempool, producer, control, fallbackFee: 1, wallet: wallet ? walletForRpc(wallet) : undefined, txIndex, blockFilterIndex, dataDir: dir, now });
  const dispatcher = new RpcDispatcher(methodTable(), { control, now }, silentLogger);
  if (options.ready !== false) dispatcher.ready(context);
  const server = new RpcServer({ host: '127.0.0.1', port: 0, credentials: CREDENTIALS, authFailureDelayMs: 0 }, { dispatcher, logger: silentLogger });
  await server.start();
  Object.assign(stack, { txIndex, wallet, context, dispatcher, server, url: server.url, client: new RpcClient({ url: server.url, credentials: CREDENTIALS }) });
  stack.post = async (body, opts = {}) => {
    const auth = opts.auth === undefined ? CREDENTIALS : opts.auth;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (auth) headers.authorization = basicAuthHeader(auth);
    const response = await fetch(server.url, { method: 'POST', headers, body });
    const text = await response.text();
    return { status: response.status, text, contentType: response.headers.get('content-type'), json: () => JSON.parse(text) };
  };
  stack.close = async () => {
    context.longPoll.close();
    await server.stop();
    await wallet?.close();
    await txIndex?.stop();
    await txIndexStore?.close();
    await blockFilterIndex?.stop();
    await filterStore?.close();
    unfollow();
    await mempool.idle();
    await chain.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  };
  return stack;
}

/** Calls a method and returns the RPC error ({code, message}) it must fail with. */
export async function rpcError(stack: Stack, method: string, params: unknown[] = []): Promise<{ code: number; message: string }> {
  try {
    await stack.client.call(method, params);
  } catch (err) {
    const { code, message } = err as { code: number; message: string };
    return { code, message };
  }
  throw new Error(`${method} was expected to fail`);
}
