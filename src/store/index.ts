export * from './errors.js';
export * from './layout.js';
export { StoreBatch, type BatchOperation } from './batch.js';
export { ChainStore, type ChainStoreOptions, type CoinEntry, DEFAULT_CHAIN_STORE_OPTIONS } from './chain-store.js';
export { type UtxoStats } from './utxo-stats.js';
export { LOCK_FILE_NAME, type LockHolder, readLockHolder } from './lock.js';
