import { COIN, type NetworkParams } from './types.js';

/**
 * Bitcoin mainnet, exactly (Core's CMainParams), so powcoin's consensus code can be checked
 * against real Bitcoin data. Not a network powcoin nodes run: outputs other than P2WPKH are
 * allowed here only because real Bitcoin blocks contain them.
 */
export const bitcoin: NetworkParams = {
  name: 'bitcoin',
  genesisBlock:
    '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c0101000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000',
  genesisHash: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',

  powLimit: 0x00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffffn,
  retargetInterval: 2016,
  targetTimespan: 14 * 24 * 60 * 60,
  targetSpacing: 10 * 60,
  noRetargeting: false,

  initialSubsidy: 50n * COIN,
  halvingInterval: 210_000,
  coinbaseMaturity: 100,
  maxMoney: 21_000_000n * COIN,
  maxBlockWeight: 4_000_000,

  bip34Height: 227_931,
  segwitHeight: 481_824,
  p2wpkhOnly: false,

  bech32Prefix: 'bc',
  defaultP2pPort: 8333,
  defaultRpcPort: 8332,
  protocolName: 'bitcoin',
  bootstrapPeers: [],
  minimumChainWork: 0n,
  maxTipAge: 24 * 60 * 60,
  assumeutxo: {},
};
