/** `powcoin wallet address|balance|send ADDRESS AMOUNT`: everyday shortcuts over the RPC. */
import { CliError, connect, normalizeWalletFlag, splitFlags } from './connection.js';
import { type CliIo, reportError, runCall } from './rpc.js';
import { SEED_USAGE, runSeedAction, seedAction } from './wallet-seed.js';

export const WALLET_USAGE = `Usage: powcoin wallet [connection flags] [--rpcwallet NAME] ACTION

  address              a new receiving address (getnewaddress)
  balance              the spendable balance (getbalance)
  send ADDRESS AMOUNT  pays AMOUNT coins to ADDRESS (sendtoaddress); prints the txid
  payments [COUNT]     the last COUNT (10) payments with confirmations and reversal_probability:
                       the chance an attacker with --attackershare of the hash rate reverses each
  tx TXID              one payment (gettransaction), with its reversal_probability
${SEED_USAGE}

Connection flags are those of 'powcoin rpc'; --rpcwallet NAME picks one of several loaded wallets.`;

const defaultIo: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

function callFor(rest: readonly string[]): { method: string; params: unknown[] } {
  const [action, ...args] = rest;
  if (action === 'address' && args.length === 0) return { method: 'getnewaddress', params: [] };
  if (action === 'balance' && args.length === 0) return { method: 'getbalance', params: [] };
  // The amount goes as a string: parsed exactly by the node, never through a float.
  if (action === 'payments' && args.length <= 1 && (args.length === 0 || /^\d+$/.test(args[0]))) return { method: 'listtransactions', params: ['*', args.length ? Number(args[0]) : 10] };
  if (action === 'tx' && args.length === 1) return { method: 'gettransaction', params: [args[0]] };
  if (action === 'send' && args.length === 2) return { method: 'sendtoaddress', params: [args[0], args[1]] };
  throw new CliError(WALLET_USAGE, 2);
}

export async function walletCommand(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    io.out(`${WALLET_USAGE}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  try {
    const { flags, rest, extra } = splitFlags(normalizeWalletFlag(argv), ['rpc-host', 'rpcwallet']);
    const seed = seedAction(rest, io.env ?? process.env);
    if (seed) {
      // createwallet is a node-wide call: only mnemonic goes to a named wallet's endpoint.
      const { client } = connect(flags, extra['rpc-host'], io.env, seed.action === 'mnemonic' ? extra.rpcwallet : undefined);
      return await runSeedAction(seed, client, io);
    }
    const { method, params } = callFor(rest);
    const { client } = connect(flags, extra['rpc-host'], io.env, extra.rpcwallet);
    return await runCall(() => client.callRaw(method, params), io, client.options.url);
  } catch (err) {
    return reportError(err, io, '');
  }
}
