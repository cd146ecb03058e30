/**
 * `powcoin testnet up|status|pay|partition|heal|rpc|down`: a local testnet of several nodes on
 * 127.0.0.1, for machines without Docker (docs/testnet.md). The work is in src/testnet/.
 */
import { parseArgs } from 'node:util';
import { RpcClientError } from '../rpc/client.js';
import { RpcError } from '../rpc/errors.js';
import {
  DEFAULT_BASE_PORT,
  DEFAULT_NODES,
  TestnetError,
  clientFor,
  defaultTestnetDir,
  downTestnet,
  findNode,
  formatStatus,
  heal,
  isOurDaemon,
  partition,
  pay,
  readState,
  testnetStatus,
  upTestnet,
} from '../testnet/testnet.js';
import { type CliIo, parseCliArg, runCall } from './rpc.js';

export const TESTNET_USAGE = `Usage: powcoin testnet <command> [--dir DIR] [options]

A local testnet: several powcoin nodes as processes on 127.0.0.1, each with its own data dir
and ports under DIR, connected through a seed node. Without Docker (see docs/testnet.md).

Commands:
  up          start a testnet (or restart a stopped one in DIR)
                --nodes N            nodes in all (default ${DEFAULT_NODES}): node0 is the seed, node1..K mine,
                                     the rest are wallet nodes
                --miners K           mining nodes (default N-2); miner k mines with k threads
                --network-config F   the network definition (default config/networks/demo.json)
                --network NAME       or a built-in network: regtest, test
                --base-port P        node i: RPC port P+2i, p2p port P+2i+1 (default ${DEFAULT_BASE_PORT})
                --mine-interval S    least seconds between a miner's blocks (default 0 when
                                     the network retargets, else 1)
                --log-level L        the nodes' log level (default info)
  status      each node's height, tip, peers, hash rate, difficulty, mempool and balance
                --json               as JSON
                --watch S            redraw every S seconds until Ctrl-C
  pay FROM TO AMOUNT
              pays AMOUNT coins from FROM's wallet to a new address of TO (a node or an address)
                --wait               wait until the block confirming it is on every node
  partition NODE
              cuts NODE off: it bans every other node, so it mines on its own branch
  heal NODE   lifts NODE's bans and reconnects it to the seed; the chain with most work wins
  rpc NODE METHOD [ARGS...]
              calls one node's JSON-RPC, as 'powcoin rpc'
  down        stops every node (SIGTERM, SIGKILL after --timeout S, default 30) and removes
              DIR's testnet files
                --keep               keep the chains and wallets ('up' restarts them)

NODE is a name (node2), an index (2), or 'seed' / 'wallet' / 'miner' when only one node has
that role. DIR defaults to $POWCOIN_TESTNET_DIR, else ~/.powcoin-testnet.`;

const defaultIo: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

const OPTIONS = {
  dir: { type: 'string' },
  nodes: { type: 'string' },
  miners: { type: 'string' },
  'network-config': { type: 'string' },
  network: { type: 'string' },
  'base-port': { type: 'string' },
  'mine-interval': { type: 'string' },
  'log-level': { type: 'string' },
  json: { type: 'boolean' },
  watch: { type: 'string' },
  wait: { type: 'boolean' },
  keep: { type: 'boolean' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function numberFlag(values: Record<string, unknown>, name: string, integer: boolean): number | undefined {
  const text = values[name];
  if (typeof text !== 'string') return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new TestnetError(`--${name} needs a non-negative ${integer ? 'integer' : 'number'}, got '${text}'`, 2);
  }
  return value;
}

function positionals(args: string[], count: number, usage: string): string[] {
  if (args.length !== count) throw new TestnetError(`usage: powcoin testnet ${usage}`, 2);
  return args;
}

export async function testnetCommand(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(`${TESTNET_USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  const say = (line: string) => io.out(`${line}\n`);
  try {
    if (command === 'rpc') return await rpc(rest, io);
    let parsed;
    try {
      parsed = parseArgs({ args: [...rest], options: OPTIONS, strict: true, allowPositionals: true });
    } catch (err) {
      throw new TestnetError((err as Error).message.replace(/\. To specify a positional argument.*$/, ''), 2);
    }
    const { values, positionals: args } = parsed;
    if (values.help) {
      io.out(`${TESTNET_USAGE}\n`);
      return 0;
    }
    const dir = values.dir ?? defaultTestnetDir(io.env ?? process.env);
    switch (command) {
      case 'up': {
        positionals(args, 0, 'up [options]');
        const state = await upTestnet(
          {
            dir,
            nodes: numberFlag(values, 'nodes', true),
            miners: numberFlag(values, 'miners', true),
            networkConfig: values['network-config'],
            network: values.network,
            basePort: numberFlag(values, 'base-port', true),
            mineInterval: numberFlag(values, 'mine-interval', false),
            logLevel: values['log-level'],
          },
          say,
        );
        say(`testnet up: ${state.nodes.length} nodes in ${state.dir}; 'powcoin testnet status${values.dir ? ` --dir ${state.dir}` : ''}' shows them`);
        return 0;
      }
      case 'status': {
        positionals(args, 0, 'status [--json] [--watch S]');
        const watch = numberFlag(values, 'watch', false);
        for (;;) {
          const state = readState(dir);
          const rows = await testnetStatus(state);
          if (values.json) io.out(`${JSON.stringify({ dir: state.dir, network: state.network, nodes: rows }, null, 2)}\n`);
          else io.out(`${watch ? '\x1b[2J\x1b[H' : ''}${formatStatus(state, rows)}\n`);
          if (!watch) return rows.every((row) => row.running && !row.error) ? 0 : 1;
          await new Promise((resolve) => setTimeout(resolve, watch * 1000));
        }
      }
      case 'pay': {
        const [from, to, amount] = positionals(args, 3, 'pay FROM TO AMOUNT [--wait]');
        const result = await pay(readState(dir), from, to, amount, { wait: values.wait });
        if (values.json) io.out(`${JSON.stringify(result, null, 2)}\n`);
        else {
          say(result.txid);
          if (values.wait) say(result.blockhash ? `confirmed in block ${result.blockhash} on ${result.confirmedOn!.join(', ')}` : 'not confirmed yet (timed out waiting)');
        }
        return 0;
      }
      case 'partition': {
        const [ref] = positionals(args, 1, 'partition NODE');
        const node = await partition(readState(dir), ref);
        say(`${node.name} is cut off from the other nodes; 'powcoin testnet heal ${node.name}' joins it again`);
        return 0;
      }
      case 'heal': {
        const [ref] = positionals(args, 1, 'heal NODE');
        const node = await heal(readState(dir), ref);
        say(`${node.name} is connected again; the branch with the most work wins`);
        return 0;
      }
      case 'down': {
        positionals(args, 0, 'down [--keep] [--timeout S]');
        const timeout = numberFlag(values, 'timeout', false);
        const result = await downTestnet(dir, { keep: values.keep, timeoutMs: timeout === undefined ? undefined : timeout * 1000 }, say);
        say(`stopped ${result.stopped.length} node${result.stopped.length === 1 ? '' : 's'}${result.killed.length ? ` (killed: ${result.killed.join(', ')})` : ''}; ${result.removed ? 'removed the testnet' : `kept the data in ${dir}`}`);
        return 0;
      }
      default:
        throw new TestnetError(`unknown testnet command '${command}'; try 'powcoin testnet --help'`, 2);
    }
  } catch (err) {
    return report(err, io);
  }
}

/** `testnet rpc [--dir DIR] NODE METHOD [ARGS...]`: the flags end at the node's name, so ARGS may start with '-'. */
async function rpc(argv: string[], io: CliIo): Promise<number> {
  let dir: string | undefined;
  let i = 0;
  while (i < argv.length && argv[i].startsWith('--dir')) {
    dir = argv[i].includes('=') ? argv[i].slice('--dir='.length) : argv[++i];
    i++;
  }
  const [ref, method, ...args] = argv.slice(i);
  if (!ref || !method) throw new TestnetError('usage: powcoin testnet rpc [--dir DIR] NODE METHOD [ARGS...]', 2);
  const state = readState(dir ?? defaultTestnetDir(io.env ?? process.env));
  const node = findNode(state, ref);
  if (!isOurDaemon(node)) throw new TestnetError(`${node.name} is not running; see ${node.log}`);
  const client = clientFor(state, node);
  return runCall(() => client.callRaw(method, args.map(parseCliArg)), io, client.options.url);
}

function report(err: unknown, io: CliIo): number {
  if (err instanceof TestnetError) {
    io.err(`powcoin testnet: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof RpcError) {
    io.err(`powcoin testnet: the node answered error ${err.code}: ${err.message}\n`);
    return 1;
  }
  if (err instanceof RpcClientError) {
    io.err(`powcoin testnet: ${err.message}\n`);
    return 1;
  }
  throw err;
}
