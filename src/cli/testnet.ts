/**
 * `powcoin testnet [--docker] up|status|pay|partition|heal|rpc|down`: a testnet of several
 * nodes, as local processes on 127.0.0.1 or, with --docker, as the containers of
 * docker/docker-compose.yml (docs/testnet.md). The work is in src/testnet/.
 */
import { parseArgs } from 'node:util';
import { RpcClientError } from '../rpc/client-error.js';
import { RpcError } from '../rpc/errors.js';
import {
  DEFAULT_BASE_PORT,
  DEFAULT_NODES,
  DockerTestnet,
  LocalBackend,
  type TestnetBackend,
  TestnetError,
  defaultTestnetDir,
  dockerConfigFromEnv,
  downTestnet,
  ensureDocker,
  findNode,
  formatStatus,
  heal,
  partition,
  pay,
  testnetStatus,
  upTestnet,
} from '../testnet/testnet.js';
import { type CliIo, parseCliArg, runCall } from './rpc.js';

export const TESTNET_USAGE = `Usage: powcoin testnet [--docker] <command> [--dir DIR] [options]

A testnet: several powcoin nodes connected through a seed node. By default local processes on
127.0.0.1, each with its own data dir and ports under DIR; with --docker the containers of
docker/docker-compose.yml (seed, miner1, miner2, wallet; compose project
$POWCOIN_TESTNET_PROJECT, default powcoin-testnet). The same commands for both (docs/testnet.md).

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
                --monitoring         (--docker) also start Prometheus (compose profile
                                     'monitoring'), on 127.0.0.1:$POWCOIN_PROMETHEUS_PORT (9090)
                --no-build           (--docker) use the images built before
  status      each node's height, tip, peers, hash rate, difficulty, mempool and balance
                --json               as JSON
                --watch S            redraw every S seconds until Ctrl-C
  pay FROM TO AMOUNT
              pays AMOUNT coins from FROM's wallet to a new address of TO (a node or an address)
                --fund               when FROM cannot pay AMOUNT, a miner with mature coins
                                     pays FROM first (waiting for its coinbases to mature)
                --wait               wait until the block confirming it is on every node
  partition NODE
              cuts NODE off (local: it bans every other node; docker: its container leaves
              the network), so it mines on its own branch
  heal NODE   lifts NODE's bans and reconnects it to the seed; the chain with most work wins
  rpc NODE METHOD [ARGS...]
              calls one node's JSON-RPC, as 'powcoin rpc'
  down        stops every node (SIGTERM, SIGKILL after --timeout S, default 30) and removes
              DIR's testnet files (docker: the containers, network and volumes)
                --keep               keep the chains and wallets ('up' restarts them; local)

NODE is a name (node2; docker: seed, miner1, miner2, wallet), an index (2), or 'seed' /
'wallet' / 'miner' when only one node has that role. DIR defaults to $POWCOIN_TESTNET_DIR,
else ~/.powcoin-testnet.`;

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
  fund: { type: 'boolean' },
  docker: { type: 'boolean' },
  monitoring: { type: 'boolean' },
  'no-build': { type: 'boolean' },
  keep: { type: 'boolean' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function numberFlag(values: Record<string, unknown>, name: string, integer: boolean): number | undefined {
  const text = values[name];
  if (typeof text !== 'string') return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new TestnetError('usage', `--${name} needs a non-negative ${integer ? 'integer' : 'number'}, got '${text}'`);
  }
  return value;
}

function positionals(args: string[], count: number, usage: string): string[] {
  if (args.length !== count) throw new TestnetError('usage', `usage: powcoin testnet ${usage}`);
  return args;
}

/** The back end a command acts on: the local testnet in DIR, or the compose project. */
function openBackend(docker: boolean | undefined, dir: string, io: CliIo): TestnetBackend {
  if (docker) return new DockerTestnet(dockerConfigFromEnv(io.env ?? process.env), (line) => io.err(`testnet: ${line}\n`));
  return LocalBackend.open(dir);
}

function dockerOnly(values: Record<string, unknown>, command: string): void {
  for (const flag of ['monitoring', 'no-build']) {
    if (values[flag] && !values.docker) throw new TestnetError('usage', `--${flag} is for 'powcoin testnet --docker ${command}'`);
  }
}

export async function testnetCommand(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  // `--docker` may come before the command: `powcoin testnet --docker up`.
  const docker = argv[0] === '--docker';
  const [command, ...rest] = docker ? [argv[1], '--docker', ...argv.slice(2)] : argv;
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
      throw new TestnetError('usage', (err as Error).message.replace(/\. To specify a positional argument.*$/, ''));
    }
    const { values, positionals: args } = parsed;
    if (values.help) {
      io.out(`${TESTNET_USAGE}\n`);
      return 0;
    }
    const dir = values.dir ?? defaultTestnetDir(io.env ?? process.env);
    if (values.docker && values.dir) throw new TestnetError('usage', '--dir is for a local testnet; the docker one is named by $POWCOIN_TESTNET_PROJECT');
    dockerOnly(values, command);
    switch (command) {
      case 'up': {
        positionals(args, 0, 'up [options]');
        if (values.docker) return await dockerUp(values, io);
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
          const backend = openBackend(values.docker, dir, io);
          const rows = await testnetStatus(backend);
          if (values.json) io.out(`${JSON.stringify({ [backend.kind === 'local' ? 'dir' : 'project']: backend.kind === 'local' ? backend.where : (backend as DockerTestnet).config.project, network: backend.network, nodes: rows }, null, 2)}\n`);
          else io.out(`${watch ? '\x1b[2J\x1b[H' : ''}${formatStatus(backend, rows)}\n`);
          if (!watch) return rows.every((row) => row.running && !row.error) ? 0 : 1;
          await new Promise((resolve) => setTimeout(resolve, watch * 1000));
        }
      }
      case 'pay': {
        const [from, to, amount] = positionals(args, 3, 'pay FROM TO AMOUNT [--fund] [--wait]');
        const result = await pay(openBackend(values.docker, dir, io), from, to, amount, { wait: values.wait, fund: values.fund });
        if (values.json) io.out(`${JSON.stringify(result, null, 2)}\n`);
        else {
          if (result.funding) say(`funded first: ${result.funding.from} paid ${from} ${result.funding.amount} (txid ${result.funding.txid})`);
          say(result.txid);
          if (values.wait) say(result.blockhash ? `confirmed in block ${result.blockhash} on ${result.confirmedOn!.join(', ')}` : 'not confirmed yet (timed out waiting)');
        }
        return 0;
      }
      case 'partition': {
        const [ref] = positionals(args, 1, 'partition NODE');
        const node = await partition(openBackend(values.docker, dir, io), ref);
        say(`${node.name} is cut off from the other nodes; 'powcoin testnet heal ${node.name}' joins it again`);
        return 0;
      }
      case 'heal': {
        const [ref] = positionals(args, 1, 'heal NODE');
        const node = await heal(openBackend(values.docker, dir, io), ref);
        say(`${node.name} is connected again; the branch with the most work wins`);
        return 0;
      }
      case 'down': {
        positionals(args, 0, 'down [--keep] [--timeout S]');
        if (values.docker) {
          if (values.keep) throw new TestnetError('usage', "--keep is for a local testnet ('docker compose stop' keeps the containers)");
          await new DockerTestnet(dockerConfigFromEnv(io.env ?? process.env), (line) => io.err(`testnet: ${line}\n`)).down();
          say('removed the compose testnet: containers, network and volumes');
          return 0;
        }
        const timeout = numberFlag(values, 'timeout', false);
        const result = await downTestnet(dir, { keep: values.keep, timeoutMs: timeout === undefined ? undefined : timeout * 1000 }, say);
        say(`stopped ${result.stopped.length} node${result.stopped.length === 1 ? '' : 's'}${result.killed.length ? ` (killed: ${result.killed.join(', ')})` : ''}; ${result.removed ? 'removed the testnet' : `kept the data in ${dir}`}`);
        return 0;
      }
      default:
        throw new TestnetError('usage', `unknown testnet command '${command}'; try 'powcoin testnet --help'`);
    }
  } catch (err) {
    return report(err, io);
  }
}

/** `testnet rpc [--docker | --dir DIR] NODE METHOD [ARGS...]`: the flags end at the node's name, so ARGS may start with '-'. */
async function rpc(argv: string[], io: CliIo): Promise<number> {
  let dir: string | undefined;
  let docker = false;
  let i = 0;
  while (i < argv.length && (argv[i].startsWith('--dir') || argv[i] === '--docker')) {
    if (argv[i] === '--docker') docker = true;
    else dir = argv[i].includes('=') ? argv[i].slice('--dir='.length) : argv[++i];
    i++;
  }
  const [ref, method, ...args] = argv.slice(i);
  if (!ref || !method) throw new TestnetError('usage', 'usage: powcoin testnet [--docker] rpc [--dir DIR] NODE METHOD [ARGS...]');
  const backend = openBackend(docker, dir ?? defaultTestnetDir(io.env ?? process.env), io);
  const node = findNode(backend, ref);
  if (!(await backend.running(node))) throw new TestnetError('not-running', `${node.name} is not running; see ${backend.whereToLook(node)}`);
  return runCall(() => backend.callRaw(node, method, args.map(parseCliArg)), io, `${backend.where} ${node.name}`);
}

/** `testnet --docker up`: Docker made usable, the images built, the compose testnet started and shown. */
async function dockerUp(values: Record<string, unknown>, io: CliIo): Promise<number> {
  const check = await ensureDocker();
  if (!check.ok) throw new TestnetError('docker-unavailable', `Docker cannot be used here: ${check.reason}`);
  const testnet = new DockerTestnet(dockerConfigFromEnv(io.env ?? process.env, values.monitoring === true), (line) => io.err(`testnet: ${line}\n`));
  await testnet.up({ build: values['no-build'] !== true });
  io.out(`${formatStatus(testnet, await testnetStatus(testnet))}\n`);
  const { ports } = testnet.config;
  io.out(`RPC: 127.0.0.1 ports ${testnet.nodes.map((node) => `${node.name} ${ports[node.name]}`).join(', ')} (credentials in docker/.env)\n`);
  if (testnet.config.monitoring) io.out(`Prometheus: http://127.0.0.1:${testnet.config.prometheusPort}/ (scraping every node's /metrics)\n`);
  return 0;
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
