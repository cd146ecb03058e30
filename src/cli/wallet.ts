/** `powcoin wallet address|balance|send ADDRESS AMOUNT`: everyday shortcuts over the RPC. */
import { callWithWait } from './call.js';
import { CliError, connect, splitFlags } from './connection.js';
import { CALL_BOOL_FLAGS, CALL_VALUE_FLAGS, type CliIo, normalizeDashes, reportError, runCall, waitOptions } from './rpc.js';

export const WALLET_USAGE = `Usage: powcoin wallet [connection flags] address | balance | send ADDRESS AMOUNT

  address              a new receiving address (getnewaddress)
  balance              the spendable balance (getbalance)
  send ADDRESS AMOUNT  pays AMOUNT coins to ADDRESS (sendtoaddress); prints the txid

Connection flags are those of 'powcoin rpc'.`;

const defaultIo: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

function callFor(rest: readonly string[]): { method: string; params: unknown[] } {
  const [action, ...args] = rest;
  if (action === 'address' && args.length === 0) return { method: 'getnewaddress', params: [] };
  if (action === 'balance' && args.length === 0) return { method: 'getbalance', params: [] };
  // The amount goes as a string: parsed exactly by the node, never through a float.
  if (action === 'send' && args.length === 2) return { method: 'sendtoaddress', params: [args[0], args[1]] };
  throw new CliError(WALLET_USAGE, 2);
}

export async function walletCommand(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    io.out(`${WALLET_USAGE}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  try {
    const { flags, rest, extra } = splitFlags(normalizeDashes(argv), CALL_VALUE_FLAGS, CALL_BOOL_FLAGS);
    const { method, params } = callFor(rest);
    const wait = waitOptions(extra);
    const connection = connect(flags, extra['rpc-host'], io.env, true);
    return await runCall(() => callWithWait(connection, method, params, wait), io, connection.client.options.url);
  } catch (err) {
    return reportError(err, io, '');
  }
}
