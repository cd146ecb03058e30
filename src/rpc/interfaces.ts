/**
 * What the RPC methods need from the rest of the node, as small structural interfaces. The
 * chain's Chain and the mempool's Mempool satisfy theirs as they are; the wallet and the p2p node
 * are adapted by the composition root (src/node/), so this folder never imports them. Data shapes
 * the node's parts define (a package's results, an importdescriptors request) are imported as
 * types from where they are defined rather than restated here.
 */
import type { NetworkParams } from '../params/types.js';
import type { Block } from '../primitives/block.js';
import type { Coin } from '../primitives/coin.js';
import type { BlockHeader } from '../primitives/header.js';
import type { OutPoint } from '../primitives/outpoint.js';
import type { KeyOrigin } from '../primitives/psbt.js';
import type { Transaction, TxOutput } from '../primitives/transaction.js';
import type { BlockTemplate } from '../miner/template.js';
import type { MempoolEntry } from '../mempool/entry.js';
import type { PackageAcceptResult } from '../mempool/package-accept.js';
import type { DescriptorImport } from '../wallet/extras/import-descriptors.js';

/** One block the chain knows of; the chain's BlockIndexEntry satisfies it. */
export interface RpcBlockEntry {
  readonly hash: string;
  readonly height: number;
  readonly header: BlockHeader;
  readonly chainwork: bigint;
  readonly parent: RpcBlockEntry | undefined;
  readonly txCount: number;
  readonly status: number;
  isFailed(): boolean;
}

export interface RpcChain {
  readonly tip: RpcBlockEntry;
  readonly height: number;
  getEntry(hash: string): RpcBlockEntry | undefined;
  getEntryAtHeight(height: number): RpcBlockEntry | undefined;
  getBlock(hash: string): Promise<Block | undefined>;
  getCoin(outpoint: OutPoint): Promise<Coin | undefined>;
  nextBits(): number;
  medianTimePast(): number;
  utxoStats(): Promise<{ tip: Uint8Array | undefined; count: number; transactions: number; totalAmount: bigint; hash: Uint8Array; bogoSize: number; bytes: number }>;
  verifyChain(depth?: number, level?: 0 | 1 | 2 | 3): Promise<{ ok: boolean; checked: number; failure?: { height: number; hash: string; reason: string } }>;
  processBlock(block: Block): Promise<{ hash: string; status: string }>;
  hasOrphan(hash: string): boolean;
  /** Every stored block index record, for getchaintips, and the store's directory (size_on_disk). */
  readonly store: {
    readonly dir: string;
    loadBlockIndex(): Promise<ReadonlyArray<{ readonly hash: Uint8Array; readonly height: number }>>;
    /** The coins a connected block spent, in input order (getblockstats' fees). */
    getUndo(hash: Uint8Array): Promise<Coin[] | undefined>;
    /** The whole UTXO set in outpoint order, from one snapshot (dumptxoutset, scantxoutset). */
    iterateCoins(): AsyncIterable<{ readonly outpoint: OutPoint; readonly coin: Coin }>;
  };
  /** The most-work valid header (body or not). */
  readonly bestHeader: RpcBlockEntry;
  isInitialBlockDownload(): boolean;
  /** 0 to 1: how much of the known work the tip has validated. */
  verificationProgress(): number;
  /** Coin cache sizes in bytes: on disk (LevelDB) and in memory (getchainstates). */
  readonly coinsCacheBytes?: { db: number; tip: number };
  /** Core's preciousblock; false when the block is unknown. */
  preciousBlock?(hash: string): Promise<boolean>;
  /** Core's loadtxoutset; throws an error named SnapshotLoadError with code open, metadata or activation. */
  loadSnapshot?(path: string, mempoolSize?: () => number): Promise<{ coinsLoaded: number; base: RpcBlockEntry }>;
  /** Base of the loaded UTXO snapshot (getchainstates' snapshot_blockhash), if any. */
  readonly snapshotBase?: RpcBlockEntry | undefined;
  /** Stores headers (submitheader); throws a RuleError for one that breaks a rule. */
  processHeaders?(headers: readonly BlockHeader[]): Promise<unknown>;
}

/** A mempool entry as the RPC shows it; the mempool's entries satisfy it. */
export type RpcMempoolEntry = Pick<
  MempoolEntry,
  'tx' | 'txid' | 'wtxid' | 'fee' | 'modifiedFee' | 'vsize' | 'weight' | 'time' | 'height' | 'ancestor' | 'descendant' | 'parents' | 'children'
>;

export interface RpcMempool {
  readonly size: number;
  acceptTransaction(tx: Transaction): Promise<{ status: 'accepted' | 'orphan'; txid: string }>;
  testAccept(tx: Transaction): Promise<{ txid: string; wtxid: string; allowed: boolean; vsize?: number; fee?: bigint; rejectReason?: string; error?: { code: string; message: string } }>;
  /** testmempoolaccept of several txs (see mempool/package-test.ts). */
  testAcceptPackage(txs: readonly Transaction[]): Promise<{ packageError?: string; results: Array<{ txid: string; wtxid: string; allowed?: boolean; vsize?: number; fee?: bigint; rejectReason?: string; error?: { code: string; message: string } }> }>;
  get(txid: string): RpcMempoolEntry | undefined;
  entries(): Iterable<RpcMempoolEntry>;
  info(): object;
  /** An output of a pool tx not spent in the pool (height = the mempool's marker height). */
  getCoin(outpoint: OutPoint): Coin | undefined;
  /** Txid of the pool tx spending `outpoint`. */
  spentBy(outpoint: OutPoint): string | undefined;
  /** sat/kvB the pool asks of a new transaction now. */
  minFeeRate(): number;
  /** BIP125 opt-in of a pool tx, itself or an ancestor (getmempoolentry's bip125-replaceable). */
  signalsRbf?(txid: string): boolean;
  /** Resolves once queued chain updates are applied. */
  idle(): Promise<void>;
  /** submitpackage (Core 28's AcceptPackage): each tx alone, then those paying too little at the package's fee rate. */
  acceptPackage?(txs: readonly Transaction[]): Promise<PackageAcceptResult>;
  /** prioritisetransaction: adds `delta` sats to the fee the txid is judged by (in the pool or not yet). */
  prioritise?(txid: string, delta: bigint): Promise<void>;
  /** getprioritisedtransactions: every delta, with the modified fee of txs in the pool. */
  prioritised?(): Array<{ txid: string; feeDelta: bigint; modifiedFee?: bigint }>;
}

/** Block production for getblocktemplate and generate*: template building and the nonce search. */
export interface RpcBlockProducer {
  /** A template on the current tip paying `payoutScript`, with `txs` instead of the mempool's choice when given. */
  template(payoutScript: Uint8Array, txs?: readonly Transaction[]): Promise<BlockTemplate>;
  /** Searches up to `maxTries` nonces (extranonces rolled as needed); `block` is absent when none solved. */
  solve(template: BlockTemplate, maxTries: number): Promise<{ block?: Block; tries: number }>;
  /** The built-in miner's figures, when one runs. */
  minerStats(): { running: boolean; hashrate: number; blocksFound: number } | undefined;
}

export interface PeerRow {
  id: number;
  peerId: string;
  addr: string;
  inbound: boolean;
  conntime: number;
  /** The peer's best height as it last told us, if known. */
  startingheight?: number;
  synced_blocks?: number;
  /** inbound, outbound-full-relay, block-relay-only, manual or feeler (Core's names). */
  connection_type?: string;
  bytessent?: number;
  bytesrecv?: number;
  pingtime?: number;
  banscore?: number;
}

export interface BanRow {
  address: string;
  ban_created: number;
  banned_until: number;
  ban_duration: number;
  time_remaining: number;
  ban_reason?: string;
}

/** The p2p node as getnetworkinfo/getpeerinfo/addnode/setban need it. */
export interface RpcNetwork {
  readonly peerId: string;
  /** Full multiaddrs we listen on, with /p2p/<id>. */
  addresses(): string[];
  peers(): PeerRow[];
  connect(address: string): Promise<void>;
  disconnect(peerOrAddress: string): Promise<void>;
  ban(peer: string, seconds: number): Promise<void> | void;
  unban(peer: string): Promise<void> | void;
  listBanned(): BanRow[];
  clearBanned(): Promise<void> | void;
  /** The block download's state (getsyncstate); undefined before p2p starts. */
  syncState(): object | undefined;
  /** Address book entries (all when count is 0), newest first is not promised: a random sample as Core. */
  nodeAddresses(count: number): NodeAddressRow[];
  /** Puts an address (multiaddr with /p2p/<id>) in the book, in the tried table when `tried`; false when refused. */
  addPeerAddress(address: string, tried: boolean): boolean;
  /** addnode add/remove: false when already added / not added. */
  addManual(address: string): boolean;
  removeManual(address: string): boolean;
  /** addnode onetry: one dial, as a manual connection. */
  tryOnce(address: string): Promise<void>;
  addedNodes(): AddedNodeRow[];
  netTotals(): { recv: number; sent: number };
  /** Address book sizes per network (ipv4, ipv6, ...): getaddrmaninfo. */
  addrmanCounts?(): Record<string, { new: number; tried: number }>;
  /** Pings every connected peer now (Core's ping); the round trips show in peers(). */
  pingAll?(): void;
  /** Core's setnetworkactive: false hangs up every peer and stops dialing and accepting; answers the new state. */
  setActive?(active: boolean): Promise<boolean>;
  /** Whether p2p is active (setnetworkactive). */
  isActive?(): boolean;
  /** getblockfrompeer: asks `peerId` (libp2p id) for a block whose header we have and stores it; throws when the peer cannot deliver. */
  fetchBlock?(peerId: string, hash: string): Promise<void>;
}

/** One getnodeaddresses row. */
export interface NodeAddressRow {
  time: number;
  services: number;
  address: string;
  port: number;
  network: string;
}

/** One getaddednodeinfo row. */
export interface AddedNodeRow {
  addednode: string;
  connected: boolean;
  addresses: Array<{ address: string; connected: 'outbound' }>;
}

/**
 * A wallet result row: Core's fields, amounts as bigint base units (every bigint in a wallet
 * result is an amount, and is written as coins with 8 decimals).
 */
export type WalletRow = Readonly<Record<string, unknown>>;

/**
 * The wallet as the RPC needs it. Errors thrown carry a string `code` and, when the wallet
 * knows it, Core's number as `rpcCode` (methods/wallet-errors.ts maps the rest).
 */
export interface RpcWallet {
  getNewAddress(label?: string): Promise<string>;
  getRawChangeAddress(): Promise<string>;
  /** The balances as of the last block the wallet processed, which it names (Core's lastprocessedblock). */
  getBalances(): Promise<{ trusted: bigint; untrustedPending: bigint; immature: bigint; used?: bigint; lastProcessedBlock: { hash: string; height: number } }>;
  getBalance(minconf: number): Promise<bigint>;
  listUnspent(minconf: number, maxconf: number, addresses?: readonly string[]): Promise<WalletRow[]>;
  send(outputs: ReadonlyArray<{ address: string; amount: bigint }>, options: { subtractFeeFrom?: readonly number[]; feeRate?: number; replaceable?: boolean }): Promise<{ txid: string; fee: bigint }>;
  /** Core's bumpfee; fee rates in sat/vB. */
  bumpFee(txid: string, options: { feeRate?: number; estimatedFeeRate?: number; replaceable?: boolean }): Promise<WalletRow>;
  abandonTransaction(txid: string): Promise<void>;
  /** psbtbumpfee's replacement, unsigned. */
  planBumpFee(txid: string, options: { feeRate?: number; estimatedFeeRate?: number; replaceable?: boolean }): Promise<{ tx: Transaction; origfee: bigint; fee: bigint }>;
  listTransactions(count: number, skip: number): Promise<WalletRow[]>;
  /** Throws (code invalid-address-or-key / -5) for a tx the wallet does not know. */
  getTransaction(txid: string): Promise<WalletRow>;
  getWalletInfo(): Promise<WalletRow>;
  encrypt(passphrase: string): Promise<void>;
  changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void>;
  /** The BIP39 words; an encrypted wallet needs `passphrase` (-13 without it, -14 wrong). */
  dumpMnemonic(passphrase?: string): Promise<string>;
  getReceivedByAddress(address: string, minconf: number, includeImmature: boolean): Promise<bigint>;
  listReceivedByAddress(minconf: number, includeEmpty: boolean, address: string | undefined, includeImmature: boolean): Promise<WalletRow[]>;
  listAddressGroupings(): Promise<unknown[]>;
  /** `sinceHeight`: the main-chain height of the caller's block (undefined: from the start). */
  listSinceBlock(sinceHeight: number | undefined, targetConfirmations: number, options: { includeChange: boolean; label?: string; detachedTxids?: readonly string[] }): Promise<WalletRow>;
  signMessage(address: string, message: string): Promise<string>;
  unlock(passphrase: string, seconds: number): Promise<void>;
  lock(): Promise<void>;
  backup(path: string): Promise<void>;
  getAddressInfo(address: string): Promise<WalletRow>;
  dumpPrivKey(address: string): Promise<string>;
  importPrivKey(key: string, label: string, rescan: boolean): Promise<void>;
  rescan(startHeight: number, stopHeight?: number): Promise<{ start_height: number; stop_height: number }>;
  /** fundrawtransaction / walletcreatefundedpsbt: `tx` completed with our coins and change, unsigned. */
  fundTransaction(tx: Transaction, options: RpcFundOptions): Promise<{ tx: Transaction; fee: bigint; changePosition: number }>;
  /** Witness [signature, key] for each input whose spent output pays one of our keys (-13 when locked). */
  signInputs(tx: Transaction, spent: readonly (TxOutput | undefined)[], sighashType: number): Promise<(Uint8Array[] | undefined)[]>;
  /** An output of one of the wallet's transactions, with that transaction. */
  findOutput(outpoint: OutPoint): Promise<{ output: TxOutput; tx: Transaction } | undefined>;
  /** BIP32 origin of the key behind `script`, when it is one of our HD keys. */
  keyOrigin(script: Uint8Array): Promise<KeyOrigin | undefined>;
  /** lockunspent: `outpoints` undefined with `unlock` unlocks all; errors carry Core's -8. */
  lockUnspent(unlock: boolean, outpoints: ReadonlyArray<{ txid: string; vout: number }> | undefined, persistent: boolean): Promise<boolean>;
  listLockUnspent(): Promise<Array<{ txid: string; vout: number }>>;
  setLabel(address: string, label: string): Promise<void>;
  listLabels(purpose: string | undefined): Promise<string[]>;
  getAddressesByLabel(label: string): Promise<Record<string, { purpose: string }>>;
  getReceivedByLabel(label: string, minconf: number, includeImmature: boolean): Promise<bigint>;
  listReceivedByLabel(minconf: number, includeEmpty: boolean, includeImmature: boolean): Promise<WalletRow[]>;
  /** Core's listdescriptors; `withPrivate` needs an unlocked wallet. */
  listDescriptors(withPrivate: boolean): Promise<WalletRow>;
  // ---- keypool, flags, rescans, pruned funds, simulation (methods/wallet-upkeep.ts) ----
  /** keypoolrefill: -8 negative size, -13 locked, -4 when the pool cannot be filled. */
  keypoolRefill(newsize: number | undefined): Promise<void>;
  /** setwalletflag: Core's {flag_name, flag_state, warnings?}; -8 unknown, immutable or unchanged flag. */
  setWalletFlag(flag: string, value: boolean): Promise<WalletRow>;
  /** abortrescan: true when a running rescan was told to stop. Not queued behind the rescan. */
  abortRescan(): Promise<boolean>;
  /** importprunedfunds: `tx` confirmed in the main-chain block named, at `index` (-5 not ours / block not ours). */
  importPrunedFunds(tx: Transaction, block: { hash: string; height: number; time: number; index: number }): Promise<void>;
  /** removeprunedfunds: -4 for a tx the wallet does not hold. */
  removePrunedFunds(txid: string): Promise<void>;
  /** simulaterawtransaction's balance_change; `coinExists` is the node's view of an outpoint. */
  simulateTransactions(txs: readonly Transaction[], coinExists: (outpoint: OutPoint) => Promise<boolean>): Promise<bigint>;
  /** Core's importdescriptors: one {success, warnings?, error?} per request, then a rescan; -13 when locked. */
  importDescriptors(requests: readonly DescriptorImport[]): Promise<WalletRow[]>;
  /** Core's gethdkeys; `private` needs an unlocked wallet. */
  getHdKeys(options: { activeOnly: boolean; private: boolean }): Promise<WalletRow[]>;
  /** Core's createwalletdescriptor for bech32: the new active descriptors. */
  createWalletDescriptor(options: { internal?: boolean; hdkey?: string }): Promise<{ descs: string[] }>;
}

/** Options of fundrawtransaction, parsed. */
export interface RpcFundOptions {
  /** sat/vB; the wallet's default when absent. */
  feeRate?: number;
  subtractFeeFromOutputs: readonly number[];
  changePosition?: number;
  changeScript?: Uint8Array;
  addInputs: boolean;
  replaceable: boolean;
}

/**
 * The loaded wallets (Core's multiwallet). Errors carry Core's number as `rpcCode`: -18 not
 * found or none loaded, -19 several loaded and none named, -35 already loaded, -36 exists.
 */
export interface RpcWallets {
  /** The wallet a call addresses: `name` from the /wallet/<name> endpoint, undefined for '/'. */
  resolve(name: string | undefined): RpcWallet;
  /** A new wallet, or one restored from `mnemonic`; the words of a newly made seed come back once. */
  create(name: string, options: { mnemonic?: string; passphrase?: string }): Promise<{ name: string; mnemonic?: string }>;
  load(name: string): Promise<{ name: string }>;
  /** restorewallet: a backupwallet file loaded as wallet `name`. */
  restore(name: string, backupPath: string): Promise<{ name: string }>;
  unload(name: string): Promise<void>;
  /** Loaded wallets, in load order. */
  list(): string[];
  /** Wallets on disk, loaded or not. */
  listDir(): string[];
}

/** The optional transaction index (--txindex); its builder in chain/ satisfies it. */
export interface RpcTxIndex {
  /** Core's getindexinfo row. */
  info(): { synced: boolean; best_block_height: number };
  /** Display hash of the main-chain block holding `txid`, if indexed. */
  blockOf(txid: string): Promise<string | undefined>;
}

/** The optional basic block filter index (--blockfilterindex); its builder in chain/ satisfies it. */
export interface RpcBlockFilterIndex {
  info(): { synced: boolean; best_block_height: number };
  /** BIP158 filter and BIP157 header (internal byte order) of a block, by display hash. */
  filter(hash: string): Promise<{ filter: Uint8Array; header: Uint8Array } | undefined>;
  /** Resolves once the index has caught up with the tip. */
  idle(): Promise<void>;
}

/** Process-level controls: stop, uptime and log levels. */
export interface RpcControl {
  stop(): void;
  /** Seconds since the epoch when the node started. */
  readonly startedAt: number;
  /** Core's `logging`: turn debug output on/off per category; answers the current state. */
  logging(include: readonly string[], exclude: readonly string[]): Record<string, boolean>;
  /** The debug log file (--log-file), if any: getrpcinfo's logpath. */
  readonly logPath?: string;
  /** Core's SetMockTime: the node's clock reads `seconds` from now on (0: the system clock again). */
  setMockTime(seconds: number): void;
}

/** Everything a method may use. Optional parts answer -1 "not available" when absent. */
export interface RpcContext {
  params: NetworkParams;
  chain: RpcChain;
  mempool: RpcMempool;
  producer: RpcBlockProducer;
  control: RpcControl;
  wallet?: RpcWallet;
  /** Several wallets: when set, `wallet` is the one the request's endpoint names (see methods/wallet-scope.ts). */
  wallets?: RpcWallets;
  /** The wallet name from a /wallet/<name> endpoint; undefined for '/'. */
  walletName?: string;
  network?: RpcNetwork;
  txIndex?: RpcTxIndex;
  blockFilterIndex?: RpcBlockFilterIndex;
  /** <datadir>/<network>: where savemempool writes mempool.dat. */
  dataDir?: string;
  /** Wallet fee rate when the mempool gives no estimate (sat/vB). */
  fallbackFeeRate: number;
  /** Hash-rate share of the attacker assumed by reversal_probability (-attackershare); default 0.1. */
  attackerShare?: number;
  now(): number;
  /** BIP22 long polling for getblocktemplate (rpc/longpoll.ts); without it templates never wait. */
  longPoll?: RpcLongPoll;
}

/** getblocktemplate's `longpollid` and the wait on it. */
export interface RpcLongPoll {
  id(): string;
  /** Resolves when a template with this id is stale (new tip, or the pool changed after a minute). */
  wait(longPollId: string): Promise<void>;
}
