import { COIN, type NetworkParams } from './types.js';

/** powcoin's public test network: main's rules on a separate chain. Genesis mined by tools/mine-genesis.ts test. */
export const test: NetworkParams = {
  name: 'test',
  genesisBlock:
    '0100000000000000000000000000000000000000000000000000000000000000000000002cfb0599bcc3ba74d8761c132af287be33b980a9d6d4414d636365ceec4ae59c10ed006bffff0f1e929c05000101000000010000000000000000000000000000000000000000000000000000000000000000ffffffff5004ffff0f1e01044832312f4e6f762f3230323620706f77636f696e3a20426974636f696e277320666f726d617473206279746520666f7220627974652c206120636861696e206f6620697473206f776effffffff0100f2052a01000000166a14706f77636f696e20746573742067656e6573697300000000',
  genesisHash: '00000fd4e83fed16f1fdf2830e213133c2e6dc3200a05f9d65b986fe8f15468f',

  powLimit: 0x00000fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffn,
  retargetInterval: 2016,
  targetTimespan: 2016 * 600,
  targetSpacing: 600,
  noRetargeting: false,

  initialSubsidy: 50n * COIN,
  halvingInterval: 210_000,
  coinbaseMaturity: 100,
  maxMoney: 21_000_000n * COIN,
  maxBlockWeight: 4_000_000,

  bip34Height: 1,
  segwitHeight: 0,
  p2wpkhOnly: true,

  bech32Prefix: 'tpc',
  defaultP2pPort: 18633,
  defaultRpcPort: 18632,
  protocolName: 'test',
  bootstrapPeers: [],
};
