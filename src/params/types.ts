/**
 * Everything that differs between networks, as plain data. Passed in to whoever needs it,
 * never read from a global, so a testnet operator can define a network in a config file.
 */
export interface NetworkParams {
  /** `main`, `test`, `regtest`, `bitcoin`, or a custom network's name. */
  readonly name: string;
  /** The serialized genesis block, hex. */
  readonly genesisBlock: string;
  /** Display-order hash of the genesis header, checked against genesisBlock by the tests. */
  readonly genesisHash: string;

  /** Highest allowed target (lowest difficulty). */
  readonly powLimit: bigint;
  /** Blocks between difficulty retargets (2016 on Bitcoin). */
  readonly retargetInterval: number;
  /** Seconds one retarget interval should take (two weeks on Bitcoin). */
  readonly targetTimespan: number;
  /** Seconds between blocks the retarget aims at. */
  readonly targetSpacing: number;
  /** Regtest: the bits never change. */
  readonly noRetargeting: boolean;

  /** Base units paid to the first blocks (50 coins = 5,000,000,000). */
  readonly initialSubsidy: bigint;
  /** Blocks between subsidy halvings. */
  readonly halvingInterval: number;
  /** Confirmations before a coinbase output may be spent (100). */
  readonly coinbaseMaturity: number;
  /** Upper bound on any output, and any sum of outputs, in base units. */
  readonly maxMoney: bigint;
  readonly maxBlockWeight: number;

  /** First height that must carry its height in the coinbase (BIP34). */
  readonly bip34Height: number;
  /** First height at which witness data and commitments are allowed (BIP141). */
  readonly segwitHeight: number;
  /** powcoin accepts only P2WPKH and OP_RETURN outputs; false for the `bitcoin` profile, which checks real Bitcoin data. */
  readonly p2wpkhOnly: boolean;

  /** bech32 human-readable part of addresses. */
  readonly bech32Prefix: string;
  readonly defaultP2pPort: number;
  readonly defaultRpcPort: number;
  /** Gossip topics and protocols live under `/powcoin/<this>/`. */
  readonly protocolName: string;
  readonly bootstrapPeers: readonly string[];

  /**
   * Core's nMinimumChainWork: a header chain with less work is never stored (headers presync)
   * and the node stays in initial block download until its tip has at least this much. 0 on a
   * new network (nothing to compare with yet); a node option can raise it.
   */
  readonly minimumChainWork: bigint;
  /** Core's nMaxTipAge: a tip older than this many seconds keeps the node in initial block download. */
  readonly maxTipAge: number;
  /**
   * Core's m_assumeutxo_data: the UTXO snapshots (loadtxoutset) this network vouches for, by
   * base height. Empty on main and test; a custom network may carry entries.
   */
  readonly assumeutxo: Readonly<Record<number, AssumeutxoEntry>>;
}

/** One snapshot a network vouches for (Core's AssumeutxoData). */
export interface AssumeutxoEntry {
  /** Display-order hash of the snapshot's base block. */
  readonly blockHash: string;
  /** hash_serialized_3 of the UTXO set at that block, display order (gettxoutsetinfo's hash_serialized_3). */
  readonly txoutsetHash: string;
  /** Transactions in the chain up to and including the base block. */
  readonly chainTxCount: number;
}

/** Rules that are the same on every network (Bitcoin's). */
export const MEDIAN_TIME_SPAN = 11;
export const MAX_FUTURE_BLOCK_TIME = 2 * 60 * 60;
export const COIN = 100_000_000n;
