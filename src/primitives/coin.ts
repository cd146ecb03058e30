/** An unspent output as the UTXO set holds it: what it pays, to whom, and where it was created. */
export interface Coin {
  readonly value: bigint;
  readonly script: Uint8Array;
  /** Height of the block that created it. */
  readonly height: number;
  readonly coinbase: boolean;
}
