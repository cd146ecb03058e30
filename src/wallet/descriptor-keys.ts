/**
 * The keys of one imported descriptor (importdescriptors, createwalletdescriptor) in the key
 * ring. They are derived from its normalised public form, so the wallet recognises payments to
 * them, and hands them out, while it is locked; signing derives the private key from the
 * descriptor's private form in the vault. A ranged descriptor is derived `lookahead` past the
 * last key handed out or seen paid, as the HD branches are (BIP44's gap limit).
 */
import type { NetworkParams } from '../params/types.js';
import { Descriptor } from '../primitives/descriptor/descriptor.js';
import { WalletError } from './errors.js';
import type { HdState, KeyRing, KeySource, WalletKey } from './keys.js';
import type { DescriptorRecord } from './store.js';

export class DescriptorKeys implements KeySource {
  /** Keys by index - range start. */
  private readonly derived: WalletKey[] = [];

  private constructor(
    readonly id: string,
    public record: DescriptorRecord,
    private readonly descriptor: Descriptor,
    private readonly state: { next: number; end: number },
    private readonly ring: KeyRing,
    private readonly lookahead: number,
  ) {}

  /** Builds the keys of `record` into `ring` (its state in `hd.descriptors`) and activates it when the record says so. */
  static attach(ring: KeyRing, hd: HdState, id: string, record: DescriptorRecord, params: NetworkParams, lookahead: number): DescriptorKeys {
    const descriptor = Descriptor.parse(record.desc, params);
    hd.descriptors ??= {};
    const state = (hd.descriptors[id] ??= { next: record.range[0], end: record.range[1] });
    const keys = new DescriptorKeys(id, record, descriptor, state, ring, lookahead);
    keys.deriveTo(keys.target());
    ring.registerSource(id, keys);
    if (record.active) ring.setActive(record.internal ? 1 : 0, id);
    return keys;
  }

  get isRange(): boolean {
    return this.descriptor.isRange;
  }

  get next(): number {
    return this.state.next;
  }

  get end(): number {
    return this.state.end;
  }

  /** A later import of the same descriptor: its range and next index can only grow. */
  widen(record: DescriptorRecord, next: number): void {
    this.record = record;
    this.state.next = Math.max(this.state.next, next);
    this.deriveTo(Math.max(this.target(), record.range[1]));
  }

  issue(): WalletKey {
    if (!this.isRange) throw new WalletError('wallet-error', 'Error: This wallet has no available keys');
    const index = this.state.next;
    this.state.next = index + 1;
    this.deriveTo(this.target());
    return this.derived[index - this.record.range[0]];
  }

  markUsed(key: WalletKey): boolean {
    const index = key.descriptor!.index;
    if (!this.isRange || index < this.state.next) return false;
    this.state.next = index + 1;
    this.deriveTo(this.target());
    return true;
  }

  keypoolSize(): number {
    return this.state.end + 1 - this.state.next;
  }

  refillTo(size: number): void {
    if (this.isRange) this.deriveTo(Math.max(this.target(), this.state.next + size - 1));
  }

  /** The key at `index` (inside the derived range). */
  keyAt(index: number): WalletKey | undefined {
    return this.derived[index - this.record.range[0]];
  }

  private target(): number {
    return this.isRange ? Math.max(this.state.end, this.state.next + this.lookahead - 1) : this.state.end;
  }

  private deriveTo(end: number): void {
    const start = this.record.range[0];
    for (let index = start + this.derived.length; index <= end; index++) {
      const [key] = this.descriptor.expand(index).keys;
      const origin = { fingerprint: key.origin.fingerprint, path: key.origin.path.map((step) => step.index) };
      const label = this.isRange ? undefined : this.record.label;
      this.derived.push(this.ring.addDescriptorKey({ publicKey: key.publicKey, label, descriptor: { id: this.id, index, origin } }));
    }
    this.state.end = Math.max(this.state.end, end);
  }
}

/** The private key of a descriptor key, from the descriptor's private form (`privateText`, from the vault). */
export function descriptorPrivateKey(privateText: string | undefined, key: WalletKey, params: NetworkParams): Uint8Array {
  const privateKey = privateText === undefined ? undefined : Descriptor.parse(privateText, params).expand(key.descriptor!.index).keys[0].privateKey;
  if (!privateKey) throw new WalletError('wallet-error', `Private key for address ${key.address} is not known`);
  return Uint8Array.from(privateKey);
}
