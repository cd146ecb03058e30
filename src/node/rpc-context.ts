/** The RPC's view of the node, from the real modules (also used by the tests' in-process stack). */
import { unixNow } from '../consensus/header-checks.js';
import type { Chain } from '../chain/chain.js';
import type { Mempool } from '../mempool/mempool.js';
import type { NetworkParams } from '../params/types.js';
import { LongPoll } from '../rpc/longpoll.js';
import type { RpcBlockProducer, RpcContext, RpcControl, RpcNetwork, RpcTxIndex, RpcWallet, RpcWallets, RpcBlockFilterIndex } from '../rpc/interfaces.js';

export interface RpcContextParts {
  params: NetworkParams;
  chain: Chain;
  mempool: Mempool;
  producer: RpcBlockProducer;
  control: RpcControl;
  wallet?: RpcWallet;
  wallets?: RpcWallets;
  network?: RpcNetwork;
  txIndex?: RpcTxIndex;
  blockFilterIndex?: RpcBlockFilterIndex;
  /** <datadir>/<network> (savemempool). */
  dataDir?: string;
  /** sat/vB. */
  fallbackFee: number;
  /** -attackershare, for reversal_probability. */
  attackerShare?: number;
  now?: () => number;
}

/** The context, and its long poll (close it on shutdown so waiting getblocktemplate calls end). */
export function buildRpcContext(parts: RpcContextParts): RpcContext & { longPoll: LongPoll } {
  return {
    longPoll: new LongPoll(parts.chain, parts.mempool),
    params: parts.params,
    chain: parts.chain,
    mempool: parts.mempool,
    producer: parts.producer,
    control: parts.control,
    wallet: parts.wallet,
    wallets: parts.wallets,
    network: parts.network,
    txIndex: parts.txIndex,
    blockFilterIndex: parts.blockFilterIndex,
    dataDir: parts.dataDir,
    fallbackFeeRate: parts.fallbackFee,
    attackerShare: parts.attackerShare,
    now: parts.now ?? unixNow,
  };
}
