/**
 * `powcoin rpc METHOD [ARGS...]`: bitcoin-cli's equivalent. Arguments that parse as JSON are
 * sent as JSON, others as strings. Output and exit codes as bitcoin-cli: a string result raw,
 * null as nothing, anything else indented JSON; an RPC error prints its code and message and
 * exits with |code| (the OS keeps the low 8 bits); transport problems exit 1.
 */
import { RpcError } from '../rpc/errors.js';
import { RpcClientError } from '../rpc/client.js';
import { CliError, connect, normalizeWalletFlag, splitFlags } from './connection.js';
import { memberText, prettyJson } from './json-text.js';

export const RPC_USAGE = `Usage: powcoin rpc [--network N] [--datadir D] [--rpc-host H] [--rpc-port P] [--rpc-user U --rpc-password W] [--rpcwallet NAME] METHOD [ARGS...]

Calls the node's JSON-RPC method. ARGS are JSON when they parse as JSON, else strings.
--rpcwallet NAME (or bitcoin-cli's -rpcwallet=NAME) sends wallet calls to that loaded wallet.
Try 'powcoin rpc help'.`;

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
    io.err(`error code: ${err.code}\nerror message:\n${err.message}\n`);
    return Math.abs(err.code);
  }
  if (err instanceof RpcClientError && err.kind === 'unreachable') {
    io.err(`error: ${err.message}\n\nMake sure the powcoin node is running and that you are connecting to the correct RPC port (${where}).\n`);
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
    const { flags, rest, extra } = splitFlags(normalizeWalletFlag(argv), ['rpc-host', 'rpcwallet']);
    const [method, ...args] = rest;
    if (!method) throw new CliError(`too few parameters\n${RPC_USAGE}`, 2);
    const { client } = connect(flags, extra['rpc-host'], io.env, extra.rpcwallet);
    return await runCall(() => client.callRaw(method, args.map(parseCliArg)), io, client.options.url);
  } catch (err) {
    return reportError(err, io, '');
  }
}
