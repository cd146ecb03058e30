/**
 * The wallet's secrets (mnemonic and imported keys) and the locked/unlocked state. A plain
 * wallet holds them in memory all the time; an encrypted one only between unlock and lock (or
 * the unlock timeout). Secrets never leave this file except as private keys for signing or for
 * dumpprivkey, and nothing here logs.
 */
import type { HDKey } from '@scure/bip32';
import type { NetworkParams } from '../params/types.js';
import { WalletError, lockedError } from './errors.js';
import { type KdfParams, type SealedBox, deriveKey, newKdfParams, seal, unseal } from './encryption.js';
import { accountFromMaster, childPrivateKey, forgetBranchNodes, type KeyBranch, masterFromMnemonic } from './hd.js';
import { fromHex, toHex } from '../primitives/bytes.js';

export interface Secrets {
  mnemonic: string;
  /** Imported private keys (hex) by the hash160 (hex) of their public key. */
  imported: Record<string, string>;
  /** Descriptors importdescriptors added, in their private form, by descriptor id. */
  descriptors?: Record<string, string>;
}

/** The `secret` record: in the clear until encryptwallet, sealed after. */
export type SecretRecord = { encrypted: false; secrets: Secrets } | { encrypted: true; box: SealedBox };

interface Unlocked {
  secrets: Secrets;
  account: HDKey;
  /** The scrypt output, kept while unlocked so importprivkey can re-seal without the passphrase. */
  key?: Uint8Array;
  kdf?: KdfParams;
}

export class Vault {
  private unlocked: Unlocked | undefined;
  private box: SealedBox | undefined;
  private until = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    record: SecretRecord,
    private readonly params: NetworkParams,
    private readonly now: () => number,
  ) {
    if (record.encrypted) this.box = record.box;
    else this.unlocked = this.open(record.secrets);
  }

  get isEncrypted(): boolean {
    return this.box !== undefined;
  }

  get isLocked(): boolean {
    this.expire();
    return this.unlocked === undefined;
  }

  /** Seconds since the epoch when an unlocked encrypted wallet locks again; 0 when locked. */
  get unlockedUntil(): number {
    return this.isLocked ? 0 : this.until;
  }

  /** Core's walletpassphrase: wrong passphrase → -14, not encrypted → -15. */
  async unlock(passphrase: string, timeoutSeconds: number): Promise<void> {
    if (!this.box) throw new WalletError('wrong-enc-state', 'Error: running with an unencrypted wallet, but walletpassphrase was called.');
    if (!(timeoutSeconds >= 0)) throw new WalletError('invalid-parameter', 'Timeout cannot be negative.');
    const key = await deriveKey(passphrase, this.box.kdf);
    const plain = unseal(key, this.box, this.aad());
    if (!plain) throw new WalletError('wrong-passphrase', 'Error: The wallet passphrase entered was incorrect.');
    this.lock();
    this.unlocked = { ...this.open(JSON.parse(new TextDecoder().decode(plain)) as Secrets), key, kdf: this.box.kdf };
    plain.fill(0);
    this.until = this.now() + timeoutSeconds;
    // The lazy check in isLocked covers an injected clock; the timer wipes memory on a real one.
    this.timer = setTimeout(() => this.lock(), Math.min(timeoutSeconds * 1000, 2 ** 31 - 1));
    this.timer.unref();
  }

  /** Forgets the secrets (best effort: byte arrays are zeroed; JS strings cannot be). */
  lock(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.box || !this.unlocked) return;
    forgetBranchNodes(this.unlocked.account);
    this.unlocked.account.wipePrivateData();
    this.unlocked.key?.fill(0);
    this.unlocked = undefined;
    this.until = 0;
  }

  /**
   * Core's encryptwallet, first half: the sealed record to write. Nothing changes here until
   * `adopt` is called once the record is on disk, so a failed write leaves the wallet as it was.
   */
  async encrypt(passphrase: string, logN?: number): Promise<SecretRecord & { encrypted: true }> {
    if (this.box) throw new WalletError('wrong-enc-state', 'Error: running with an encrypted wallet, but encryptwallet was called.');
    if (passphrase.length === 0) throw new WalletError('invalid-parameter', 'passphrase cannot be empty');
    const secrets = this.secrets();
    const kdf = newKdfParams(logN);
    const key = await deriveKey(passphrase, kdf);
    const box = seal(key, kdf, this.encode(secrets), this.aad());
    key.fill(0);
    return { encrypted: true, box };
  }

  /** The sealed record (from encrypt or changePassphrase) is on disk: it is the wallet's now, and the wallet is locked. */
  adopt(record: SecretRecord & { encrypted: true }): void {
    this.lock();
    if (this.unlocked) this.unlocked.account.wipePrivateData();
    this.unlocked = undefined;
    this.box = record.box;
    this.until = 0;
  }

  /** Core's walletpassphrasechange: the secrets sealed again under a new passphrase (and fresh salt); adopt it once written. */
  async changePassphrase(oldPassphrase: string, newPassphrase: string, logN?: number): Promise<SecretRecord & { encrypted: true }> {
    if (!this.box) throw new WalletError('wrong-enc-state', 'Error: running with an unencrypted wallet, but walletpassphrasechange was called.');
    if (newPassphrase.length === 0) throw new WalletError('invalid-parameter', 'passphrase cannot be empty');
    const secrets = await this.unsealWith(oldPassphrase);
    const kdf = newKdfParams(logN ?? this.box.kdf.logN);
    const key = await deriveKey(newPassphrase, kdf);
    const box = seal(key, kdf, this.encode(secrets), this.aad());
    key.fill(0);
    return { encrypted: true, box };
  }

  /**
   * The BIP39 words. An encrypted wallet asks for its passphrase every time (unlocked or not)
   * and stays as it was: showing the seed is not a reason to leave the keys in memory.
   */
  async revealMnemonic(passphrase: string | undefined): Promise<string> {
    if (!this.box) return this.secrets().mnemonic;
    if (passphrase === undefined || passphrase === '') throw new WalletError('locked', 'Error: the passphrase is needed to show the mnemonic of an encrypted wallet.');
    return (await this.unsealWith(passphrase)).mnemonic;
  }

  /** The secrets sealed in the box, with `passphrase`; -14 when it is wrong. */
  private async unsealWith(passphrase: string): Promise<Secrets> {
    const key = await deriveKey(passphrase, this.box!.kdf);
    const plain = unseal(key, this.box!, this.aad());
    key.fill(0);
    if (!plain) throw new WalletError('wrong-passphrase', 'Error: The wallet passphrase entered was incorrect.');
    const secrets = JSON.parse(new TextDecoder().decode(plain)) as Secrets;
    plain.fill(0);
    return secrets;
  }

  /** The secrets of an unlocked (or plain) wallet; throws WalletError('locked') otherwise. */
  secrets(): Secrets {
    if (this.isLocked) throw lockedError();
    return this.unlocked!.secrets;
  }

  hdPrivateKey(branch: KeyBranch, index: number): Uint8Array {
    if (this.isLocked) throw lockedError();
    return childPrivateKey(this.unlocked!.account, branch, index);
  }

  importedPrivateKey(hash160Hex: string): Uint8Array | undefined {
    const hex = this.secrets().imported[hash160Hex];
    return hex === undefined ? undefined : fromHex(hex);
  }

  /** Adds an imported key; returns the record to write (re-sealed with a fresh nonce when encrypted). */
  addImported(hash160Hex: string, privateKey: Uint8Array): SecretRecord {
    const secrets = this.secrets();
    secrets.imported[hash160Hex] = toHex(privateKey);
    return this.reseal(secrets);
  }

  /** The private form of an imported descriptor (undefined for one we hold no secret of). */
  descriptorSecret(id: string): string | undefined {
    return this.secrets().descriptors?.[id];
  }

  /** Adds an imported descriptor's private form; returns the record to write, as addImported. */
  addDescriptor(id: string, privateText: string): SecretRecord {
    const secrets = this.secrets();
    secrets.descriptors = { ...secrets.descriptors, [id]: privateText };
    return this.reseal(secrets);
  }

  private reseal(secrets: Secrets): SecretRecord {
    if (!this.box) return { encrypted: false, secrets };
    const { key, kdf } = this.unlocked!;
    this.box = seal(key!, kdf!, this.encode(secrets), this.aad());
    return { encrypted: true, box: this.box };
  }

  private open(secrets: Secrets): Unlocked {
    return { secrets, account: accountFromMaster(masterFromMnemonic(secrets.mnemonic), this.params) };
  }

  private expire(): void {
    if (this.box && this.unlocked && this.now() >= this.until) this.lock();
  }

  private encode(secrets: Secrets): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(secrets));
  }

  private aad(): Uint8Array {
    return new TextEncoder().encode(`powcoin wallet secrets v1 ${this.params.name}`);
  }
}
