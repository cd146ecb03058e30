import { main } from './main.js';
import type { NetworkParams } from './types.js';

/**
 * Local testing, as Core's regtest: main's rules with the easiest possible target (compact
 * 0x207fffff), no retargeting, and halvings every 150 blocks so tests can reach them.
 * Genesis mined by tools/mine-genesis.ts regtest.
 */
export const regtest: NetworkParams = {
  ...main,
  name: 'regtest',
  genesisBlock:
    '010000000000000000000000000000000000000000000000000000000000000000000000896f57019ea4fbd77564f640637238b3bef1626e6a772217fb45d962e760023720fb006bffff7f20000000000101000000010000000000000000000000000000000000000000000000000000000000000000ffffffff5004ffff7f2001044832312f4e6f762f3230323620706f77636f696e3a20426974636f696e277320666f726d617473206279746520666f7220627974652c206120636861696e206f6620697473206f776effffffff0100f2052a01000000196a17706f77636f696e20726567746573742067656e6573697300000000',
  genesisHash: '60ac6aa1e9d6bf29378b8f5e27ff105263dddbee72b070d90b93d9dff0fc15cd',
  powLimit: 0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffn,
  noRetargeting: true,
  halvingInterval: 150,
  bech32Prefix: 'pcrt',
  defaultP2pPort: 18733,
  defaultRpcPort: 18732,
  protocolName: 'regtest',
};
