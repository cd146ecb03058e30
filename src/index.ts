/**
 * powcoin as a library: Bitcoin's formats and consensus rules, byte for byte.
 * See docs/library.md for the API.
 */
export {
  Block,
  BlockHeader,
  Transaction,
  OutPoint,
  DecodeError,
  merkleRoot,
  computeMerkleRoot,
  toHex,
  fromHex,
  hashToHex,
  hexToHash,
  sha256d,
  hash160,
  encodeAddress,
  decodeAddress,
  addressToScript,
  scriptToAddress,
  decodeSegwitAddress,
  AddressError,
  publicKeyFromPrivate,
} from './primitives/index.js';
export type { BlockHeaderFields, TxInput, TxOutput, TransactionFields, Coin } from './primitives/index.js';
export {
  RuleError,
  compactToTarget,
  targetToCompact,
  decodeCompact,
  blockProof,
  checkProofOfWork,
  calculateNextWorkRequired,
  getNextWorkRequired,
  medianTimePast,
  validateHeaderChain,
  validateHeaderSegment,
  checkBlockHeader,
  checkHeaderContext,
  checkTransaction,
  checkBlock,
  checkBlockContext,
  checkTxInputs,
  blockSubsidy,
  bip143Sighash,
  SighashCache,
  verifyP2wpkhInput,
  signP2wpkhInput,
  signTransaction,
  p2wpkhScript,
  SIGHASH_ALL,
  SIGHASH_NONE,
  SIGHASH_SINGLE,
  SIGHASH_ANYONECANPAY,
} from './consensus/index.js';
export type { RuleCode, RuleAction, HeaderView, HeaderChainResult } from './consensus/index.js';
export { networks, defineNetwork, parseNetworkConfig, COIN } from './params/index.js';
export type { NetworkParams, NetworkName } from './params/index.js';
