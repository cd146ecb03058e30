/**
 * The key ring: every script the wallet owns, found by output script or address. HD keys are
 * derived from the account xpub (no secret needed) up to `lookahead` past the last one handed
 * out or seen paid, so coins sent to addresses not yet handed out here (a restored wallet, a copy
 * of the wallet elsewhere) are still recognised: BIP44's gap limit.
 */
import { p2wpkhScript } from '../consensus/script.js';
import type { NetworkParams } from '../params/types.js';
import { encodeAddress } from '../primitives/address.js';
import { toHex } from '../primitives/bytes.js';
import { publicKeyHash } from '../primitives/keys.js';
import { AccountKeys, type KeyBranch, keyPath } from './hd.js';

export interface WalletKey {
  /** `descriptor`: derived from a descriptor importdescriptors added (descriptor-keys.ts). */
  readonly kind: 'hd' | 'imported' | 'descriptor';
  readonly branch?: KeyBranch;
  readonly index?: number;
  /** "m/84'/1'/0'/0/5" for HD keys. */
  readonly path?: string;
  readonly publicKey: Uint8Array;
  readonly hashHex: string;
  readonly script: Uint8Array;
  readonly scriptHex: string;
  readonly address: string;
  label?: string;
  /** Descriptor keys: the descriptor's id, the index in its range and the key's BIP32 origin. */
  readonly descriptor?: { id: string; index: number; origin: { fingerprint: string; path: number[] } };
}

/** A ranged descriptor handing out keys in place of an HD branch (an active imported descriptor). */
export interface KeySource {
  /** The next unused key; its state lives in `HdState.descriptors`, persisted with `hd`. */
  issue(): WalletKey;
  /** One of its keys was paid: true when its state moved. */
  markUsed(key: WalletKey): boolean;
  keypoolSize(): number;
  /** keypoolrefill: derive at least `size` keys past the next one handed out (state in `HdState.descriptors`). */
  refillTo(size: number): void;
}

/** Fields of a key a KeySource adds to the ring. */
export type SourceKeyFields = Pick<WalletKey, 'publicKey' | 'label' | 'descriptor'>;

/**
 * How far each HD branch has gone: `issued` handed out, `used` one past the highest index seen
 * paid; `rangeEnd`, when keypoolrefill asked for more than the lookahead, how far each branch is
 * derived at least (Core's descriptor range_end, kept so the pool survives a restart).
 */
export interface HdState {
  issued: [number, number];
  used: [number, number];
  rangeEnd?: [number, number];
  /** Imported descriptors by id: `next` index to hand out, `end` of the range derived (inclusive). */
  descriptors?: Record<string, { next: number; end: number }>;
}

export class KeyRing {
  private readonly byScriptHex = new Map<string, WalletKey>();
  private readonly byAddr = new Map<string, WalletKey>();
  /** HD keys by branch and index; its lengths are how far each branch is derived. */
  private readonly hdKeys: [WalletKey[], WalletKey[]] = [[], []];
  private readonly account: AccountKeys;
  /** Descriptor key sources by descriptor id, and the one active per branch (undefined: the HD branch). */
  private readonly sources = new Map<string, KeySource>();
  private readonly active: [string | undefined, string | undefined] = [undefined, undefined];
  /** Inside deferTopUps: branches keep one key ahead, the rest of the lookahead waits for refill(). */
  private deferring = false;

  constructor(
    private readonly params: NetworkParams,
    /** The BIP84 account's extended public key (listdescriptors shows it). */
    readonly accountXpub: string,
    readonly hd: HdState,
    private readonly lookahead: number,
  ) {
    this.account = new AccountKeys(accountXpub);
    this.topUp(0);
    this.topUp(1);
  }

  get size(): number {
    return this.byScriptHex.size;
  }

  byScript(script: Uint8Array | string): WalletKey | undefined {
    return this.byScriptHex.get(typeof script === 'string' ? script : toHex(script));
  }

  byAddress(address: string): WalletKey | undefined {
    return this.byAddr.get(address.toLowerCase());
  }

  /** Keys derived ahead of those handed out on `branch` (Core's keypoolsize). */
  keypoolSize(branch: KeyBranch): number {
    const source = this.activeSource(branch);
    if (source) return source.keypoolSize();
    return this.hdKeys[branch].length - this.hd.issued[branch];
  }

  /** How many keys of the seed's `branch` are derived (its descriptor's range). */
  hdDerived(branch: KeyBranch): number {
    return this.hdKeys[branch].length;
  }

  /** The next unused key of `branch`; the caller persists `hd` afterwards. */
  issue(branch: KeyBranch): WalletKey {
    const source = this.activeSource(branch);
    if (source) return source.issue();
    const index = Math.max(this.hd.issued[branch], this.hd.used[branch]);
    this.hd.issued[branch] = index + 1;
    this.topUp(branch);
    return this.hdKeys[branch][index];
  }

  /** Records that `key` was paid; returns true when the HD state moved (and must be persisted). */
  markUsed(key: WalletKey): boolean {
    if (key.descriptor) return this.sources.get(key.descriptor.id)?.markUsed(key) ?? false;
    if (key.kind !== 'hd' || key.index! < this.hd.used[key.branch!]) return false;
    const branch = key.branch!;
    this.hd.used[branch] = key.index! + 1;
    // Like Core, an address seen paid is never handed out again.
    this.hd.issued[branch] = Math.max(this.hd.issued[branch], this.hd.used[branch]);
    this.topUp(branch);
    return true;
  }

  /**
   * Runs `task` with the lookahead's derivations held back: a send hands out a change key that is
   * already derived, and deriving its successor (an EC multiplication) can wait until the answer
   * is out. The caller runs refill() afterwards; meanwhile each branch stays at least one key ahead.
   */
  async deferTopUps<T>(task: () => Promise<T>): Promise<T> {
    this.deferring = true;
    try {
      return await task();
    } finally {
      this.deferring = false;
    }
  }

  /** Derives every branch up to its full lookahead again (after deferTopUps). */
  refill(): void {
    this.topUp(0);
    this.topUp(1);
  }

  /**
   * Core's keypoolrefill: derives each branch to at least `size` keys past the next one handed
   * out (never fewer than the lookahead); the caller persists `hd` afterwards.
   */
  refillTo(size: number): void {
    const next = (branch: KeyBranch) => Math.max(this.hd.issued[branch], this.hd.used[branch]) + size;
    const [external, internal] = this.hd.rangeEnd ?? [0, 0];
    this.hd.rangeEnd = [Math.max(external, next(0)), Math.max(internal, next(1))];
    this.refill();
    // As Core's TopUp of every active descriptor: the imported ones handing out keys refill too.
    this.activeSource(0)?.refillTo(size);
    this.activeSource(1)?.refillTo(size);
  }

  addImported(publicKey: Uint8Array, label?: string): WalletKey {
    const existing = this.byScript(p2wpkhScript(publicKeyHash(publicKey)));
    if (existing) return existing;
    return this.add({ kind: 'imported', publicKey, label });
  }

  /** A descriptor's key (the same script already known stays as it is). */
  addDescriptorKey(fields: SourceKeyFields): WalletKey {
    const existing = this.byScript(p2wpkhScript(publicKeyHash(fields.publicKey)));
    if (existing) return existing;
    return this.add({ kind: 'descriptor', ...fields });
  }

  source(id: string): KeySource | undefined {
    return this.sources.get(id);
  }

  registerSource(id: string, source: KeySource): void {
    this.sources.set(id, source);
  }

  /** Makes descriptor `id` hand out `branch`'s keys (undefined: the wallet's own HD branch again). */
  setActive(branch: KeyBranch, id: string | undefined): void {
    this.active[branch] = id;
  }

  activeDescriptor(branch: KeyBranch): string | undefined {
    return this.active[branch];
  }

  *keys(): IterableIterator<WalletKey> {
    yield* this.byScriptHex.values();
  }

  private activeSource(branch: KeyBranch): KeySource | undefined {
    const id = this.active[branch];
    return id === undefined ? undefined : this.sources.get(id);
  }

  private topUp(branch: KeyBranch): void {
    const ahead = Math.max(this.hd.issued[branch], this.hd.used[branch]) + (this.deferring ? 1 : this.lookahead);
    const target = this.deferring ? ahead : Math.max(ahead, this.hd.rangeEnd?.[branch] ?? 0);
    const keys = this.hdKeys[branch];
    for (let index = keys.length; index < target; index++) {
      keys.push(this.add({ kind: 'hd', branch, index, path: keyPath(this.params, branch, index), publicKey: this.account.publicKey(branch, index) }));
    }
  }

  private add(fields: { kind: WalletKey['kind']; publicKey: Uint8Array; branch?: KeyBranch; index?: number; path?: string; label?: string; descriptor?: WalletKey['descriptor'] }): WalletKey {
    const hash = publicKeyHash(fields.publicKey);
    const script = p2wpkhScript(hash);
    const key: WalletKey = { ...fields, hashHex: toHex(hash), script, scriptHex: toHex(script), address: encodeAddress(hash, this.params.bech32Prefix) };
    this.byScriptHex.set(key.scriptHex, key);
    this.byAddr.set(key.address, key);
    return key;
  }
}
