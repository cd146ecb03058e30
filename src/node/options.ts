/**
 * The node's options, from four sources in rising priority: config/<network>.json (the defaults,
 * plain data, one file per network), a config file (--config), POWCOIN_* environment variables,
 * and command-line flags. Every value is checked with a message naming its source.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type NetworkParams, isNetworkName, networks, parseNetworkConfig } from '../params/index.js';
import { ConfigFileError, datadirLayers, readDatadirConf } from './config-file.js';
import { LOG_LEVELS, type LogLevel, OPTION_SPECS, type OptionLayer, type OptionName, envName, isOptionName } from './option-schema.js';

export interface NodeOptions {
  params: NetworkParams;
  /** `<datadir>/<network>`: everything the node writes is in here. */
  networkDir: string;
  datadir: string;
  rpcPort: number;
  rpcBind: string;
  rpcUser?: string;
  rpcPassword?: string;
  p2pPort: number;
  p2pBind: string;
  peers: string[];
  /** --connect: only these peers. */
  connect: string[];
  seeds: string[];
  listen: boolean;
  discover: boolean;
  maxOutbound: number;
  blockRelayOnly: number;
  /** Seconds; undefined: the p2p layer's default for the network. */
  announceInterval?: number;
  feelerInterval?: number;
  mine: boolean;
  mineInterval: number;
  /** Build and keep the transaction index (indexes/txindex). */
  txindex: boolean;
  /** Build and keep the basic block filter index (indexes/blockfilter/basic). */
  blockFilterIndex: boolean;
  miningAddress?: string;
  /** 0: one per core. */
  threads: number;
  logLevel: LogLevel;
  /** Absolute; undefined: no log file. */
  logFile?: string;
  logRotateMb: number;
  logRotateKeep: number;
  /** Absolute; undefined: no pid file. */
  pidFile?: string;
  maxConnections: number;
  banSeconds: number;
  /** sat/vB. */
  fallbackFee: number;
  /** Seconds between mempool reconciliations with each outbound peer; 0: never. */
  mempoolSync: number;
  /** Mean seconds between wallet rebroadcasts (each wait drawn from half to 1.5 times it); 0: never. */
  walletRebroadcast: number;
  /** Overrides the network's minimum chain work (Core's -minimumchainwork). */
  minimumChainWork?: bigint;
  /** Coin cache bound, MB (Core's -dbcache); 0 writes every block. */
  dbcache: number;
  /** Core's -maxtipage, seconds. */
  maxTipAge: number;
  /** Display hex; undefined: none (Core's -assumevalid=0). */
  assumeValid?: string;
  /** Hash-rate share of the attacker in reversal_probability (whitepaper §11). */
  attackerShare: number;
  /** Serve the dashboard (on loopback, behind a read-only token). */
  dashboard: boolean;
  /** 0: a free port. */
  dashboardPort: number;
  /** --reindex / --reindex-chainstate. */
  reindex?: 'full' | 'chainstate';
}

/** A wrong flag, variable or config value: printed as one line, exit code 2. */
export class OptionsError extends Error {
  override readonly name = 'OptionsError';
}

/** The shipped config/ folder, both from src/ (tsx) and from dist/src/ (compiled). */
export function defaultConfigDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['../..', '../../..']) {
    const dir = resolve(here, up, 'config');
    try {
      readFileSync(join(dir, 'main.json'));
      return dir;
    } catch {
      // try the next layout
    }
  }
  throw new OptionsError(`cannot find the config/ folder next to ${here}`);
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new OptionsError(`cannot read ${what} ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new OptionsError(`${what} ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

/** A config file's keys; keys starting with "//" are comments (JSON has none). */
export function fileLayer(json: unknown, source: string): OptionLayer {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new OptionsError(`${source} must hold a JSON object`);
  const layer: OptionLayer = {};
  for (const [key, value] of Object.entries(json)) {
    if (key.startsWith('//')) continue;
    if (!isOptionName(key)) throw new OptionsError(`unknown option '${key}' in ${source}`);
    layer[key] = value;
  }
  return layer;
}

export function envLayer(env: NodeJS.ProcessEnv): OptionLayer {
  const layer: OptionLayer = {};
  for (const name of Object.keys(OPTION_SPECS) as OptionName[]) {
    const value = env[envName(name)];
    if (value === undefined || value === '') continue;
    layer[name] = OPTION_SPECS[name].kind === 'list' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value;
  }
  return layer;
}

export function flagLayer(argv: readonly string[]): OptionLayer {
  const options = Object.fromEntries(
    Object.entries(OPTION_SPECS).map(([name, spec]) => [name, { type: spec.kind === 'bool' ? 'boolean' : 'string', multiple: spec.kind === 'list' }] as const),
  );
  // Booleans also take an explicit value, --listen=0 or --discover=false, as Core's -listen=0.
  const explicit: OptionLayer = {};
  const rest = argv.filter((arg) => {
    const match = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (!match || !isOptionName(match[1]) || OPTION_SPECS[match[1]].kind !== 'bool') return true;
    explicit[match[1]] = match[2];
    return false;
  });
  try {
    const { values } = parseArgs({ args: rest, options, strict: true, allowPositionals: false });
    return { ...(values as OptionLayer), ...explicit };
  } catch (err) {
    throw new OptionsError((err as Error).message.replace(/\. To specify a positional argument.*$/, ''));
  }
}

function convert(name: OptionName, value: unknown, source: string): unknown {
  const kind = OPTION_SPECS[name].kind;
  const bad = (expected: string) => new OptionsError(`${source}: --${name} needs ${expected}, got ${JSON.stringify(value)}`);
  const text = typeof value === 'string' ? value.trim() : value;
  switch (kind) {
    case 'string':
      if (typeof text !== 'string' || text === '') throw bad('a non-empty string');
      return text;
    case 'bool':
      if (typeof text === 'boolean') return text;
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      throw bad('true or false');
    case 'list':
      if (Array.isArray(text) && text.every((v) => typeof v === 'string')) return text;
      throw bad('a list of strings');
    case 'level':
      if (typeof text === 'string' && (LOG_LEVELS as readonly string[]).includes(text)) return text;
      throw bad(LOG_LEVELS.join('|'));
    default: {
      const number = typeof text === 'number' ? text : typeof text === 'string' && text !== '' ? Number(text) : NaN;
      if (kind === 'number' && Number.isFinite(number) && number >= 0) return number;
      if (kind === 'count' && Number.isSafeInteger(number) && number >= 0) return number;
      if (kind === 'port' && Number.isInteger(number) && number >= 0 && number <= 65535) return number;
      throw bad(kind === 'port' ? 'a port from 0 to 65535' : kind === 'count' ? 'a non-negative integer' : 'a non-negative number');
    }
  }
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : resolve(path);
}

function expandHomeOnly(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/** The network: a built-in name, or a custom one from --network-config. */
function resolveNetwork(name: unknown, configPath: unknown): NetworkParams {
  if (typeof configPath === 'string') {
    try {
      return parseNetworkConfig(readJson(configPath, 'network config'), networks);
    } catch (err) {
      throw new OptionsError(`network config ${configPath}: ${(err as Error).message}`);
    }
  }
  const network = typeof name === 'string' ? name : 'main';
  if (!isNetworkName(network)) throw new OptionsError(`--network must be main, test or regtest, got '${network}'`);
  return networks[network];
}

export interface LoadSources {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  configDir?: string;
}

export function loadNodeOptions(sources: LoadSources): NodeOptions {
  const flags = flagLayer(sources.argv);
  const env = envLayer(sources.env);
  const configPath = flags.config ?? env.config;
  const file = typeof configPath === 'string' ? fileLayer(readJson(configPath, 'config file'), `config file ${configPath}`) : {};
  const configDir = sources.configDir ?? defaultConfigDir();
  // The data dir comes first: its powcoin.conf may name the network (every network's default data dir is the same).
  const datadirSetting = flags.datadir ?? env.datadir ?? file.datadir ?? fileLayer(readJson(join(configDir, 'main.json'), 'network defaults'), 'config/main.json').datadir;
  const datadir = expandHome(String(datadirSetting));
  const rootConf = guard(() => readDatadirConf(datadir));
  const params = resolveNetwork(flags.network ?? env.network ?? file.network ?? rootConf?.network, flags['network-config'] ?? env['network-config'] ?? file['network-config']);
  const baseName = isNetworkName(params.name) ? params.name : 'regtest';
  const defaults = fileLayer(readJson(join(configDir, `${baseName}.json`), 'network defaults'), `config/${baseName}.json`);
  // A custom network keeps its own ports, which its definition carries.
  if (!isNetworkName(params.name)) Object.assign(defaults, { 'rpc-port': params.defaultRpcPort, 'p2p-port': params.defaultP2pPort });
  const merged: Record<string, unknown> = { datadir };
  const layers: Array<[OptionLayer, string]> = [
    [defaults, `config/${baseName}.json`],
    ...guard(() => datadirLayers(datadir, params.name, rootConf)),
    [file, `config file ${String(configPath)}`],
    [env, 'environment'],
    [flags, 'command line'],
  ];
  for (const [layer, source] of layers) {
    for (const [name, value] of Object.entries(layer)) if (value !== undefined && name !== 'datadir') merged[name] = convert(name as OptionName, value, source);
  }
  return toNodeOptions(merged, params);
}

/** A data-dir file's mistake is an options mistake: one line, exit code 2. */
function guard<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ConfigFileError) throw new OptionsError(err.message);
    throw err;
  }
}

function toNodeOptions(m: Record<string, unknown>, params: NetworkParams): NodeOptions {
  const datadir = String(m.datadir);
  if ((m['rpc-user'] === undefined) !== (m['rpc-password'] === undefined)) throw new OptionsError('--rpc-user and --rpc-password go together (or neither, for the cookie file)');
  return {
    params,
    datadir,
    networkDir: join(datadir, params.name),
    rpcPort: m['rpc-port'] as number,
    rpcBind: m['rpc-bind'] as string,
    rpcUser: m['rpc-user'] as string | undefined,
    rpcPassword: m['rpc-password'] as string | undefined,
    p2pPort: m['p2p-port'] as number,
    p2pBind: m['p2p-bind'] as string,
    peers: (m.peer as string[] | undefined) ?? [],
    connect: (m.connect as string[] | undefined) ?? [],
    seeds: (m.seed as string[] | undefined) ?? [],
    listen: (m.listen as boolean | undefined) ?? true,
    discover: (m.discover as boolean | undefined) ?? true,
    maxOutbound: (m['max-outbound'] as number | undefined) ?? 8,
    blockRelayOnly: (m['block-relay-only'] as number | undefined) ?? 2,
    announceInterval: m['announce-interval'] as number | undefined,
    feelerInterval: m['feeler-interval'] as number | undefined,
    mine: (m.mine as boolean | undefined) ?? false,
    txindex: (m.txindex as boolean | undefined) ?? false,
    blockFilterIndex: (m.blockfilterindex as boolean | undefined) ?? false,
    mineInterval: (m['mine-interval'] as number | undefined) ?? 0,
    miningAddress: m['mining-address'] as string | undefined,
    threads: (m.threads as number | undefined) ?? 0,
    logLevel: (m['log-level'] as LogLevel | undefined) ?? 'info',
    logFile: m['log-file'] === undefined ? undefined : resolve(join(datadir, params.name), expandHomeOnly(m['log-file'] as string)),
    logRotateMb: (m['log-rotate-size'] as number | undefined) ?? 10,
    logRotateKeep: (m['log-rotate-keep'] as number | undefined) ?? 5,
    pidFile: m['pid-file'] === undefined ? undefined : resolve(join(datadir, params.name), expandHomeOnly(m['pid-file'] as string)),
    maxConnections: m['max-connections'] as number,
    banSeconds: m['ban-seconds'] as number,
    fallbackFee: m['fallback-fee'] as number,
    mempoolSync: m['mempool-sync'] as number,
    walletRebroadcast: m['wallet-rebroadcast'] as number,
    minimumChainWork: m['minimum-chain-work'] === undefined ? undefined : parseWork(m['minimum-chain-work'] as string),
    dbcache: (m.dbcache as number | undefined) ?? 450,
    maxTipAge: (m.maxtipage as number | undefined) ?? 86_400,
    assumeValid: assumeValidOption(m.assumevalid),
    attackerShare: attackerShareOption(m.attackershare),
    // Off on main, where a page showing the wallet is not something to turn on by surprise.
    dashboard: (m.dashboard as boolean | undefined) ?? params.name !== 'main',
    dashboardPort: (m['dashboard-port'] as number | undefined) ?? 0,
    reindex: m.reindex ? 'full' : m['reindex-chainstate'] ? 'chainstate' : undefined,
  };
}

function attackerShareOption(value: unknown): number {
  if (value === undefined) return 0.1;
  const share = value as number;
  if (share > 1) throw new OptionsError(`--attackershare needs a fraction of the hash rate from 0 to 1, got ${share}`);
  return share;
}

function assumeValidOption(value: unknown): string | undefined {
  if (value === undefined || value === '0') return undefined;
  const hash = String(value).toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new OptionsError(`--assumevalid needs a block hash (64 hex digits) or 0, got ${JSON.stringify(value)}`);
  return hash;
}

/** `--name value` lines for --help, from the one table. */
export function optionsHelp(): string {
  return Object.entries(OPTION_SPECS)
    .map(([name, spec]) => `  --${`${name}${spec.kind === 'bool' ? '' : ' X'}`.padEnd(22)} ${spec.doc} (env ${envName(name as OptionName)})`)
    .join('\n');
}

function parseWork(text: string): bigint {
  if (!/^(0x)?[0-9a-fA-F]{1,64}$/.test(text)) throw new OptionsError(`--minimum-chain-work needs a hex number of at most 64 digits, got ${JSON.stringify(text)}`);
  return BigInt(text.startsWith('0x') ? text : `0x${text}`);
}
