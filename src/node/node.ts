/**
 * The composition root: builds every module from the options, wires their events, starts them
 * in order (data-dir lock, RPC in warmup, chain, mempool, miner) and stops them in reverse.
 * Nothing imports this file but the CLI and the tests. The wallet, p2p (libp2p: most of the
 * startup's module loading) and miner modules load once the chain is up and the RPC answers.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { Chain } from '../chain/chain.js';
import { WorkerPoolVerifier } from '../verify/sig-verifier.js';
import { unixNow } from '../consensus/header-checks.js';
import { Mempool } from '../mempool/mempool.js';
import type { Miner } from '../miner/miner.js';
import { addressToScript } from '../primitives/address.js';
import { type Credentials, removeCookie, writeCookie } from '../rpc/auth.js';
import { RpcDispatcher } from '../rpc/dispatch.js';
import type { RpcControl } from '../rpc/interfaces.js';
import { methodTable } from '../rpc/methods/index.js';
import { RpcServer } from '../rpc/server.js';
import { DEFAULT_FLUSH_POLICY } from '../chain/flush-policy.js';
import { prepareReindex, replayBlocks } from '../chain/reindex.js';
import { openChainStore, reindexHint } from './open-store.js';
import { BlockProducer } from './block-producer.js';
import { logChainEvents } from './events-log.js';
import type { NodeLogging } from './logger.js';
import { loadOrCreateMiningKey } from './mining-key.js';
import type { NodeOptions } from './options.js';
import { PacedSearcher } from './paced-searcher.js';
import { buildRpcContext } from './rpc-context.js';
import { WalletRebroadcaster } from './rebroadcast.js';
import { walletForRpc } from './wallet-adapter.js';
import { networkForRpc } from './p2p-adapter.js';
import type { P2PNode } from '../p2p/node.js';
import { p2pOptions } from './p2p-options.js';
import type { Wallet } from '../wallet/wallet.js';

type Stopper = { name: string; stop: () => Promise<void> | void };

export class PowcoinNode {
  private readonly stoppers: Stopper[] = [];
  private stopping: Promise<void> | undefined;
  /** A failed start closes what it opened quietly: the operator reads one 'failed to start' line. */
  private startFailed = false;
  private resolveStopped!: () => void;
  /** Resolves once the node has stopped (by stop(), a signal or the `stop` RPC). */
  readonly stopped = new Promise<void>((resolve) => (this.resolveStopped = resolve));
  rpcUrl = '';
  chain: Chain | undefined;
  credentials: Credentials | undefined;

  private constructor(
    readonly options: NodeOptions,
    private readonly logging: NodeLogging,
  ) {}

  static async start(options: NodeOptions, logging: NodeLogging): Promise<PowcoinNode> {
    const node = new PowcoinNode(options, logging);
    try {
      await node.build();
    } catch (err) {
      node.startFailed = true;
      await node.stop();
      throw err;
    }
    return node;
  }

  /** Stops every started module in reverse order; safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    const log = this.logging.child('node');
    const note = this.startFailed ? 'debug' : 'info';
    log[note]({}, 'stopping');
    for (const { name, stop } of this.stoppers.reverse()) {
      try {
        await stop();
      } catch (err) {
        log.error({ err, component: name }, 'failed to stop cleanly');
      }
    }
    log[note]({}, 'stopped');
    this.logging.flush();
    this.resolveStopped();
  }

  private onStop(name: string, stop: () => Promise<void> | void): void {
    this.stoppers.push({ name, stop });
  }

  private async build(): Promise<void> {
    const { options, logging } = this;
    const { params, networkDir } = options;
    const log = logging.child('node');
    mkdirSync(networkDir, { recursive: true });
    // The store's LevelDB lock is the data-dir lock: a second node on this dir stops here, before touching the cookie.
    const store = await openChainStore(join(networkDir, 'chain'), params, options.reindex !== undefined, logging.child('chain'));
    this.onStop('store', () => store.close());
    const startedAt = unixNow();
    const control: RpcControl = { startedAt, stop: () => void this.stop(), logging: (inc, exc) => logging.setDebug(inc, exc) };
    const dispatcher = new RpcDispatcher(methodTable(), { control, now: unixNow }, logging.child('rpc'));
    await this.startRpc(dispatcher);
    log.info({ network: params.name, datadir: networkDir, rpc: this.rpcUrl }, 'starting');
    const threads = options.threads || availableParallelism();
    const verifier = new WorkerPoolVerifier({ threads });
    this.onStop('verifier', () => verifier.close());
    dispatcher.setWarmup(options.reindex ? 'Reindexing blocks...' : 'Loading block index...');
    const chainLog = logging.child('chain');
    const plan = options.reindex ? await prepareReindex(store, options.reindex, params.genesisHash, chainLog) : undefined;
    const flush = { ...DEFAULT_FLUSH_POLICY, maxBytes: options.dbcache * 1024 * 1024, maxTipAge: options.maxTipAge };
    const chain = await Chain.open({ flush, assumeValid: options.assumeValid, minimumChainWork: options.minimumChainWork }, { store, params, verifier, logger: chainLog }).catch((err: unknown) => {
      throw reindexHint(err, store.dir);
    });
    if (plan) await replayBlocks(chain, plan, chainLog);
    this.chain = chain;
    this.onStop('chain', () => chain.close());
    const mempool = new Mempool({}, { chain, params, verifier, sigCache: chain.sigCache, logger: logging.child('mempool') });
    const unfollow = mempool.followChain(chain);
    this.onStop('mempool', async () => {
      unfollow();
      await mempool.idle();
    });
    logChainEvents(chain, mempool, logging.child('chain'));
    let miner: Miner | undefined;
    const producer = new BlockProducer({ chain, mempool, params, miner: () => miner });
    const context = buildRpcContext({ params, chain, mempool, producer, control, fallbackFee: options.fallbackFee });
    // The RPC answers as soon as the chain is loaded; wallet and network methods wait for their part.
    // The wallet opens before p2p starts, so it hears every transaction the network relays.
    const walletReady = import('../wallet/wallet.js').then(({ Wallet }) => Wallet.open({ dir: join(networkDir, 'wallet'), params, defaultFeeRate: options.fallbackFee }, { chain, mempool, logger: logging.child('wallet') })).then((wallet) => {
      this.onStop('wallet', () => wallet.close());
      context.wallet = walletForRpc(wallet);
      return wallet;
    });
    const p2pReady = walletReady.then(async () => {
      const p2p = await this.startP2p(chain, mempool);
      context.network = networkForRpc(p2p);
      return p2p;
    });
    dispatcher.loadingGroup('wallet', walletReady, 'Loading wallet...');
    dispatcher.loadingGroup('network', p2pReady, 'Starting network threads...');
    dispatcher.ready(context);
    log.debug({ height: chain.height }, 'chain loaded; the RPC answers');
    const [wallet, p2p] = await Promise.all([walletReady, p2pReady]);
    this.startRebroadcast(wallet, p2p);
    miner = options.mine ? await this.startMiner(chain, mempool, threads, wallet) : undefined;
    log.info({ height: chain.height, tip: chain.tip.hash, peerId: p2p.peerId, addresses: p2p.addresses() }, 'node ready');
  }

  private startRebroadcast(wallet: Wallet, p2p: P2PNode): void {
    const rebroadcaster = new WalletRebroadcaster({ meanMs: this.options.walletRebroadcast * 1000 }, { wallet, relay: (txs) => p2p.relay(txs), logger: this.logging.child('wallet') });
    rebroadcaster.start();
    // Registered after p2p's stop hook, so (stop hooks running last first) it ends before p2p does.
    this.onStop('rebroadcast', () => rebroadcaster.stop());
  }

  private async startP2p(chain: Chain, mempool: Mempool): Promise<P2PNode> {
    const { options } = this;
    const { P2PNode } = await import('../p2p/node.js');
    const p2p = new P2PNode(p2pOptions(options), { chain, mempool, params: options.params, logger: this.logging.child('p2p') });
    await p2p.start();
    this.onStop('p2p', () => p2p.stop());
    const log = this.logging.child('p2p');
    p2p.on('peerConnected', (peer) => log.info({ peer: peer.id, addr: peer.addr, inbound: peer.inbound, height: peer.height }, 'peer connected'));
    p2p.on('peerDisconnected', ({ id }) => log.info({ peer: id }, 'peer disconnected'));
    p2p.on('peerBanned', ({ id, until, reason }) => log.warn({ peer: id, until: new Date(until).toISOString(), reason }, 'peer banned'));
    return p2p;
  }

  private async startRpc(dispatcher: RpcDispatcher): Promise<void> {
    const { options } = this;
    const cookie = options.rpcUser === undefined;
    const credentials = cookie ? writeCookie(options.networkDir) : { user: options.rpcUser!, password: options.rpcPassword! };
    if (cookie) this.onStop('cookie', () => removeCookie(options.networkDir));
    this.credentials = credentials;
    const server = new RpcServer({ host: options.rpcBind, port: options.rpcPort, credentials }, { dispatcher, logger: this.logging.child('rpc') });
    await server.start();
    this.rpcUrl = server.url;
    this.onStop('rpc', () => server.stop());
  }

  /** The built-in miner pays --mining-address, else a new wallet address, else a key kept in the data dir. */
  private async startMiner(chain: Chain, mempool: Mempool, threads: number, wallet: Wallet | undefined): Promise<Miner> {
    const { options } = this;
    const log = this.logging.child('miner');
    let payoutScript: Uint8Array;
    if (options.miningAddress) {
      payoutScript = addressToScript(options.miningAddress, options.params.bech32Prefix);
    } else if (wallet && !wallet.isLocked) {
      const address = await wallet.getNewAddress('mining');
      payoutScript = addressToScript(address, options.params.bech32Prefix);
      log.info({ address }, 'mining to a new wallet address');
    } else {
      const key = loadOrCreateMiningKey(options.networkDir, options.params.bech32Prefix);
      payoutScript = key.script;
      log.info({ address: key.address, keyFile: key.path, created: key.created }, 'mining to a key kept in the data dir');
    }
    const [{ Miner }, { NoncePool }] = await Promise.all([import('../miner/miner.js'), import('../miner/nonce-pool.js')]);
    const pool = new NoncePool({ threads });
    const searcher = options.mineInterval > 0 ? new PacedSearcher(pool, options.mineInterval) : pool;
    const miner = new Miner({ payoutScript, threads }, { chain, source: mempool, searcher, params: options.params, logger: log });
    miner.start();
    this.onStop('miner', async () => {
      await miner.stop();
      await searcher.close();
    });
    return miner;
  }
}
