/** The address book: Core's addrman for libp2p peers. */
export * from './types.js';
export { AddrMan, REPLACEMENT_MS, TEST_WINDOW_MS, TRIED_COLLISION_SIZE } from './addrman.js';
export { NEW_BUCKETS_PER_ADDRESS } from './tables.js';
export { defaultAddrManOptions, type AddrManModules, type AddrManOptions } from './options.js';
export { groupOf, LOCAL_GROUP, UNROUTABLE_GROUP } from './groups.js';
export { PEERS_FILE, CorruptBookError } from './persist.js';
export { isTerrible } from './terrible.js';
