/**
 * Settings kept in the data dir, read by the node and by `powcoin rpc`/`wallet` alike, so a CLI
 * call finds the RPC port and credentials without repeating flags (Core reads bitcoin.conf there).
 *
 *   <datadir>/powcoin.conf             Core-style `key=value`, `#` comments, optional [main]/[test]/
 *                                      [regtest] sections (and `regtest.rpcport=` prefixes); may name
 *                                      the network (`chain=regtest`, `regtest=1`, `network=regtest`)
 *   <datadir>/<network>/powcoin.conf   the same, for that network only
 *   <datadir>/<network>/powcoin.json   the JSON form (keys are flag names, "//" keys are comments)
 *
 * Keys are our flag names or Core's (rpcport, rpcuser, rpcpassword, rpcbind, port, bind, addnode,
 * seednode, maxconnections, bantime). Lists (peer=, seed=, connect=) take one value per line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPTION_SPECS, type OptionLayer, type OptionName, isOptionName } from './option-schema.js';

export const CONF_FILE = 'powcoin.conf';
export const JSON_FILE = 'powcoin.json';

const CORE_NAMES: Record<string, OptionName> = {
  rpcport: 'rpc-port',
  rpcbind: 'rpc-bind',
  rpcuser: 'rpc-user',
  rpcpassword: 'rpc-password',
  port: 'p2p-port',
  bind: 'p2p-bind',
  addnode: 'peer',
  seednode: 'seed',
  maxconnections: 'max-connections',
  bantime: 'ban-seconds',
  loglevel: 'log-level',
  debuglogfile: 'log-file',
  pid: 'pid-file',
};

/** Keys a data-dir file cannot set: they decide which data dir and file are read. */
const NOT_IN_DATADIR: readonly string[] = ['datadir', 'config', 'network-config'];
const NETWORKS = ['main', 'test', 'regtest'];

export class ConfigFileError extends Error {
  override readonly name = 'ConfigFileError';
}

export interface ParsedConf {
  /** The network the file names at top level, if any. */
  network?: string;
  top: OptionLayer;
  sections: Record<string, OptionLayer>;
}

function optionName(key: string, source: string, line: number): OptionName {
  const name = CORE_NAMES[key] ?? key;
  if (!isOptionName(name)) throw new ConfigFileError(`${source}:${line}: unknown option '${key}'`);
  if (NOT_IN_DATADIR.includes(name)) throw new ConfigFileError(`${source}:${line}: '${key}' cannot be set in a data-dir config file`);
  return name;
}

function put(layer: OptionLayer, name: OptionName, value: string): void {
  if (OPTION_SPECS[name].kind === 'list') layer[name] = [...((layer[name] as string[] | undefined) ?? []), value];
  else layer[name] = value;
}

/** Parses Core-style `key=value` text; values stay strings (checked later with the rest). */
export function parseConf(text: string, source: string): ParsedConf {
  const parsed: ParsedConf = { top: {}, sections: {} };
  let section: string | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') return;
    const header = /^\[([a-z]+)\]$/.exec(line);
    if (header) {
      if (!NETWORKS.includes(header[1])) throw new ConfigFileError(`${source}:${i + 1}: unknown section [${header[1]}] (main, test or regtest)`);
      section = header[1];
      return;
    }
    const eq = line.indexOf('=');
    let key = (eq < 0 ? line : line.slice(0, eq)).trim().replace(/^-+/, '');
    const value = eq < 0 ? '1' : line.slice(eq + 1).trim();
    let target = section;
    const dotted = /^(main|test|regtest)\.(.+)$/.exec(key);
    if (dotted) [, target, key] = dotted;
    if (target === undefined && (key === 'chain' || key === 'network')) {
      parsed.network = value;
      return;
    }
    if (target === undefined && (key === 'regtest' || key === 'testnet')) {
      if (value === '1') parsed.network = key === 'testnet' ? 'test' : 'regtest';
      return;
    }
    const layer = target === undefined ? parsed.top : (parsed.sections[target] ??= {});
    put(layer, optionName(key, source, i + 1), value);
  });
  return parsed;
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigFileError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

/** `<datadir>/powcoin.conf`, parsed, or nothing when absent. */
export function readDatadirConf(datadir: string): ParsedConf | undefined {
  const path = join(datadir, CONF_FILE);
  const text = readIfPresent(path);
  return text === undefined ? undefined : parseConf(text, path);
}

/** The layers for one network from the data dir's files, lowest priority first, with their names. */
export function datadirLayers(datadir: string, network: string, root: ParsedConf | undefined): Array<[OptionLayer, string]> {
  const layers: Array<[OptionLayer, string]> = [];
  const rootPath = join(datadir, CONF_FILE);
  if (root) {
    layers.push([root.top, rootPath]);
    if (root.sections[network]) layers.push([root.sections[network], `${rootPath} [${network}]`]);
  }
  const confPath = join(datadir, network, CONF_FILE);
  const conf = readIfPresent(confPath);
  if (conf !== undefined) {
    const parsed = parseConf(conf, confPath);
    layers.push([{ ...parsed.top, ...parsed.sections[network] }, confPath]);
  }
  const jsonPath = join(datadir, network, JSON_FILE);
  const json = readIfPresent(jsonPath);
  if (json !== undefined) layers.push([jsonLayer(json, jsonPath), jsonPath]);
  return layers;
}

function jsonLayer(text: string, source: string): OptionLayer {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConfigFileError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigFileError(`${source} must hold a JSON object`);
  const layer: OptionLayer = {};
  for (const [key, v] of Object.entries(value)) {
    if (key.startsWith('//')) continue;
    layer[optionName(key, source, 0)] = v;
  }
  return layer;
}
