import type { NetworkParams } from '../params/types.js';
import type { Transaction, TxOutput } from '../primitives/transaction.js';
import type { OutPoint } from '../primitives/outpoint.js';
import type { KeyOrigin } from '../primitives/psbt.js';
import { type AddressInfo, type ValidateAddressResult, addressInfo, checkedAddress, validateAddress } from './addressinfo.js';
import { assembleWallet } from './assemble.js';
import { readBackup, restoreRecords, writeBackup } from './backup.js';
import type { Balances } from './coins.js';
import { loadOrCreate } from './create.js';
import { WalletError } from './errors.js';
import type { FundRequest, FundedTransaction } from './fund.js';
import { type HistoryContext, type TransactionResult, type TxListEntry, getTransaction, listTransactions } from './history.js';
import { DEFAULT_MAXCONF, listUnspent, walletInfo } from './info.js';
import { type ResolvedWalletOptions, type WalletModules, type WalletOptions, resolveWalletOptions } from './options.js';
import { abandonTransaction } from './abandon.js';
import { signalsRbf } from './rbf-state.js';
import { WalletStore } from './store.js';
import { type SyncContext, mempoolAccepted, mempoolRemoved, rescan, syncToTip } from './sync.js';
import type { Vault } from './vault.js';
import type { WalletParts } from './parts.js';
import { changePassphrase, encryptWallet, lockWallet, unlockWallet } from './passphrase.js';
import { dumpPrivKey, importPrivKey, privateKeyOf, signMessage } from './private-keys.js';
import { findOutput, keyOrigin, signInputs } from './psbt-signing.js';
import { loadLocks } from './extras/locks.js';
import { loadFlags } from './extras/flags.js';
import { followNode } from './follow.js';
import { type ReceivedEntry, type SinceBlockOptions, type SinceBlockResult, addressGroupings, listReceived, listSinceBlock, receivedBy } from './received.js';
import { rebroadcast, resubmit } from './resubmit.js';
import type { BumpFeeResult, SendOptions, SendResult, UnspentEntry, WalletInfo } from './results.js';
import { type BumpOptions, bumpFee, fundWithWallet, planBumpFee, sendPayment, walletFeeRate } from './send.js';
import { SerialQueue } from '../util/serial-queue.js';
import type { Logger } from '../util/logger.js';

/**
 * An HD wallet (BIP39 mnemonic, BIP84 P2WPKH keys) following the chain and the mempool, with
 * Bitcoin Core's wallet RPC semantics. Every change (chain and mempool events, sends, imports)
 * runs through one queue, so the ledger is never seen half-updated and two sends never pick the
 * same coin. Read-only calls answer from memory at once.
 *
 * The class coordinates: it owns the queue and the wallet's parts, and each call runs an
 * operation kept in its own file (send.ts, psbt-signing.ts, private-keys.ts, passphrase.ts,
 * info.ts, extras/) in the queue or, for reads, at once.
 */
export class Wallet {
  private readonly queue = new SerialQueue();
  private readonly unfollow: () => void;
  private readonly logger: Logger;

  private constructor(
    private readonly options: ResolvedWalletOptions,
    private readonly modules: WalletModules,
    private readonly ctx: SyncContext,
    private readonly vault: Vault,
    private readonly fingerprint: string,
  ) {
    this.logger = ctx.logger;
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
      const { ctx, vault, fingerprint } = assembleWallet(settings, modules, store, loaded);
      const wallet = new Wallet(settings, modules, ctx, vault, fingerprint);
      await loadLocks(ctx);
      await loadFlags(ctx);
      await wallet.enqueue(() => syncToTip(ctx));
      await wallet.enqueue(() => resubmit(ctx, modules.mempool));
      wallet.logger.info({ wallet: settings.name, txcount: loaded.txs.size, height: ctx.sync.height, encrypted: vault.isEncrypted }, 'wallet opened');
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

  // ---- keys and addresses ----

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

  validateAddress(address: string): ValidateAddressResult {
    return validateAddress(address, this.params);
  }

  getAddressInfo(address: string): AddressInfo {
    return addressInfo(address, this.params, this.ctx.keys, this.fingerprint);
  }

  // ---- balances and coins ----

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
    return listUnspent(this.parts(), minconf, maxconf, addresses);
  }

  getWalletInfo(): WalletInfo {
    return walletInfo(this.parts());
  }

  // ---- the send path (send.ts) ----

  /** Pays `outputs`, submitting to the mempool; Core's sendmany/send. */
  send(outputs: ReadonlyArray<{ address: string; amount: bigint }>, options: SendOptions = {}): Promise<SendResult> {
    // The sync inside withParts takes the whole lookahead: a block may pay keys far ahead.
    const sent = this.withParts((parts) => parts.ctx.keys.deferTopUps(() => sendPayment(parts, outputs, options)));
    // The change key's successor is derived next in the queue, but a macrotask later: once the
    // answer is on its way, not while the sender waits.
    void this.enqueue(() => new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.ctx.keys.refill())).catch(this.failed('refill'));
    return sent;
  }

  /** Core's bumpfee: replaces our unconfirmed send `txid` with one paying more (bumpfee.ts). */
  bumpFee(txid: string, options: BumpOptions = {}): Promise<BumpFeeResult> {
    return this.withParts((parts) => bumpFee(parts, txid, options));
  }

  /** Core's psbtbumpfee: the bumpfee replacement, unsigned and not committed. */
  planBumpFee(txid: string, options: BumpOptions = {}): Promise<{ tx: Transaction; origfee: bigint; fee: bigint }> {
    return this.withParts((parts) => planBumpFee(parts, txid, options));
  }

  /** Core's abandontransaction (abandon.ts). */
  abandonTransaction(txid: string): Promise<void> {
    return this.enqueue(() => abandonTransaction(this.ctx, this.modules.mempool, txid));
  }

  /** Core's fundrawtransaction: `request.tx` completed with our coins and change, unsigned (see fund.ts). */
  fundTransaction(request: Omit<FundRequest, 'feeRate'> & { feeRate?: number }): Promise<FundedTransaction> {
    return this.withParts((parts) => fundWithWallet(parts, request));
  }

  // ---- PSBT and raw-tx signing (psbt-signing.ts) ----

  /** Our witnesses [signature, key] for the inputs of `tx` that spend our outputs (`spent`), undefined for the others. */
  signInputs(tx: Transaction, spent: readonly (TxOutput | undefined)[], sighashType: number): Promise<(Uint8Array[] | undefined)[]> {
    return this.inQueue((parts) => signInputs(parts, tx, spent, sighashType));
  }

  /** The output at `outpoint` and the tx holding it, when that tx is one of ours. */
  findOutput(outpoint: OutPoint): { output: TxOutput; tx: Transaction } | undefined {
    return findOutput(this.ctx.ledger, outpoint);
  }

  /** The BIP32 origin of the key behind `script` when it is one of our keys (PSBT bip32_derivs). */
  keyOrigin(script: Uint8Array): KeyOrigin | undefined {
    return keyOrigin(this.ctx.keys, this.fingerprint, script);
  }

  // ---- history (history.ts, received.ts) ----

  listTransactions(count = 10, skip = 0): TxListEntry[] {
    if (count < 0 || skip < 0) throw new WalletError('invalid-parameter', 'Negative count or skip');
    return listTransactions(this.history(), count, skip);
  }

  getTransaction(txid: string): TransactionResult {
    const wtx = this.ctx.ledger.get(txid);
    if (!wtx) throw new WalletError('invalid-address-or-key', 'Invalid or non-wallet transaction id');
    return getTransaction(this.history(), wtx);
  }

  /** Core's getreceivedbyaddress: -4 for an address not ours. */
  getReceivedByAddress(address: string, minconf = 1, includeImmature = false): bigint {
    const key = this.ctx.keys.byAddress(checkedAddress(address, this.params));
    if (!key) throw new WalletError('wallet-error', 'Address not found in wallet');
    return receivedBy(this.history(), key, minconf, includeImmature);
  }

  /** Core's listreceivedbyaddress; `address` filters to one (which must be ours). */
  listReceivedByAddress(minconf = 1, includeEmpty = false, address?: string, includeImmature = false): ReceivedEntry[] {
    const only = address === undefined ? undefined : this.ctx.keys.byAddress(checkedAddress(address, this.params));
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
  listSinceBlock(sinceHeight: number | undefined, targetConfirmations = 1, options: SinceBlockOptions = {}): SinceBlockResult {
    if (!Number.isInteger(targetConfirmations) || targetConfirmations < 1) throw new WalletError('invalid-parameter', 'Invalid parameter');
    const lastHeight = Math.max(0, this.ctx.sync.height + 1 - targetConfirmations);
    const lastblock = lastHeight === this.ctx.sync.height ? this.ctx.sync.hash : this.ctx.chain.getEntryAtHeight(lastHeight)!.hash;
    return listSinceBlock(this.history(), sinceHeight, lastblock, options);
  }

  // ---- secrets (passphrase.ts, private-keys.ts, backup.ts) ----

  /** Core's encryptwallet, but the seed stays (passphrase.ts). */
  encrypt(passphrase: string): Promise<void> {
    return this.inQueue((parts) => encryptWallet(parts, passphrase, this.options.scryptLogN));
  }

  /** Core's walletpassphrasechange; the wallet is locked afterwards. */
  changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void> {
    return this.inQueue((parts) => changePassphrase(parts, oldPassphrase, newPassphrase, this.options.scryptLogN));
  }

  /** Core's walletpassphrase. */
  unlock(passphrase: string, timeoutSeconds: number): Promise<void> {
    return unlockWallet(this.parts(), passphrase, timeoutSeconds);
  }

  /** Core's walletlock. */
  lock(): void {
    lockWallet(this.parts());
  }

  /** The BIP39 words; an encrypted wallet needs its passphrase (WalletError 'locked' without it, 'wrong-passphrase'). */
  dumpMnemonic(passphrase?: string): Promise<string> {
    return this.vault.revealMnemonic(passphrase);
  }

  /** The BIP39 words (unlocked wallets only), for writing down once. */
  getMnemonic(): string {
    return this.vault.secrets().mnemonic;
  }

  /** Core's signmessage, with BIP137's P2WPKH header (needs an unlocked wallet). */
  signMessage(address: string, message: string): string {
    return signMessage(this.parts(), address, message);
  }

  /** Core's dumpprivkey: WIF of the key behind one of our addresses (needs an unlocked wallet). */
  dumpPrivKey(address: string): string {
    return dumpPrivKey(this.parts(), address);
  }

  /** Core's importprivkey; with `rescan`, the whole chain is scanned for coins paid to the key. */
  importPrivKey(wif: string, label = '', rescanChain = true): Promise<void> {
    return this.inQueue((parts) => importPrivKey(parts, wif, label, rescanChain));
  }

  /** Core's backupwallet: a consistent copy that Wallet.restoreBackup opens. */
  backup(destination: string): Promise<void> {
    return this.enqueue(async () => {
      await writeBackup(this.ctx.store, destination, this.params);
      this.logger.info({ wallet: this.options.name, destination }, 'wallet backed up');
    });
  }

  // ---- rescans and rebroadcast ----

  /** Core's rescanblockchain over main-chain heights [start, stop] (default: to the tip). */
  rescan(startHeight = 0, stopHeight?: number): Promise<{ start_height: number; stop_height: number }> {
    return this.withParts(async ({ ctx }) => {
      const stop = stopHeight ?? ctx.sync.height;
      if (!Number.isInteger(startHeight) || startHeight < 0 || startHeight > ctx.sync.height) throw new WalletError('invalid-parameter', 'Invalid start_height');
      if (!Number.isInteger(stop) || stop < startHeight || stop > ctx.sync.height) throw new WalletError('invalid-parameter', 'Invalid stop_height');
      await rescan(ctx, startHeight, stop);
      return { start_height: startHeight, stop_height: stop };
    });
  }

  /** Core's abortrescan: stops a running rescan (outside the queue, which the rescan holds). */
  abortRescan(): boolean {
    return this.ctx.scan!.abort();
  }

  /** Core's ResendWalletTransactions (resubmit.ts): the unconfirmed txs for the node to hand to its peers. */
  rebroadcast(): Promise<Transaction[]> {
    return this.enqueue(() => rebroadcast(this.ctx, this.modules.mempool));
  }

  // ---- the queue and the parts ----

  /**
   * The wallet's parts for operations kept in their own files: `task` runs in the wallet's queue
   * once the wallet has caught up with the tip, so it sees the ledger whole, as every other call does.
   */
  withParts<T>(task: (parts: WalletParts) => Promise<T> | T): Promise<T> {
    return this.enqueue(async () => {
      await syncToTip(this.ctx);
      return task(this.parts());
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

  /** `task` in the queue without catching up with the tip first. */
  private inQueue<T>(task: (parts: WalletParts) => Promise<T> | T): Promise<T> {
    return this.enqueue(async () => task(this.parts()));
  }

  private parts(): WalletParts {
    return {
      ctx: this.ctx,
      vault: this.vault,
      fingerprint: this.fingerprint,
      mempool: this.modules.mempool,
      name: this.options.name,
      lookahead: this.options.keypoolSize,
      feeRate: (satPerVbyte) => walletFeeRate(this.options.defaultFeeRate, this.modules.mempool, satPerVbyte),
      privateKey: (key) => privateKeyOf(this.vault, key, this.params),
    };
  }

  private failed(event: string): (err: unknown) => void {
    return (err) => this.logger.error({ event, err }, 'wallet failed to follow the node');
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    return this.queue.run(task);
  }

  private balances(minDepth: number): Balances {
    return this.ctx.ledger.balances(this.ctx.sync.height, minDepth);
  }

  private history(): HistoryContext {
    const { mempool } = this.modules;
    return { params: this.params, ledger: this.ctx.ledger, keys: this.ctx.keys, tipHeight: this.ctx.sync.height, rbf: (wtx) => signalsRbf(wtx.tx, wtx.txid, mempool) };
  }
}
