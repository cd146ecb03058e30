/**
 * `powcoin mine`: the standalone miner. Against a node (mine-remote.ts) it mines over
 * getblocktemplate/submitblock; with --benchmark, in the spirit of cpuminer's, it hashes with the
 * worker pool for a while and reports the rate per thread and in total.
 */
import { parseArgs } from 'node:util';
import { type Hashrate, NoncePool } from '../miner/nonce-pool.js';
import { bestSearchImpl } from '../miner/search.js';
import { availableParallelism } from 'node:os';
import { mineRemoteCommand } from './mine-remote.js';

export const MINE_USAGE = `Usage: powcoin mine --benchmark [--threads N] [--seconds S]
       powcoin mine [connection flags] --address ADDR [--threads N] [--blocks N]

Options:
  --address ADDR  address the coinbase pays (mining against a node)
  --blocks N      stop after N accepted blocks (default: run until Ctrl-C)
  --benchmark     hash a dummy header and report the hash rate (no node needed)
  --threads N     worker threads (default: one per core, ${availableParallelism()} here)
  --seconds S     how long to run the benchmark (default 10)
  -h, --help      show this help

Connection flags are those of 'powcoin rpc' (--network, --datadir, --rpc-host, --rpc-port,
--rpc-user, --rpc-password): the node's cookie is read from the data dir by default.`;

export interface BenchmarkOptions {
  threads: number;
  seconds: number;
}

/** Thrown for bad command-line input: printed as one line, exit code 2. */
class UsageError extends Error {}

function positiveNumber(flag: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${flag} needs a positive ${integer ? 'integer' : 'number'}, got '${text}'`);
  }
  return value;
}

function parseMineArgs(argv: readonly string[]): { help: boolean; benchmark: boolean; options: BenchmarkOptions } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        benchmark: { type: 'boolean' },
        threads: { type: 'string' },
        seconds: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  const threads = positiveNumber('threads', values.threads, true) ?? availableParallelism();
  const seconds = positiveNumber('seconds', values.seconds, false) ?? 10;
  if (threads > 1024) throw new UsageError(`--threads ${threads} is more than 1024`);
  return { help: values.help ?? false, benchmark: values.benchmark ?? false, options: { threads, seconds } };
}

function megahashes(rate: number): string {
  return `${(rate / 1e6).toFixed(2)} MH/s`;
}

/** One line like cpuminer's: the total and each thread's rate. */
function rateLine(rate: Hashrate): string {
  return `total ${megahashes(rate.total)} (${rate.perThread.map((r, i) => `#${i} ${megahashes(r)}`).join(', ')})`;
}

/** Dummy work: a fixed header and target 0, which no hash meets, so the pool never stops early. */
const BENCHMARK_HEADER = new Uint8Array(80).fill(0x5a);

export async function runBenchmark(options: BenchmarkOptions, out: NodeJS.WritableStream = process.stdout): Promise<Hashrate> {
  const impl = bestSearchImpl();
  const pool = new NoncePool({ threads: options.threads, impl, hashrateWindowMs: options.seconds * 1000 + 1000 });
  out.write(`powcoin mine --benchmark: ${options.threads} thread(s), ${impl === 'wasm' ? 'wasm-simd' : 'js'} SHA-256 loop, ${options.seconds} s\n`);
  const began = performance.now();
  const endAt = began + options.seconds * 1000;
  const live = setInterval(() => out.write(`  ${((performance.now() - began) / 1000).toFixed(0).padStart(3)} s  ${rateLine(pool.hashrate())}\n`), 1000);
  try {
    // Restart the range if a long benchmark ever exhausts all 2^32 nonces.
    const timer = setTimeout(() => pool.cancel(), options.seconds * 1000);
    while (performance.now() < endAt) {
      const result = await pool.mine({ header: BENCHMARK_HEADER, target: 0n });
      if ('cancelled' in result) break;
    }
    clearTimeout(timer);
  } finally {
    clearInterval(live);
  }
  const elapsed = (performance.now() - began) / 1000;
  const rate = pool.hashrate();
  const hashes = pool.hashes;
  await pool.close();
  for (const [i, threadRate] of rate.perThread.entries()) out.write(`thread ${i}: ${megahashes(threadRate)}\n`);
  out.write(`total: ${megahashes(rate.total)} (${hashes.toLocaleString('en-US')} hashes in ${elapsed.toFixed(1)} s, ${megahashes(hashes / elapsed)} wall clock)\n`);
  return rate;
}

async function benchmarkCommand(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseMineArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`powcoin mine: ${error.message}\n${MINE_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${MINE_USAGE}\n`);
    return 0;
  }
  await runBenchmark(args.options);
  return 0;
}

/** `powcoin mine ...`; returns the exit code. */
export async function mineCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--benchmark') || argv.includes('--help') || argv.includes('-h')) return benchmarkCommand(argv);
  return mineRemoteCommand(argv);
}
