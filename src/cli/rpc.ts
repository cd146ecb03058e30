/**
 * `powcoin rpc METHOD [ARGS...]`: bitcoin-cli's equivalent. Arguments that parse as JSON are
 * sent as JSON, others as strings. Output and exit codes as bitcoin-cli: a string result raw,
 * null as nothing, anything else indented JSON; an RPC error prints its code and message and
 * exits with |code| (the OS keeps the low 8 bits); transport problems exit 1.
 */
import { RpcError } from '../rpc/errors.js';

/** JSON-RPC's "Method not found" (kept literal: rpc/errors.js would be loaded whole for one number). */
const METHOD_NOT_FOUND = -32601;
import { RpcClientError } from '../rpc/client-error.js';
import { type WaitOptions, callWithWait } from './call.js';
import { CliError, connect, normalizeWalletFlag, splitFlags } from './connection.js';
import { memberText, prettyJson } from './json-text.js';

export const RPC_USAGE = `Usage: powcoin rpc [--network N] [--datadir D] [--rpc-host H] [--rpc-port P] [--rpc-user U --rpc-password W] [--rpcwallet NAME] [--rpcwait [--rpcwaittimeout S]] METHOD [ARGS...]

Calls the node's JSON-RPC method. ARGS are JSON when they parse as JSON, else strings.
--rpcwallet NAME (or bitcoin-cli's -rpcwallet=NAME) sends wallet calls to that loaded wallet.
Settings also come from <datadir>/<network>/powcoin.conf (rpcport=, rpcuser=, ...).
  --rpcwait              wait for the node to start (and finish loading) before calling
  --rpcwaittimeout S     give up waiting after S seconds (default 0: wait forever)
Try 'powcoin rpc help', or 'powcoin rpc help METHOD' for one method's arguments.`;

/** Flags of `rpc`/`wallet` that are not node options; -rpcwait works with one dash, as bitcoin-cli's. */
export const CALL_VALUE_FLAGS = ['rpc-host', 'rpcwaittimeout', 'rpcwallet'];
export const CALL_BOOL_FLAGS = ['rpcwait'];

export function normalizeDashes(argv: readonly string[]): string[] {
  return normalizeWalletFlag(argv).map((arg) => (/^-rpcwait(timeout)?(=|$)/.test(arg) ? `-${arg}` : arg));
}

export function waitOptions(extra: Record<string, string>): WaitOptions {
  const timeout = extra.rpcwaittimeout === undefined ? 0 : Number(extra.rpcwaittimeout);
  if (!Number.isFinite(timeout) || timeout < 0) throw new CliError(`--rpcwaittimeout needs seconds (0: forever), got '${extra.rpcwaittimeout}'`, 2);
  return { wait: extra.rpcwait !== undefined && extra.rpcwait !== '0' && extra.rpcwait !== 'false', timeoutSeconds: timeout };
}

export function parseCliArg(arg: string): unknown {
  try {
    return JSON.parse(arg);
  } catch {
    return arg;
  }
}

/** Prints the result as bitcoin-cli would. */
export function formatResult(resultText: string): string {
  const value = JSON.parse(resultText) as unknown;
  if (value === null) return '';
  if (typeof value === 'string') return `${value}\n`;
  return `${prettyJson(resultText)}\n`;
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}

const defaultIo: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** Runs one call and reports it; returns the exit code. */
export async function runCall(call: () => Promise<string>, io: CliIo, where: string): Promise<number> {
  try {
    const text = await call();
    const error = JSON.parse(memberText(text, 'error') ?? 'null') as { code: number; message: string } | null;
    if (error) throw new RpcError(error.code, error.message);
    io.out(formatResult(memberText(text, 'result') ?? 'null'));
    return 0;
  } catch (err) {
    return reportError(err, io, where);
  }
}

export function reportError(err: unknown, io: CliIo, where: string): number {
  if (err instanceof RpcError) {
    const hint = err.code === METHOD_NOT_FOUND ? `\nThe node has no such method; 'powcoin rpc help' lists them.\n` : '';
    io.err(`error code: ${err.code}\nerror message:\n${err.message}\n${hint}`);
    return Math.abs(err.code);
  }
  if (err instanceof RpcClientError && err.kind === 'unreachable') {
    io.err(`error: ${err.message} — is the node running?\n\nMake sure the powcoin node is running and that you are connecting to the correct RPC port${where ? ` (${where})` : ''}; --rpcwait waits for it to start.\n`);
    return 1;
  }
  if (err instanceof RpcClientError || err instanceof CliError) {
    io.err(`error: ${err.message}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  }
  throw err;
}

export async function rpcCommand(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') {
    io.out(`${RPC_USAGE}\n`);
    return 0;
  }
  try {
    const { flags, rest, extra } = splitFlags(normalizeDashes(argv), CALL_VALUE_FLAGS, CALL_BOOL_FLAGS);
    const [method, ...args] = rest;
    if (!method) throw new CliError(`too few parameters\n${RPC_USAGE}`, 2);
    const wait = waitOptions(extra);
    const connection = connect(flags, extra['rpc-host'], io.env, { wallet: extra.rpcwallet, lenient: true });
    return await runCall(() => callWithWait(connection, method, args.map(parseCliArg), wait), io, connection.client.options.url);
  } catch (err) {
    return reportError(err, io, '');
  }
}
