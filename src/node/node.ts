/**
 * The composition root: builds every module from the options, wires their events, starts them
 * in order (data-dir lock, RPC in warmup, chain, mempool, miner) and stops them in reverse.
 * Nothing imports this file but the CLI and the tests. Startup is mostly module loading, so
 * only what the first answer needs (store, RPC server and methods, chain, mempool) is imported
 * up front; the wallet, p2p (libp2p), dashboard, miner, txindex and reindex modules load with
 * dynamic import() when their part starts, after the chain is up and the RPC answers.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { Chain } from '../chain/chain.js';
import type { TxIndexer } from '../chain/tx-indexer.js';
import type { FilterIndexer } from '../chain/filter-indexer.js';
import { WorkerPoolVerifier } from '../verify/sig-verifier.js';
import { Mempool } from '../mempool/mempool.js';
import type { Miner } from '../miner/miner.js';
import { addressToScript } from '../primitives/address.js';
import { type Credentials, checkBasicAuth, removeCookie, writeCookie } from '../rpc/auth.js';
import type { NodeDashboardSource } from './dashboard-source.js';
import { RpcDispatcher } from '../rpc/dispatch.js';
import type { RpcControl, RpcWallet, RpcWallets } from '../rpc/interfaces.js';
import { methodTable } from '../rpc/methods/index.js';
import { RpcServer } from '../rpc/server.js';
import { DEFAULT_FLUSH_POLICY } from '../chain/flush-policy.js';
import { openChainStore, reindexHint } from './open-store.js';
import { BlockProducer } from './block-producer.js';
import { logChainEvents } from './events-log.js';
import { LateMetrics } from './late-metrics.js';
import { wireMetrics, wireNetworkMetrics } from './metrics-wiring.js';
import type { NodeLogging } from './logger.js';
import type { NodeOptions } from './options.js';
import { buildRpcContext } from './rpc-context.js';
import { NodeClock } from '../util/clock.js';
import type { P2PNode } from '../p2p/node.js';
import type { WalletRegistry } from '../wallet/registry.js';
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
  /** The dashboard's address with its token; '' when --dashboard is off. */
  dashboardUrl = '';
  chain: Chain | undefined;
  credentials: Credentials | undefined;
  /** This node's own Prometheus registry (served at GET /metrics on the RPC port); prom-client attaches once wallet and p2p are up. */
  readonly metrics = new LateMetrics();
  /** The one clock every part reads (regtest's setmocktime moves it). */
  private readonly clock = new NodeClock();

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
    makePrivateDirs(options.datadir, networkDir);
    // The store's LevelDB lock is the data-dir lock: a second node on this dir stops here, before touching the cookie.
    const store = await openChainStore(join(networkDir, 'chain'), params, options.reindex !== undefined, logging.child('chain'));
    this.onStop('store', () => store.close());
    const { now } = this.clock;
    const control: RpcControl = { startedAt: now(), stop: () => void this.stop(), logging: (inc, exc) => logging.setDebug(inc, exc), logPath: options.logFile, setMockTime: (seconds) => this.clock.setMockTime(seconds) };
    const dispatcher = new RpcDispatcher(methodTable(), { control, now }, logging.child('rpc'), this.metrics);
    await this.startRpc(dispatcher);
    log.info({ network: params.name, datadir: networkDir, rpc: this.rpcUrl }, 'starting');
    const threads = options.threads || availableParallelism();
    const verifier = new WorkerPoolVerifier({ threads });
    this.onStop('verifier', () => verifier.close());
    dispatcher.setWarmup(options.reindex ? 'Reindexing blocks...' : 'Loading block index...');
    const chainLog = logging.child('chain');
    const reindex = options.reindex ? await import('../chain/reindex.js') : undefined;
    const plan = reindex ? await reindex.prepareReindex(store, options.reindex!, params.genesisHash, chainLog) : undefined;
    const flush = { ...DEFAULT_FLUSH_POLICY, maxBytes: options.dbcache * 1024 * 1024, maxTipAge: options.maxTipAge };
    const chain = await Chain.open({ flush, assumeValid: options.assumeValid, minimumChainWork: options.minimumChainWork }, { store, params, verifier, logger: chainLog, now }).catch((err: unknown) => {
      throw reindexHint(err, store.dir);
    });
    if (plan) await reindex!.replayBlocks(chain, plan, chainLog);
    this.chain = chain;
    this.onStop('chain', () => chain.close());
    const mempool = new Mempool({}, { chain, params, verifier, sigCache: chain.sigCache, scriptCache: chain.scriptCache, logger: logging.child('mempool'), now });
    const unfollow = mempool.followChain(chain);
    this.onStop('mempool', async () => {
      unfollow();
      await mempool.idle();
    });
    logChainEvents(chain, mempool, logging.child('chain'));
    let miner: Miner | undefined;
    const producer = new BlockProducer({ chain, mempool, params, miner: () => miner, now });
    const txIndex = options.txindex ? await this.startTxIndex(chain) : undefined;
    const blockFilterIndex = options.blockFilterIndex ? await this.startBlockFilterIndex(chain) : undefined;
    const context = buildRpcContext({ params, chain, mempool, producer, control, fallbackFee: options.fallbackFee, attackerShare: options.attackerShare, txIndex, blockFilterIndex, dataDir: networkDir, now });
    wireMetrics(this.metrics, { chain, mempool, miner: () => miner, now });
    // Registered after the RPC server's hook, so it runs first: waiting long polls answer before the server closes.
    this.onStop('longpoll', () => context.longPoll.close());
    // The RPC answers as soon as the chain is loaded; wallet and network methods wait for their part.
    // The wallets open before p2p starts, so they hear every transaction the network relays.
    const walletReady = this.openWallets(chain, mempool).then(({ wallets, wallet, rpcWallets }) => {
      context.wallets = rpcWallets;
      return { wallets, wallet };
    });
    const p2pReady = walletReady.then(async () => {
      const [p2p, { networkForRpc }] = await Promise.all([this.startP2p(chain, mempool), import('./p2p-adapter.js')]);
      context.network = networkForRpc(p2p);
      return p2p;
    });
    dispatcher.loadingGroup('wallet', walletReady, 'Loading wallet...');
    dispatcher.loadingGroup('network', p2pReady, 'Starting network threads...');
    dispatcher.ready(context);
    log.debug({ height: chain.height }, 'chain loaded; the RPC answers');
    const [{ wallets, wallet }, p2p] = await Promise.all([walletReady, p2pReady]);
    // Off the first answer's path: figures counted so far are replayed onto it.
    this.metrics.attach(new (await import('./metrics.js')).PromMetrics());
    await this.startRebroadcast(wallets, p2p);
    miner = options.mine ? await this.startMiner(chain, mempool, threads, wallet) : undefined;
    wireNetworkMetrics(this.metrics, p2p);
    const rpcWallets = context.wallets!;
    // The dashboard shows the wallet '/' addresses: the default one, or none when several are loaded.
    const rpcWallet = {
      getBalances: () => rpcWallets.resolve(undefined).getBalances(),
      listTransactions: (...args: Parameters<RpcWallet['listTransactions']>) => rpcWallets.resolve(undefined).listTransactions(...args),
    };
    // Before 'node ready', so whoever waits for it (testnet up) finds dashboard.url written.
    if (options.dashboard) {
      const { NodeDashboardSource } = await import('./dashboard-source.js');
      await this.startDashboard(new NodeDashboardSource({ params, chain, mempool, p2p, miner: () => miner, wallet: rpcWallet, attackerShare: options.attackerShare, now }));
    }
    log.info({ height: chain.height, tip: chain.tip.hash, peerId: p2p.peerId, addresses: p2p.addresses() }, 'node ready');
  }

  private async startDashboard(source: NodeDashboardSource): Promise<void> {
    const { options } = this;
    const credentials = this.credentials!;
    const [{ locateAssets }, { DashboardServer }, { removeDashboardUrl, writeDashboardUrl }] = await Promise.all([import('../dashboard/assets.js'), import('../dashboard/server.js'), import('../dashboard/url-file.js')]);
    const server = new DashboardServer(
      { port: options.dashboardPort, token: randomBytes(16).toString('hex'), checkBasicAuth: (header) => checkBasicAuth(header, credentials) },
      { source, assets: locateAssets(), logger: this.logging.child('node') },
    );
    this.dashboardUrl = await server.start();
    writeDashboardUrl(options.networkDir, this.dashboardUrl);
    this.onStop('dashboard', async () => {
      removeDashboardUrl(options.networkDir);
      await server.stop();
    });
    this.logging.child('node').info({ url: this.dashboardUrl }, 'dashboard listening (read-only token in the url)');
  }

  /** The wallet registry with the default wallet open (loaded only now: the RPC answered before). */
  private async openWallets(chain: Chain, mempool: Mempool): Promise<{ wallets: WalletRegistry; wallet: Wallet; rpcWallets: RpcWallets }> {
    const { options } = this;
    const log = this.logging.child('node');
    const [{ WalletRegistry }, { walletsForRpc }] = await Promise.all([import('../wallet/registry.js'), import('./wallets-adapter.js')]);
    const wallets = new WalletRegistry({ networkDir: options.networkDir, walletDefaults: { params: options.params, defaultFeeRate: options.fallbackFee } }, { chain, mempool, logger: this.logging.child('wallet') });
    this.onStop('wallet', () => wallets.closeAll());
    const firstStart = !existsSync(join(wallets.dirOf(''), 'CURRENT'));
    const wallet = await wallets.openDefault();
    // The words themselves are never logged: a log file may sit in the data dir or be shipped elsewhere.
    if (firstStart) log.warn({}, "a new wallet was made with a new seed: run 'powcoin wallet mnemonic' and write its 24 words down; they restore every coin");
    return { wallets, wallet, rpcWallets: walletsForRpc(wallets) };
  }

  /** One timer for every loaded wallet: each offers its unconfirmed txs again. */
  private async startRebroadcast(wallets: WalletRegistry, p2p: P2PNode): Promise<void> {
    const { WalletRebroadcaster } = await import('./rebroadcast.js');
    const wallet = { rebroadcast: async () => (await Promise.all(wallets.names().map((name) => wallets.get(name)?.rebroadcast() ?? []))).flat() };
    const rebroadcaster = new WalletRebroadcaster({ meanMs: this.options.walletRebroadcast * 1000 }, { wallet, relay: (txs) => p2p.relay(txs), logger: this.logging.child('wallet') });
    rebroadcaster.start();
    // Registered after p2p's stop hook, so (stop hooks running last first) it ends before p2p does.
    this.onStop('rebroadcast', () => rebroadcaster.stop());
  }

  /** The transaction index in its own LevelDB (as Core's indexes/txindex), caught up in the background. */
  private async startTxIndex(chain: Chain): Promise<TxIndexer> {
    const [{ TxIndexStore }, { TxIndexer }] = await Promise.all([import('../store/tx-index-store.js'), import('../chain/tx-indexer.js')]);
    const store = await TxIndexStore.open(join(this.options.networkDir, 'indexes', 'txindex'));
    this.onStop('txindex store', () => store.close());
    const indexer = new TxIndexer(store, chain, this.logging.child('chain'));
    this.onStop('txindex', () => indexer.stop());
    indexer.start();
    return indexer;
  }

  private async startBlockFilterIndex(chain: Chain): Promise<FilterIndexer> {
    const [{ FilterIndexStore }, { FilterIndexer }] = await Promise.all([import('../store/filter-index-store.js'), import('../chain/filter-indexer.js')]);
    const store = await FilterIndexStore.open(join(this.options.networkDir, 'indexes', 'blockfilter', 'basic'));
    this.onStop('blockfilterindex store', () => store.close());
    const indexer = new FilterIndexer(store, chain, this.logging.child('chain'));
    this.onStop('blockfilterindex', () => indexer.stop());
    indexer.start();
    return indexer;
  }

  private async startP2p(chain: Chain, mempool: Mempool): Promise<P2PNode> {
    const { options } = this;
    const [{ P2PNode }, { p2pOptions }] = await Promise.all([import('../p2p/node.js'), import('./p2p-options.js')]);
    const p2p = new P2PNode(p2pOptions(options), { chain, mempool, params: options.params, logger: this.logging.child('p2p') });
    await p2p.start();
    this.onStop('p2p', () => p2p.stop());
    // Peer connects, disconnects and bans are logged by the p2p layer itself (one line each).
    return p2p;
  }

  private async startRpc(dispatcher: RpcDispatcher): Promise<void> {
    const { options } = this;
    const cookie = options.rpcUser === undefined;
    const credentials = cookie ? writeCookie(options.networkDir) : { user: options.rpcUser!, password: options.rpcPassword! };
    if (cookie) this.onStop('cookie', () => removeCookie(options.networkDir));
    this.credentials = credentials;
    const server = new RpcServer({ host: options.rpcBind, port: options.rpcPort, credentials }, { dispatcher, logger: this.logging.child('rpc'), metrics: () => this.metrics.exposition() });
    await server.start();
    this.rpcUrl = server.url;
    this.onStop('rpc', () => server.stop());
  }

  /**
   * The built-in miner pays --mining-address, else a new address of the default wallet (derived
   * from its public account key, so a locked encrypted wallet gets its rewards too), else a key
   * kept in the data dir.
   */
  private async startMiner(chain: Chain, mempool: Mempool, threads: number, wallet: Wallet | undefined): Promise<Miner> {
    const { options } = this;
    const log = this.logging.child('miner');
    let payoutScript: Uint8Array;
    if (options.miningAddress) {
      payoutScript = addressToScript(options.miningAddress, options.params.bech32Prefix);
    } else if (wallet) {
      const address = await wallet.getNewAddress('mining');
      payoutScript = addressToScript(address, options.params.bech32Prefix);
      log.info({ address }, 'mining to a new wallet address');
    } else {
      const { loadOrCreateMiningKey } = await import('./mining-key.js');
      const key = loadOrCreateMiningKey(options.networkDir, options.params.bech32Prefix);
      payoutScript = key.script;
      log.info({ address: key.address, keyFile: key.path, created: key.created }, 'mining to a key kept in the data dir');
    }
    const [{ localMiner }, { NoncePool }] = await Promise.all([import('../miner/local-work.js'), import('../miner/nonce-pool.js')]);
    const searcher = new NoncePool({ threads });
    // --mine-interval paces the loop (regtest); the search itself is the same.
    const miner = localMiner({ payoutScript, threads, intervalSeconds: options.mineInterval }, { chain, source: mempool, searcher, params: options.params, logger: log, now: this.clock.now });
    miner.start();
    this.onStop('miner', async () => {
      await miner.stop();
      await searcher.close();
    });
    return miner;
  }
}

/**
 * The data dir and its network folder are made 0700 whatever the umask (the daemon also sets
 * umask 077, so what is written inside is 0600): they hold keys and wallet records. Folders that
 * already existed keep the mode their owner gave them.
 */
function makePrivateDirs(datadir: string, networkDir: string): void {
  for (const dir of [datadir, networkDir]) {
    if (existsSync(dir)) continue;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  }
}
