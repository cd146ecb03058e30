/**
 * How `powcoin rpc|wallet|mine` find the node: the same options as `powcoin node` (flags,
 * POWCOIN_* variables, --config), plus --rpc-host; credentials from --rpc-user/--rpc-password,
 * else the cookie in the data dir, as bitcoin-cli reads it.
 */
import { readCookie } from '../rpc/auth.js';
import type { JsonRpcClient } from '../rpc/client-base.js';
import { OneShotRpcClient } from '../rpc/one-shot-client.js';
import { loadNodeOptions, type NodeOptions } from '../node/options.js';
import { OPTION_SPECS } from '../node/option-schema.js';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface Connection {
  client: JsonRpcClient;
  options: NodeOptions;
  /** 'missing': no cookie yet (the node is down, starting, or uses another data dir). */
  auth: 'password' | 'cookie' | 'missing';
  /** Reads the cookie again (a starting node writes it); true when found. */
  reloadCookie(): boolean;
}

/** Splits leading `--flag [value]` pairs (node options and --rpc-host) from the positional rest. */
export function splitFlags(
  argv: readonly string[],
  extraValueFlags: readonly string[] = [],
  extraBoolFlags: readonly string[] = [],
): { flags: string[]; rest: string[]; extra: Record<string, string> } {
  const flags: string[] = [];
  const extra: Record<string, string> = {};
  let i = 0;
  for (; i < argv.length && argv[i].startsWith('--'); i++) {
    const [name, inline] = argv[i].slice(2).split(/=(.*)/s, 2);
    if (extraBoolFlags.includes(name)) {
      extra[name] = inline ?? 'true';
      continue;
    }
    const spec = (OPTION_SPECS as Record<string, { kind: string }>)[name];
    const takesValue = extraValueFlags.includes(name) || (spec !== undefined && spec.kind !== 'bool');
    const value = inline ?? (takesValue ? argv[++i] : undefined);
    if (takesValue && value === undefined) throw new CliError(`--${name} needs a value`, 2);
    if (extraValueFlags.includes(name)) extra[name] = value!;
    else flags.push(`--${name}`, ...(takesValue ? [value!] : []));
  }
  return { flags, rest: argv.slice(i), extra };
}

/** bitcoin-cli spells it `-rpcwallet=NAME`; we take that, `--rpcwallet NAME` and `--rpcwallet=NAME`. */
export function normalizeWalletFlag(argv: readonly string[]): string[] {
  return argv.map((arg) => (arg === '-rpcwallet' || arg.startsWith('-rpcwallet=') ? `-${arg}` : arg));
}

export interface ConnectOptions {
  /** Call the /wallet/<name> endpoint (bitcoin-cli's -rpcwallet). */
  wallet?: string;
  /** A missing cookie is not an error yet (the call tells whether the node is down or the credentials are elsewhere; --rpcwait waits). */
  lenient?: boolean;
}

/** The client for the node these options name. */
export function connect(flags: readonly string[], host: string | undefined, env: NodeJS.ProcessEnv = process.env, { wallet, lenient = false }: ConnectOptions = {}): Connection {
  let options: NodeOptions;
  try {
    options = loadNodeOptions({ argv: flags, env });
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
  const target = host ?? (['0.0.0.0', '::'].includes(options.rpcBind) ? '127.0.0.1' : options.rpcBind);
  const hostPart = target.includes(':') ? `[${target}]` : target;
  const path = wallet === undefined ? '' : `wallet/${encodeURIComponent(wallet)}`;
  // One connection a call, as bitcoin-cli: the CLI's processes are short-lived (rpc/one-shot-client.ts).
  const client = new OneShotRpcClient({ url: `http://${hostPart}:${options.rpcPort}/${path}`, credentials: { user: '', password: '' } });
  const connection: Connection = {
    client,
    options,
    auth: 'missing',
    reloadCookie() {
      try {
        client.options.credentials = readCookie(options.networkDir);
        connection.auth = 'cookie';
        return true;
      } catch {
        return false;
      }
    },
  };
  if (options.rpcUser !== undefined) {
    client.options.credentials = { user: options.rpcUser, password: options.rpcPassword ?? '' };
    connection.auth = 'password';
  } else if (!connection.reloadCookie() && !lenient) throw new CliError(missingCookieMessage(options.networkDir));
  return connection;
}

export function missingCookieMessage(networkDir: string): string {
  return `Could not locate RPC credentials. No authentication cookie could be found in ${networkDir}, and no --rpc-password is set.`;
}
