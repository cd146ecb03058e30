import { COIN, type NetworkParams } from './types.js';

/**
 * powcoin's main network. Bitcoin's rules and schedule, but a powLimit of compact 0x1e0fffff
 * (as Litecoin's) so that a new network can start on CPUs.
 * Genesis mined by tools/mine-genesis.ts main.
 */
export const main: NetworkParams = {
  name: 'main',
  genesisBlock:
    '0100000000000000000000000000000000000000000000000000000000000000000000004e3d21f3e0b921a4844751d6c497588c98b62e1fc0f9dc09d20fe5219805945900df006bffff0f1ef8ee00000101000000010000000000000000000000000000000000000000000000000000000000000000ffffffff5004ffff0f1e01044832312f4e6f762f3230323620706f77636f696e3a20426974636f696e277320666f726d617473206279746520666f7220627974652c206120636861696e206f6620697473206f776effffffff0100f2052a01000000166a14706f77636f696e206d61696e2067656e6573697300000000',
  genesisHash: '00000ce7e4b033a43d09916922a2708b71cd20b2a90c1feb719cde03c36dc78f',

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

  bech32Prefix: 'pc',
  defaultP2pPort: 8633,
  defaultRpcPort: 8632,
  protocolName: 'main',
  bootstrapPeers: [],
  minimumChainWork: 0n,
  maxTipAge: 24 * 60 * 60,
  assumeutxo: {},
};
