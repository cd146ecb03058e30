/**
 * Every node option once: its flag name (also its key in config files and, upper-cased with
 * POWCOIN_, its environment variable), its kind and what it does. Values live in config/<network>.json.
 */
export type OptionKind = 'string' | 'port' | 'count' | 'number' | 'bool' | 'list' | 'level';

export interface OptionSpec {
  kind: OptionKind;
  doc: string;
  /** Only meaningful on the command line or in the environment, never in config/<network>.json. */
  noDefault?: boolean;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const OPTION_SPECS = {
  network: { kind: 'string', doc: 'main, test or regtest', noDefault: true },
  'network-config': { kind: 'string', doc: 'JSON file defining a custom network ({"base": "regtest", ...})', noDefault: true },
  config: { kind: 'string', doc: 'JSON config file (keys are these flag names)', noDefault: true },
  datadir: { kind: 'string', doc: 'data directory; each network uses <datadir>/<network>/' },
  'rpc-port': { kind: 'port', doc: 'JSON-RPC port' },
  'rpc-bind': { kind: 'string', doc: 'JSON-RPC listen address' },
  'rpc-user': { kind: 'string', doc: 'JSON-RPC user (default: a cookie file)', noDefault: true },
  'rpc-password': { kind: 'string', doc: 'JSON-RPC password', noDefault: true },
  'p2p-port': { kind: 'port', doc: 'p2p listen port' },
  'p2p-bind': { kind: 'string', doc: 'p2p listen address' },
  peer: { kind: 'list', doc: 'peer multiaddr (with /p2p/<id>) to keep connected, as addnode (repeatable)' },
  connect: { kind: 'list', doc: 'connect only to these multiaddrs: no address book, no discovery, no addr relay (repeatable)', noDefault: true },
  seed: { kind: 'list', doc: 'multiaddr put in the address book when it is empty or nothing connects (repeatable)' },
  listen: { kind: 'bool', doc: 'accept inbound p2p connections (false/0: none)' },
  discover: { kind: 'bool', doc: 'advertise our own addresses to peers (false/0: never)' },
  'max-outbound': { kind: 'count', doc: 'outbound full-relay connections' },
  'block-relay-only': { kind: 'count', doc: 'outbound block-relay-only connections' },
  'announce-interval': { kind: 'number', doc: 'mean seconds between self-announcements to each peer (default: 86400; 30 on regtest)', noDefault: true },
  'feeler-interval': { kind: 'number', doc: 'mean seconds between feeler connections', noDefault: true },
  mine: { kind: 'bool', doc: 'run the built-in miner' },
  'mine-interval': { kind: 'number', doc: 'least seconds between our blocks (paces regtest)' },
  'mining-address': { kind: 'string', doc: 'address the built-in miner pays (default: a wallet address)', noDefault: true },
  threads: { kind: 'count', doc: 'mining and verification threads (0: one per core)' },
  'log-level': { kind: 'level', doc: LOG_LEVELS.join('|') },
  'log-file': { kind: 'string', doc: 'also write JSON log lines to this file, rotated by size (relative paths: in <datadir>/<network>/)', noDefault: true },
  'log-rotate-size': { kind: 'number', doc: 'MB a log file reaches before it is rotated (default 10)', noDefault: true },
  'log-rotate-keep': { kind: 'count', doc: 'rotated log files kept besides the current one (default 5)', noDefault: true },
  'pid-file': { kind: 'string', doc: "write the daemon's process id to this file while it runs (relative paths: in <datadir>/<network>/)", noDefault: true },
  'max-connections': { kind: 'count', doc: 'most p2p connections; inbound gets what outbound leaves' },
  'ban-seconds': { kind: 'count', doc: 'how long a misbehaving peer stays banned' },
  'fallback-fee': { kind: 'number', doc: 'fee rate in sat/vB when the mempool gives no estimate' },
  'mempool-sync': { kind: 'number', doc: 'seconds between mempool reconciliations with each outbound peer (0: off)' },
  'wallet-rebroadcast': { kind: 'number', doc: 'mean seconds between wallet rebroadcasts of unconfirmed txs, randomised ±50% (0: off)' },
  'minimum-chain-work': { kind: 'string', doc: "hex chain work below which peers' headers are not stored (default: the network's)", noDefault: true },
  dbcache: { kind: 'number', doc: 'coin cache size in MB, written to disk when full (0: write every block)' },
  maxtipage: { kind: 'count', doc: 'seconds a tip may lag the clock before we count as catching up (cache batches writes)' },
  assumevalid: { kind: 'string', doc: 'block hash whose ancestors skip script checks (as Core; 0: none)', noDefault: true },
  attackershare: { kind: 'number', doc: "attacker's hash-rate share for reversal_probability (whitepaper §11; default 0.1)", noDefault: true },
  dashboard: { kind: 'bool', doc: 'serve the status dashboard on loopback (default: on for regtest and test, off on main)', noDefault: true },
  'dashboard-port': { kind: 'port', doc: 'dashboard port (default 0: a free port, logged and written to <datadir>/<network>/dashboard.url)', noDefault: true },
  reindex: { kind: 'bool', doc: 'rebuild the block index and chain state from the stored blocks', noDefault: true },
  'reindex-chainstate': { kind: 'bool', doc: 'rebuild the chain state (UTXO set) from the block index', noDefault: true },
  blockfilterindex: { kind: 'bool', doc: 'keep the BIP158 basic block filter of every block (getblockfilter; built in the background)', noDefault: true },
  txindex: { kind: 'bool', doc: 'keep an index of every confirmed transaction (built in the background; getrawtransaction finds any txid)', noDefault: true },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTION_SPECS;

/** One layer of settings (a config file, the environment, the flags), keyed by flag name. */
export type OptionLayer = Partial<Record<OptionName, unknown>>;

export function isOptionName(name: string): name is OptionName {
  return Object.prototype.hasOwnProperty.call(OPTION_SPECS, name);
}

export function envName(name: OptionName): string {
  return `POWCOIN_${name.toUpperCase().replace(/-/g, '_')}`;
}
