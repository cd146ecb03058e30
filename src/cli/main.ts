// Subcommands load lazily: `rpc`, `wallet`, `--help` and `--version` (client.ts) must not pay for
// the node stack (libp2p, LevelDB, fastify, workers), which takes over a second to import.
// bin/powcoin runs the client commands from a one-file bundle of client.ts and comes here for the rest.

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'mine') return (await import('./mine.js')).mineCommand(rest);
  if (command === 'testnet') return (await import('./testnet.js')).testnetCommand(rest);
  if (command === 'node') {
    // Exit explicitly once stopped: a straggling handle must not keep a stopped daemon alive.
    process.exit(await (await import('./node.js')).nodeCommand(rest));
  }
  const code = await (await import('./client.js')).clientMain(argv);
  if (code !== undefined) return code;
  process.stderr.write(`powcoin: unknown command '${command}'; try 'powcoin --help'\n`);
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
