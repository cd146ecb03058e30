import type { AssumeutxoEntry, NetworkParams } from './types.js';

/** A network definition that failed validation; `field` names the offending key. */
export class NetworkConfigError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`network field '${field}': ${problem}`);
    this.name = 'NetworkConfigError';
  }
}

type Parser<T> = (value: unknown, field: string) => T;

const MAX_UINT256 = (1n << 256n) - 1n;
const MAX_INT64 = (1n << 63n) - 1n;
const SLUG = /^[a-z0-9][a-z0-9._-]{0,63}$/;

function describe(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

function integer(min: number, max = Number.MAX_SAFE_INTEGER): Parser<number> {
  return (value, field) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new NetworkConfigError(field, `expected an integer from ${min} to ${max}, got ${describe(value)}`);
    }
    return value;
  };
}

function boolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new NetworkConfigError(field, `expected true or false, got ${describe(value)}`);
  return value;
}

function slug(value: unknown, field: string): string {
  // Names end up in directory names and gossip topics, so keep them plain.
  if (typeof value !== 'string' || !SLUG.test(value)) {
    throw new NetworkConfigError(field, `expected lowercase letters, digits, '.', '_' or '-' (at most 64), got ${describe(value)}`);
  }
  return value;
}

function hex(minBytes: number, maxBytes: number): Parser<string> {
  return (value, field) => {
    if (typeof value !== 'string' || !/^([0-9a-fA-F]{2})+$/.test(value)) {
      throw new NetworkConfigError(field, `expected an even-length hex string, got ${describe(value)}`);
    }
    const bytes = value.length / 2;
    if (bytes < minBytes || bytes > maxBytes) {
      throw new NetworkConfigError(field, `expected ${minBytes === maxBytes ? minBytes : `${minBytes} to ${maxBytes}`} bytes, got ${bytes}`);
    }
    return value.toLowerCase();
  };
}

/** JSON cannot hold a bigint: amounts come as integers or decimal strings of base units. */
function amount(min: bigint): Parser<bigint> {
  return (value, field) => {
    let parsed: bigint | undefined;
    if (typeof value === 'bigint') parsed = value;
    else if (typeof value === 'number' && Number.isSafeInteger(value)) parsed = BigInt(value);
    else if (typeof value === 'string' && /^[0-9]{1,19}$/.test(value)) parsed = BigInt(value);
    if (parsed === undefined || parsed < min || parsed > MAX_INT64) {
      throw new NetworkConfigError(field, `expected base units from ${min} to 2^63-1 as an integer or decimal string, got ${describe(value)}`);
    }
    return parsed;
  };
}

/** Targets are written in hex, as Core's chainparams and the vectors do, with or without 0x. */
function target(value: unknown, field: string): bigint {
  let parsed: bigint | undefined;
  if (typeof value === 'bigint') parsed = value;
  else if (typeof value === 'string' && /^(0x)?[0-9a-fA-F]{1,64}$/.test(value)) parsed = BigInt(value.startsWith('0x') ? value : `0x${value}`);
  if (parsed === undefined || parsed <= 0n || parsed > MAX_UINT256) {
    throw new NetworkConfigError(field, `expected a 256-bit target above zero as a hex string, got ${describe(value)}`);
  }
  return parsed;
}

/** Chain work, in hex as Core's chainparams write it (with or without 0x); zero allowed. */
function work(value: unknown, field: string): bigint {
  let parsed: bigint | undefined;
  if (typeof value === 'bigint') parsed = value;
  else if (typeof value === 'string' && /^(0x)?[0-9a-fA-F]{1,64}$/.test(value)) parsed = BigInt(value.startsWith('0x') ? value : `0x${value}`);
  if (parsed === undefined || parsed < 0n || parsed > MAX_UINT256) {
    throw new NetworkConfigError(field, `expected a 256-bit chain work as a hex string, got ${describe(value)}`);
  }
  return parsed;
}

function bech32Prefix(value: unknown, field: string): string {
  // A P2WPKH address adds 40 characters to the prefix and BIP173 allows 90 in all; mixed case is invalid.
  if (typeof value !== 'string' || !/^[a-z0-9]{1,50}$/.test(value)) {
    throw new NetworkConfigError(field, `expected 1 to 50 lowercase letters or digits, got ${describe(value)}`);
  }
  return value;
}

function peers(value: unknown, field: string): readonly string[] {
  if (!Array.isArray(value) || !value.every((p) => typeof p === 'string' && p.startsWith('/') && p.length > 1)) {
    throw new NetworkConfigError(field, `expected a list of multiaddr strings such as /ip4/1.2.3.4/tcp/8633/p2p/<id>, got ${describe(value)}`);
  }
  return Object.freeze([...value]);
}

/** `{ "<height>": { blockHash, txoutsetHash, chainTxCount } }`, hashes in display-order hex. */
function assumeutxo(value: unknown, field: string): Readonly<Record<number, AssumeutxoEntry>> {
  const table = plainObject(value, field);
  const out: Record<number, AssumeutxoEntry> = {};
  for (const [key, raw] of Object.entries(table)) {
    const where = `${field}.${key}`;
    if (!/^(0|[1-9][0-9]{0,9})$/.test(key) || Number(key) > 0x7fffffff) throw new NetworkConfigError(where, 'expected a block height as the key');
    const entry = plainObject(raw, where);
    for (const name of Object.keys(entry)) {
      if (!['blockHash', 'txoutsetHash', 'chainTxCount'].includes(name)) throw new NetworkConfigError(`${where}.${name}`, 'unknown field');
    }
    out[Number(key)] = Object.freeze({
      blockHash: hex(32, 32)(entry.blockHash, `${where}.blockHash`),
      txoutsetHash: hex(32, 32)(entry.txoutsetHash, `${where}.txoutsetHash`),
      chainTxCount: integer(1)(entry.chainTxCount, `${where}.chainTxCount`),
    });
  }
  return Object.freeze(out);
}

const port = integer(1, 65535);
const height = integer(0, 0x7fffffff);

const FIELDS: { readonly [K in keyof NetworkParams]: Parser<NetworkParams[K]> } = {
  name: slug,
  genesisBlock: hex(81, 4_000_000),
  genesisHash: hex(32, 32),
  powLimit: target,
  retargetInterval: integer(1, 0x7fffffff),
  // A quarter of it is the shortest period a retarget counts, which must not be zero.
  targetTimespan: integer(4, 0x7fffffff),
  targetSpacing: integer(1, 0x7fffffff),
  noRetargeting: boolean,
  initialSubsidy: amount(0n),
  halvingInterval: integer(1, 0x7fffffff),
  coinbaseMaturity: height,
  maxMoney: amount(1n),
  maxBlockWeight: integer(4000, 0x7fffffff),
  bip34Height: height,
  segwitHeight: height,
  p2wpkhOnly: boolean,
  bech32Prefix,
  defaultP2pPort: port,
  defaultRpcPort: port,
  protocolName: slug,
  bootstrapPeers: peers,
  minimumChainWork: work,
  maxTipAge: integer(1, 0x7fffffff),
  assumeutxo,
};

function isField(key: string): key is keyof NetworkParams {
  return Object.prototype.hasOwnProperty.call(FIELDS, key);
}

function plainObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new NetworkConfigError(what, `expected an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** Validates and converts each field present (hex targets, string amounts); unknown keys are typos, so refused. */
export function parseNetworkOverrides(json: unknown): Partial<NetworkParams> {
  const input = plainObject(json, '(network)');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue; // a typed Partial may spell out what it leaves alone
    if (!isField(key)) throw new NetworkConfigError(key, 'unknown field');
    out[key] = FIELDS[key](value, key);
  }
  return out as Partial<NetworkParams>;
}

function checkConsistent(params: NetworkParams, overrides: Partial<NetworkParams>): void {
  if ((overrides.genesisBlock === undefined) !== (overrides.genesisHash === undefined)) {
    throw new NetworkConfigError(overrides.genesisBlock === undefined ? 'genesisBlock' : 'genesisHash', 'genesisBlock and genesisHash must be given together');
  }
  if (params.initialSubsidy > params.maxMoney) {
    throw new NetworkConfigError('initialSubsidy', `${params.initialSubsidy} is above maxMoney ${params.maxMoney}`);
  }
  if (params.defaultP2pPort === params.defaultRpcPort) {
    throw new NetworkConfigError('defaultRpcPort', `must differ from defaultP2pPort ${params.defaultP2pPort}`);
  }
}

/**
 * A custom network: `base` with `overrides` applied, every field validated. A new name also
 * becomes the protocol name unless one is given, so a custom network never gossips on its
 * base's topics. The genesis block's hash and proof are checked by consensus code at startup,
 * since params import nothing.
 */
export function defineNetwork(overrides: Partial<NetworkParams>, base: NetworkParams): NetworkParams {
  const checked = parseNetworkOverrides(overrides);
  const merged: NetworkParams = { ...base, ...checked };
  if (checked.name !== undefined && checked.protocolName === undefined) {
    (merged as { protocolName: string }).protocolName = checked.name;
  }
  for (const key of Object.keys(FIELDS) as (keyof NetworkParams)[]) FIELDS[key](merged[key] as never, key);
  checkConsistent(merged, checked);
  return Object.freeze(merged);
}

/**
 * A network from a config file's JSON: `base` names one of `bases` and every other key
 * overrides it, e.g. `{ "base": "regtest", "name": "demo", "noRetargeting": false, "retargetInterval": 20 }`.
 */
export function parseNetworkConfig(json: unknown, bases: Readonly<Record<string, NetworkParams>>): NetworkParams {
  const { base, ...rest } = plainObject(json, '(network)');
  if (typeof base !== 'string' || !Object.prototype.hasOwnProperty.call(bases, base)) {
    throw new NetworkConfigError('base', `expected one of ${Object.keys(bases).join(', ')}, got ${describe(base)}`);
  }
  return defineNetwork(parseNetworkOverrides(rest), bases[base]);
}
