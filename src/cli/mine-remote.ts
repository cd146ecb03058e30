/**
 * `powcoin mine` against a node: flags, the worker pool, Ctrl-C, and lines printed from the
 * miner's events. The loop is the node's own (src/miner/miner.ts) with getblocktemplate as its
 * source and submitblock as its sink (src/miner/gbt-work.ts).
 */
import { availableParallelism } from 'node:os';
import { AddressError, addressToScript } from '../primitives/address.js';
import { GbtTemplateError } from '../miner/gbt-template.js';
import { gbtMiner } from '../miner/gbt-work.js';
import type { Miner } from '../miner/miner.js';
import { NoncePool } from '../miner/nonce-pool.js';
import { CliError, connect, splitFlags } from './connection.js';
import { reportError } from './rpc.js';

const OWN_FLAGS = ['rpc-host', 'address', 'blocks'];

function count(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new CliError(`--${name} needs a non-negative integer, got '${text}'`, 2);
  return value;
}

/** A line per block and a hash-rate line every few seconds, as cpuminer prints. */
export function printEvents(miner: Miner, print: (line: string) => void): void {
  miner.on('blockFound', ({ height, hash, status }) => print(`block ${height} ${hash} ${status === 'connected' ? 'accepted' : status}`));
  miner.on('blockRejected', ({ height, hash, code }) => print(`block ${height} ${hash} rejected: ${code}`));
  miner.on('status', ({ hashrate, blocksFound }) => print(`hashrate ${(hashrate / 1e6).toFixed(2)} MH/s, ${blocksFound} block(s) accepted`));
}

export async function mineRemoteCommand(argv: readonly string[]): Promise<number> {
  const io = { out: (t: string) => process.stdout.write(t), err: (t: string) => process.stderr.write(t) };
  let pool: NoncePool | undefined;
  try {
    const { flags, rest, extra } = splitFlags(argv, OWN_FLAGS);
    if (rest.length > 0) throw new CliError(`unexpected argument '${rest[0]}'; try 'powcoin mine --help'`, 2);
    const { client, options } = connect(flags, extra['rpc-host']);
    if (!extra.address) throw new CliError('--address ADDR is required: the coinbase must pay somewhere', 2);
    let payoutScript: Uint8Array;
    try {
      payoutScript = addressToScript(extra.address, options.params.bech32Prefix);
    } catch (err) {
      if (err instanceof AddressError) throw new CliError(`--address ${extra.address} is not a ${options.params.name} address: ${err.message}`, 2);
      throw err;
    }
    const threads = options.threads || availableParallelism();
    pool = new NoncePool({ threads });
    const miner = gbtMiner({ payoutScript, threads, maxBlocks: count('blocks', extra.blocks, 0), stopOnError: true }, { rpc: client, searcher: pool });
    printEvents(miner, (line) => io.out(`${line}\n`));
    io.out(`powcoin mine: ${threads} thread(s) against ${client.options.url}, paying ${extra.address}\n`);
    const onSignal = (): void => void miner.stop();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const accepted = await miner.run();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    io.out(`${accepted} block(s) accepted\n`);
    return 0;
  } catch (err) {
    // A template we cannot mine is the node's fault, told in one line like any other failure.
    const code = reportError(err instanceof GbtTemplateError ? new CliError(err.message, 1) : err, io, '');
    io.err("(to measure the hash rate without a node: 'powcoin mine --benchmark')\n");
    return code;
  } finally {
    await pool?.close();
  }
}
