/** The RPC's view of the node, from the real modules (also used by the tests' in-process stack). */
import { unixNow } from '../consensus/header-checks.js';
import type { Chain } from '../chain/chain.js';
import type { Mempool } from '../mempool/mempool.js';
import type { NetworkParams } from '../params/types.js';
import type { RpcBlockProducer, RpcContext, RpcControl, RpcNetwork, RpcWallet } from '../rpc/interfaces.js';

export interface RpcContextParts {
  params: NetworkParams;
  chain: Chain;
  mempool: Mempool;
  producer: RpcBlockProducer;
  control: RpcControl;
  wallet?: RpcWallet;
  network?: RpcNetwork;
  /** sat/vB. */
  fallbackFee: number;
  /** -attackershare, for reversal_probability. */
  attackerShare?: number;
  now?: () => number;
}

export function buildRpcContext(parts: RpcContextParts): RpcContext {
  return {
    params: parts.params,
    chain: parts.chain,
    mempool: parts.mempool,
    producer: parts.producer,
    control: parts.control,
    wallet: parts.wallet,
    network: parts.network,
    fallbackFeeRate: parts.fallbackFee,
    attackerShare: parts.attackerShare,
    now: parts.now ?? unixNow,
  };
}
