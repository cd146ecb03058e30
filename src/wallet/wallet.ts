import type { NetworkParams } from '../params/types.js';
import { AddressError, decodeAddress } from '../primitives/address.js';
import { publicKeyFromPrivate, publicKeyHash } from '../primitives/keys.js';
import { fromHex, toHex } from '../primitives/bytes.js';
import { Transaction, type TxOutput } from '../primitives/transaction.js';
import type { OutPoint } from '../primitives/outpoint.js';
import type { KeyOrigin } from '../primitives/psbt.js';
import { signP2wpkhInput } from '../consensus/p2wpkh.js';
import { SighashCache } from '../consensus/sighash.js';
import { type AddressInfo, type ValidateAddressResult, addressInfo, validateAddress } from './addressinfo.js';
import { readBackup, restoreRecords, writeBackup } from './backup.js';
import { type Balances, Ledger, type WalletCoin } from './coins.js';
import { loadOrCreate } from './create.js';
import { wpkhDescriptor } from './descriptor.js';
import { DescriptorKeys, descriptorPrivateKey } from './descriptor-keys.js';
import { WalletError, lockedError } from './errors.js';
import { type FundRequest, type FundedTransaction, fundTransaction } from './fund.js';
import { type HistoryContext, type TransactionResult, type TxListEntry, getTransaction, listTransactions } from './history.js';

import { KeyRing, type WalletKey } from './keys.js';
import { type ResolvedWalletOptions, type WalletModules, type WalletOptions, resolveWalletOptions } from './options.js';
import { buildPayment } from './spend.js';
import { abandonTransaction } from './abandon.js';
import { commitBump, planBump } from './bumpfee.js';
import { withConfirmedFirst } from './candidates.js';
import { signalsRbf } from './rbf-state.js';
import { type LoadedWallet, WalletStore } from './store.js';
import { type SyncContext, addTx, firstSeen, mempoolAccepted, mempoolRemoved, rescan, syncToTip } from './sync.js';
import { Vault } from './vault.js';
import type { WalletParts } from './extras/parts.js';
import { loadLocks } from './extras/locks.js';
import { loadFlags } from './extras/flags.js';
import { RescanState } from './rescan-state.js';
import { decodeWif, encodeWif } from './wif.js';
import { followNode } from './follow.js';
import { signMessage } from './message.js';
import { type ReceivedEntry, type SinceBlockResult, addressGroupings, listReceived, listSinceBlock, receivedBy } from './received.js';
import type { BumpFeeResult, SendOptions, SendResult, UnspentEntry, WalletInfo } from './results.js';
import { SerialQueue } from '../util/serial-queue.js';
import { type Logger, silentLogger } from '../util/logger.js';

const WALLET_VERSION = 169900;
const DEFAULT_MAXCONF = 9_999_999;

/**
 * An HD wallet (BIP39 mnemonic, BIP84 P2WPKH keys) following the chain and the mempool, with
 * Bitcoin Core's wallet RPC semantics. Every change (chain and mempool events, sends, imports)
 * runs through one queue, so the ledger is never seen half-updated and two sends never pick the
 * same coin. Read-only calls answer from memory at once.
 */
export class Wallet {
  private readonly queue = new SerialQueue();
  private readonly unfollow: () => void;

  private constructor(
    private readonly options: ResolvedWalletOptions,
    private readonly modules: WalletModules,
    private readonly ctx: SyncContext,
    private readonly vault: Vault,
    private readonly fingerprint: string,
    private readonly logger: Logger,
  ) {
    this.unfollow = followNode(modules, {
      sync: () => void this.enqueue(() => syncToTip(ctx)).catch(this.failed('sync')),
      cacheBlock: (hash, block) => ctx.blockCache.set(hash, block),
      accepted: (tx, txid) => void this.enqueue(() => mempoolAccepted(ctx, tx, txid)).catch(this.failed('txAccepted')),
      removed: (txid, reason) => void this.enqueue(() => mempoolRemoved(ctx, txid, reason)).catch(this.failed('txRemoved')),
    });
  }

  /** Opens the wallet in `options.dir` (creating it if empty), catches up with the chain and follows it. */
  static async open(options: WalletOptions, modules: WalletModules): Promise<Wallet> {
    const settings = resolveWalletOptions(options);
    const store = await WalletStore.open(settings.dir, settings.params);
    try {
      const loaded = await loadOrCreate(store, settings.params, modules.chain, settings.mnemonic);
      const wallet = Wallet.assemble(settings, modules, store, loaded);
      await loadLocks(wallet.ctx);
      await loadFlags(wallet.ctx);
      await wallet.enqueue(() => syncToTip(wallet.ctx));
      await wallet.enqueue(() => wallet.resubmit());
      wallet.logger.info({ wallet: settings.name, txcount: loaded.txs.size, height: wallet.ctx.sync.height, encrypted: wallet.vault.isEncrypted }, 'wallet opened');
      return wallet;
    } catch (err) {
      await store.close();
      throw err;
    }
  }

  /** Restores a backupwallet file into `options.dir` (which must hold no wallet) and opens it. */
  static async restoreBackup(backupPath: string, options: WalletOptions, modules: WalletModules): Promise<Wallet> {
    const backup = await readBackup(backupPath, options.params);
    const store = await WalletStore.open(options.dir, options.params);
    try {
      await restoreRecords(store, backup);
    } finally {
      await store.close();
    }
    return Wallet.open({ ...options, mnemonic: undefined }, modules);
  }

  private static assemble(options: ResolvedWalletOptions, modules: WalletModules, store: WalletStore, loaded: LoadedWallet): Wallet {
    const now = modules.now ?? (() => Date.now() / 1000);
    const keys = new KeyRing(options.params, loaded.account.xpub, loaded.hd, options.keypoolSize);
    for (const [id, record] of loaded.descriptors) DescriptorKeys.attach(keys, loaded.hd, id, record, options.params, options.keypoolSize);
    for (const [address, label] of loaded.labels) {
      const key = keys.byAddress(address);
      if (key) key.label = label;
    }
    for (const record of loaded.imported.values()) keys.addImported(fromHex(record.publicKey), record.label);
    const ledger = new Ledger(keys, options.params, (txid) => modules.mempool.has(txid));
    const records = [...loaded.txs.entries()].sort(([, a], [, b]) => a.order - b.order);
    for (const [, record] of records) ledger.add(decodeTx(record.hex), record);
    const logger = modules.logger ?? silentLogger;
    const nextOrder = records.length > 0 ? records[records.length - 1][1].order + 1 : 0;
    const ctx: SyncContext = { params: options.params, chain: modules.chain, store, keys, ledger, sync: loaded.sync, logger, now, blockCache: new Map(), nextOrder, scan: new RescanState() };
    return new Wallet(options, modules, ctx, new Vault(loaded.secret, options.params, now), loaded.account.fingerprint, logger);
  }

  get params(): NetworkParams {
    return this.options.params;
  }

  get isEncrypted(): boolean {
    return this.vault.isEncrypted;
  }

  get isLocked(): boolean {
    return this.vault.isLocked;
  }

  /** The last block the wallet has processed. */
  get lastProcessedBlock(): { hash: string; height: number } {
    return { hash: this.ctx.sync.hash, height: this.ctx.sync.height };
  }

  async getNewAddress(label = ''): Promise<string> {
    return this.enqueue(async () => {
      const key = this.ctx.keys.issue(0);
      key.label = label;
      await this.ctx.store.batch().put('hd', this.ctx.keys.hd).put(`label/${key.address}`, label).write();
      return key.address;
    });
  }

  async getRawChangeAddress(): Promise<string> {
    return this.enqueue(async () => {
      const key = this.ctx.keys.issue(1);
      await this.ctx.store.batch().put('hd', this.ctx.keys.hd).write();
      return key.address;
    });
  }

  /** Core's getbalance: trusted coins at depth ≥ minconf (0 counts our own unconfirmed change). */
  getBalance(options: { minconf?: number } = {}): bigint {
    const minconf = options.minconf ?? 0;
    if (!Number.isInteger(minconf) || minconf < 0) throw new WalletError('invalid-parameter', 'Invalid minconf');
    return this.balances(minconf).trusted;
  }

  getBalances(): { mine: Balances; lastprocessedblock: { hash: string; height: number } } {
    return { mine: this.balances(0), lastprocessedblock: this.lastProcessedBlock };
  }

  listUnspent(minconf = 1, maxconf = DEFAULT_MAXCONF, addresses?: readonly string[]): UnspentEntry[] {
    const wanted = addresses && new Set(addresses.map((address) => this.checkedAddress(address)));
    return this.ctx.ledger
      .unspent(this.ctx.sync.height, { includeReused: true })
      .filter((coin) => coin.depth >= minconf && coin.depth <= maxconf && (!wanted || wanted.has(coin.key.address)))
      .map((coin) => this.unspentEntry(coin));
  }

  /** Pays `outputs`, submitting to the mempool; Core's sendmany/send. */
  send(outputs: ReadonlyArray<{ address: string; amount: bigint }>, options: SendOptions = {}): Promise<SendResult> {
    const sent = this.enqueue(async () => {
      await syncToTip(this.ctx); // with the whole lookahead: a block may pay keys far ahead
      return this.ctx.keys.deferTopUps(() => this.sendNow(outputs, options));
    });
    // The change key's successor is derived next in the queue, but a macrotask later: once the
    // answer is on its way, not while the sender waits.
    void this.enqueue(() => new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.ctx.keys.refill())).catch(this.failed('refill'));
    return sent;
  }

  private async sendNow(outputs: ReadonlyArray<{ address: string; amount: bigint }>, options: SendOptions): Promise<SendResult> {
    if (this.vault.isLocked) throw new WalletError('locked', 'Error: Please enter the wallet passphrase with walletpassphrase first.');
    const { mempool } = this.modules;
    const request = { outputs, feeRate: this.feeRate(options.feeRate), subtractFeeFromOutputs: options.subtractFeeFromOutputs ?? [], replaceable: options.replaceable };
    const built = withConfirmedFirst(this.ctx.ledger, this.ctx.sync.height, mempool, (coins) =>
      buildPayment(request, {
        params: this.params,
        coins,
        limits: { ancestors: mempool.options.ancestorLimit, descendants: mempool.options.descendantLimit },
        tipHeight: this.ctx.sync.height,
        changeScript: () => this.ctx.keys.issue(1).script,
        privateKey: (coin) => this.privateKey(coin.key),
      }),
    );
    await this.modules.mempool.acceptTransaction(built.tx);
    const batch = this.ctx.store.batch();
    const comment = options.comment !== undefined ? { comment: options.comment } : {};
    addTx(this.ctx, built.tx, { state: 'unconfirmed', ...firstSeen(this.ctx), ...comment }, batch);
    await batch.put('hd', this.ctx.keys.hd).write();
    const txid = built.tx.txid();
    this.logger.info({ txid, fee: built.fee.toString(), inputs: built.inputs.length, outputs: built.tx.outputs.length }, 'wallet sent a transaction');
    return { txid, tx: built.tx, fee: built.fee };
  }

  /**
   * Core's bumpfee: replaces our unconfirmed send `txid` with one paying more (bumpfee.ts).
   * `feeRate` is the user's sat/vB; `estimatedFeeRate` (sat/vB, from conf_target) the least the
   * wallet pays otherwise.
   */
  bumpFee(txid: string, options: { feeRate?: number; estimatedFeeRate?: number; replaceable?: boolean } = {}): Promise<BumpFeeResult> {
    return this.enqueue(async () => {
      await syncToTip(this.ctx);
      if (this.vault.isLocked) throw new WalletError('locked', 'Error: Please enter the wallet passphrase with walletpassphrase first.');
      const bump = { sync: this.ctx, mempool: this.modules.mempool };
      const plan = planBump(bump, txid, { feeRate: options.feeRate, walletFeeRate: this.feeRate(options.estimatedFeeRate), replaceable: options.replaceable });
      const tx = await commitBump(bump, plan, (coin) => this.privateKey(coin.key));
      return { txid: tx.txid(), origfee: plan.origfee, fee: plan.fee, errors: [] };
    });
  }

  /**
   * Core's psbtbumpfee: the same replacement as bumpFee, unsigned and not committed (the wallet
   * may be locked; whoever signs and broadcasts it makes the swap).
   */
  planBumpFee(txid: string, options: { feeRate?: number; estimatedFeeRate?: number; replaceable?: boolean } = {}): Promise<{ tx: Transaction; origfee: bigint; fee: bigint }> {
    return this.enqueue(async () => {
      await syncToTip(this.ctx);
      const bump = { sync: this.ctx, mempool: this.modules.mempool };
      const plan = planBump(bump, txid, { feeRate: options.feeRate, walletFeeRate: this.feeRate(options.estimatedFeeRate), replaceable: options.replaceable });
      await this.ctx.store.batch().put('hd', this.ctx.keys.hd).write(); // a change key may have been handed out
      return { tx: plan.unsigned, origfee: plan.origfee, fee: plan.fee };
    });
  }

  /** Core's abandontransaction (abandon.ts). */
  abandonTransaction(txid: string): Promise<void> {
    return this.enqueue(() => abandonTransaction(this.ctx, this.modules.mempool, txid));
  }

  /** Core's fundrawtransaction: `request.tx` completed with our coins and change, unsigned (see fund.ts). */
  fundTransaction(request: Omit<FundRequest, 'feeRate'> & { feeRate?: number }): Promise<FundedTransaction> {
    return this.enqueue(async () => {
      await syncToTip(this.ctx);
      const funded = fundTransaction(
        { ...request, feeRate: this.feeRate(request.feeRate) },
        { coins: this.ctx.ledger.unspent(this.ctx.sync.height), changeScript: () => this.ctx.keys.issue(1).script },
      );
      await this.ctx.store.batch().put('hd', this.ctx.keys.hd).write();
      return funded;
    });
  }

  /**
   * Signs (BIP143, low-S) each input of `tx` whose spent output, given in `spent`, pays one of our
   * keys; answers the witness [signature, key] per input, undefined for the others.
   */
  signInputs(tx: Transaction, spent: readonly (TxOutput | undefined)[], sighashType: number): Promise<(Uint8Array[] | undefined)[]> {
    return this.enqueue(async () => {
      const owners = spent.map((output) => (output ? this.ctx.keys.byScript(output.script) : undefined));
      if (owners.some((key) => key) && this.vault.isLocked) throw lockedError();
      const cache = new SighashCache(tx);
      return owners.map((key, i) => {
        if (!key) return undefined;
        const privateKey = this.privateKey(key);
        try {
          return signP2wpkhInput(tx, i, spent[i]!.value, privateKey, sighashType, cache);
        } finally {
          privateKey.fill(0);
        }
      });
    });
  }

  /** The output at `outpoint` and the tx holding it, when that tx is one of ours. */
  findOutput(outpoint: OutPoint): { output: TxOutput; tx: Transaction } | undefined {
    const wtx = this.ctx.ledger.get(outpoint.txidHex());
    const output = wtx?.tx.outputs[outpoint.index];
    return wtx && output ? { output, tx: wtx.tx } : undefined;
  }

  /** The BIP32 origin of the key behind `script` when it is one of our HD keys (PSBT bip32_derivs). */
  keyOrigin(script: Uint8Array): KeyOrigin | undefined {
    const key = this.ctx.keys.byScript(script);
    if (key?.descriptor) return { publicKey: key.publicKey, ...key.descriptor.origin };
    if (!key?.path) return undefined;
    return { publicKey: key.publicKey, fingerprint: this.fingerprint, path: parsePath(key.path) };
  }

  listTransactions(count = 10, skip = 0): TxListEntry[] {
    if (count < 0 || skip < 0) throw new WalletError('invalid-parameter', 'Negative count or skip');
    return listTransactions(this.history(), count, skip);
  }

  getTransaction(txid: string): TransactionResult {
    const wtx = this.ctx.ledger.get(txid);
    if (!wtx) throw new WalletError('invalid-address-or-key', 'Invalid or non-wallet transaction id');
    return getTransaction(this.history(), wtx);
  }

  getWalletInfo(): WalletInfo {
    const balances = this.balances(0);
    const info: WalletInfo = {
      walletname: this.options.name,
      walletversion: WALLET_VERSION,
      format: 'leveldb',
      balance: balances.trusted,
      unconfirmed_balance: balances.untrusted_pending,
      immature_balance: balances.immature,
      txcount: this.ctx.ledger.txs.size,
      keypoolsize: this.ctx.keys.keypoolSize(0),
      keypoolsize_hd_internal: this.ctx.keys.keypoolSize(1),
      paytxfee: 0n,
      private_keys_enabled: true,
      avoid_reuse: this.ctx.ledger.avoidReuse,
      scanning: this.ctx.scan!.info(),
      descriptors: true, // importdescriptors, listdescriptors, gethdkeys: a descriptor wallet, as Core's
      lastprocessedblock: this.lastProcessedBlock,
    };
    if (this.vault.isEncrypted) info.unlocked_until = Math.floor(this.vault.unlockedUntil);
    return info;
  }

  /**
   * Core's encryptwallet, but the seed stays: the addresses already handed out and the words
   * written down keep restoring every coin. The sealed secrets go into a fresh database that
   * replaces the old one (WalletStore.rewrite), so no plaintext remnant survives, a crash included.
   */
  encrypt(passphrase: string): Promise<void> {
    return this.enqueue(async () => {
      const record = await this.vault.encrypt(passphrase, this.options.scryptLogN);
      this.ctx.store = await this.ctx.store.rewrite(this.params, { secret: record });
      this.vault.adopt(record);
      this.logger.info({ wallet: this.options.name }, 'wallet encrypted; it is locked now');
    });
  }

  /** Core's walletpassphrasechange; rewritten like encrypt, so the box under the old passphrase leaves the files too. The wallet is locked afterwards. */
  changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void> {
    return this.enqueue(async () => {
      const record = await this.vault.changePassphrase(oldPassphrase, newPassphrase, this.options.scryptLogN);
      this.ctx.store = await this.ctx.store.rewrite(this.params, { secret: record });
      this.vault.adopt(record);
      this.logger.info({ wallet: this.options.name }, 'wallet passphrase changed');
    });
  }

  /** The BIP39 words; an encrypted wallet needs its passphrase (WalletError 'locked' without it, 'wrong-passphrase'). */
  dumpMnemonic(passphrase?: string): Promise<string> {
    return this.vault.revealMnemonic(passphrase);
  }

  /** Core's walletpassphrase. */
  async unlock(passphrase: string, timeoutSeconds: number): Promise<void> {
    await this.vault.unlock(passphrase, timeoutSeconds);
    this.logger.info({ wallet: this.options.name, timeoutSeconds }, 'wallet unlocked');
  }

  /** Core's walletlock. */
  lock(): void {
    if (!this.vault.isEncrypted) throw new WalletError('wrong-enc-state', 'Error: running with an unencrypted wallet, but walletlock was called.');
    this.vault.lock();
    this.logger.info({ wallet: this.options.name }, 'wallet locked');
  }

  /** The BIP39 words (unlocked wallets only), for writing down once. */
  getMnemonic(): string {
    return this.vault.secrets().mnemonic;
  }

  /** Core's backupwallet: a consistent copy that Wallet.restoreBackup opens. */
  backup(destination: string): Promise<void> {
    return this.enqueue(async () => {
      await writeBackup(this.ctx.store, destination, this.params);
      this.logger.info({ wallet: this.options.name, destination }, 'wallet backed up');
    });
  }

  validateAddress(address: string): ValidateAddressResult {
    return validateAddress(address, this.params);
  }

  getAddressInfo(address: string): AddressInfo {
    return addressInfo(address, this.params, this.ctx.keys, this.fingerprint);
  }

  /** Core's getreceivedbyaddress: -4 for an address not ours. */
  getReceivedByAddress(address: string, minconf = 1, includeImmature = false): bigint {
    const key = this.ctx.keys.byAddress(this.checkedAddress(address));
    if (!key) throw new WalletError('wallet-error', 'Address not found in wallet');
    return receivedBy(this.history(), key, minconf, includeImmature);
  }

  /** Core's listreceivedbyaddress; `address` filters to one (which must be ours). */
  listReceivedByAddress(minconf = 1, includeEmpty = false, address?: string, includeImmature = false): ReceivedEntry[] {
    const only = address === undefined ? undefined : this.ctx.keys.byAddress(this.checkedAddress(address));
    if (address !== undefined && !only) return [];
    return listReceived(this.history(), { minconf, includeEmpty, only, includeImmature });
  }

  listAddressGroupings(): ReturnType<typeof addressGroupings> {
    return addressGroupings(this.history());
  }

  /**
   * Core's listsinceblock from main-chain height `sinceHeight` (undefined: every tx), against the
   * wallet's own tip; `lastblock` is the block `targetConfirmations - 1` below it.
   */
  listSinceBlock(sinceHeight: number | undefined, targetConfirmations = 1, includeChange = false): SinceBlockResult {
    if (!Number.isInteger(targetConfirmations) || targetConfirmations < 1) throw new WalletError('invalid-parameter', 'Invalid parameter');
    const lastHeight = Math.max(0, this.ctx.sync.height + 1 - targetConfirmations);
    const lastblock = lastHeight === this.ctx.sync.height ? this.ctx.sync.hash : this.ctx.chain.getEntryAtHeight(lastHeight)!.hash;
    return listSinceBlock(this.history(), sinceHeight, lastblock, includeChange);
  }

  /** Core's signmessage, with BIP137's P2WPKH header (needs an unlocked wallet). */
  signMessage(address: string, message: string): string {
    const key = this.ctx.keys.byAddress(this.checkedAddress(address));
    if (!key) throw new WalletError('wallet-error', 'Private key not available');
    const privateKey = this.privateKey(key);
    try {
      return signMessage(privateKey, message);
    } finally {
      privateKey.fill(0);
    }
  }

  /** Core's dumpprivkey: WIF of the key behind one of our addresses (needs an unlocked wallet). */
  dumpPrivKey(address: string): string {
    const key = this.ctx.keys.byAddress(this.checkedAddress(address));
    if (!key) throw new WalletError('wallet-error', `Private key for address ${address} is not known`);
    const privateKey = this.privateKey(key);
    try {
      return encodeWif(privateKey, this.params);
    } finally {
      privateKey.fill(0);
    }
  }

  /** Core's importprivkey; with `rescan`, the whole chain is scanned for coins paid to the key. */
  importPrivKey(wif: string, label = '', rescanChain = true): Promise<void> {
    return this.enqueue(async () => {
      const privateKey = decodeWif(wif, this.params);
      const publicKey = publicKeyFromPrivate(privateKey);
      const hashHex = toHex(publicKeyHash(publicKey));
      const secret = this.vault.addImported(hashHex, privateKey); // throws 'locked' before anything changes
      privateKey.fill(0);
      const key = this.ctx.keys.addImported(publicKey, label);
      key.label = label;
      await this.ctx.store.batch().put('secret', secret).put(`imported/${hashHex}`, { publicKey: toHex(publicKey), label }).write();
      this.logger.info({ wallet: this.options.name, address: key.address }, 'key imported');
      if (rescanChain) {
        await syncToTip(this.ctx);
        await rescan(this.ctx, 0, this.ctx.sync.height);
      }
    });
  }

  /** Core's rescanblockchain over main-chain heights [start, stop] (default: to the tip). */
  rescan(startHeight = 0, stopHeight?: number): Promise<{ start_height: number; stop_height: number }> {
    return this.enqueue(async () => {
      await syncToTip(this.ctx);
      const stop = stopHeight ?? this.ctx.sync.height;
      if (!Number.isInteger(startHeight) || startHeight < 0 || startHeight > this.ctx.sync.height) throw new WalletError('invalid-parameter', 'Invalid start_height');
      if (!Number.isInteger(stop) || stop < startHeight || stop > this.ctx.sync.height) throw new WalletError('invalid-parameter', 'Invalid stop_height');
      await rescan(this.ctx, startHeight, stop);
      return { start_height: startHeight, stop_height: stop };
    });
  }

  /** Core's abortrescan: stops a running rescan (outside the queue, which the rescan holds). */
  abortRescan(): boolean {
    return this.ctx.scan!.abort();
  }

  /**
   * Core's ResendWalletTransactions: offers each unconfirmed wallet tx to the mempool again (one
   * evicted, expired or never relayed gets another chance) and returns, oldest first, those the
   * mempool holds, for the node to hand to its peers: gossip drops an id it has seen, so a tx a
   * peer missed once would never reach it otherwise.
   */
  rebroadcast(): Promise<Transaction[]> {
    return this.enqueue(async () => {
      await this.resubmit();
      return this.unconfirmed()
        .filter((wtx) => this.modules.mempool.has(wtx.txid))
        .map((wtx) => wtx.tx);
    });
  }

  /**
   * The wallet's parts for features kept in their own files (wallet/extras/): `task` runs in the
   * wallet's queue, so it sees the ledger whole, as every other call does.
   */
  withParts<T>(task: (parts: WalletParts) => Promise<T> | T): Promise<T> {
    return this.enqueue(async () => {
      await syncToTip(this.ctx);
      return task({
        ctx: this.ctx,
        vault: this.vault,
        fingerprint: this.fingerprint,
        mempool: this.modules.mempool,
        name: this.options.name,
        lookahead: this.options.keypoolSize,
        feeRate: (satPerVbyte) => this.feeRate(satPerVbyte),
        privateKey: (key) => this.privateKey(key),
      });
    });
  }

  /** Resolves once everything queued so far (chain and mempool events, sends) is done. */
  async idle(): Promise<void> {
    await this.queue.idle();
  }

  async close(): Promise<void> {
    this.unfollow();
    await this.idle();
    this.vault.lock();
    await this.ctx.store.close();
  }

  private failed(event: string): (err: unknown) => void {
    return (err) => this.logger.error({ event, err }, 'wallet failed to follow the node');
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    return this.queue.run(task);
  }

  /** Offers our unconfirmed txs to the mempool again after a restart (Core's ResubmitWalletTransactions). */
  private async resubmit(): Promise<void> {
    for (const wtx of this.unconfirmed().filter((candidate) => !this.modules.mempool.has(candidate.txid))) {
      try {
        await this.modules.mempool.acceptTransaction(wtx.tx);
      } catch (err) {
        this.logger.debug({ txid: wtx.txid, err: (err as Error).message }, 'wallet transaction not resubmitted');
      }
    }
  }

  /** Unconfirmed wallet txs, oldest first (parents before children). */
  private unconfirmed() {
    return [...this.ctx.ledger.txs.values()].filter((wtx) => wtx.record.state === 'unconfirmed').sort((a, b) => a.record.order - b.record.order);
  }

  private balances(minDepth: number): Balances {
    return this.ctx.ledger.balances(this.ctx.sync.height, minDepth);
  }

  private history(): HistoryContext {
    const { mempool } = this.modules;
    return { params: this.params, ledger: this.ctx.ledger, keys: this.ctx.keys, tipHeight: this.ctx.sync.height, rbf: (wtx) => signalsRbf(wtx.tx, wtx.txid, mempool) };
  }

  /** sat/kvB: the caller's rate, else the larger of our default and the mempool's floor. */
  private feeRate(satPerVbyte?: number): bigint {
    if (satPerVbyte !== undefined) {
      if (!(satPerVbyte > 0) || !Number.isFinite(satPerVbyte)) throw new WalletError('invalid-parameter', 'Invalid fee rate');
      return BigInt(Math.round(satPerVbyte * 1000));
    }
    return BigInt(Math.max(Math.round(this.options.defaultFeeRate * 1000), this.modules.mempool.minFeeRate()));
  }

  private privateKey(key: WalletKey): Uint8Array {
    if (key.kind === 'hd') return this.vault.hdPrivateKey(key.branch!, key.index!);
    if (key.kind === 'descriptor') return descriptorPrivateKey(this.vault.descriptorSecret(key.descriptor!.id), key, this.params);
    const privateKey = this.vault.importedPrivateKey(key.hashHex);
    if (!privateKey) throw new WalletError('wallet-error', `Private key for address ${key.address} is not known`);
    return privateKey;
  }

  private checkedAddress(address: string): string {
    try {
      decodeAddress(address, this.params.bech32Prefix);
      return address.toLowerCase();
    } catch (err) {
      if (err instanceof AddressError) throw new WalletError('invalid-address-or-key', `Invalid address: ${err.message}`);
      throw err;
    }
  }

  private unspentEntry(coin: WalletCoin): UnspentEntry {
    const { key } = coin;
    const origin = key.path !== undefined ? { fingerprint: this.fingerprint, path: key.path } : undefined;
    return {
      txid: coin.txid,
      vout: coin.vout,
      address: key.address,
      ...(key.label !== undefined ? { label: key.label } : {}),
      scriptPubKey: key.scriptHex,
      amount: coin.value,
      confirmations: coin.depth,
      spendable: true,
      solvable: true,
      ...(this.ctx.ledger.avoidReuse ? { reused: this.ctx.ledger.isReused(coin) } : {}),
      desc: wpkhDescriptor(toHex(key.publicKey), origin),
      safe: coin.depth >= 1 || coin.trusted,
    };
  }
}

/** "m/84'/1'/0'/0/5" → child indexes, hardened ones at or above 2^31. */
function parsePath(path: string): number[] {
  return path.split('/').slice(1).map((part) => (part.endsWith("'") || part.endsWith('h') ? Number.parseInt(part, 10) + 0x80000000 : Number.parseInt(part, 10)));
}

function decodeTx(hex: string): Transaction {
  return Transaction.decode(fromHex(hex));
}
