// The image's HEALTHCHECK: `powcoin rpc getblockcount` with the options the running node was
// started with (its flags, and the POWCOIN_* environment the container shares), so the network,
// RPC port and credentials (user/password or the cookie in the data dir) are the node's own.
// It loads only the RPC client side of the CLI, not the whole node: it runs every few seconds.
import { readFileSync, readdirSync } from 'node:fs';
import { connect, splitFlags } from '/app/dist/src/cli/connection.js';

function nodeFlags() {
  for (const pid of ['1', ...readdirSync('/proc').filter((name) => /^\d+$/.test(name))]) {
    let args;
    try {
      args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      continue;
    }
    const bin = args.findIndex((arg) => arg.endsWith('/powcoin'));
    if (bin >= 0 && args[bin + 1] === 'node') return args.slice(bin + 2);
  }
  return [];
}

try {
  const { flags } = splitFlags(nodeFlags());
  const { client } = connect(flags, undefined);
  client.options.timeoutMs = 5_000;
  process.stdout.write(`${await client.call('getblockcount')}\n`);
} catch (err) {
  process.stderr.write(`unhealthy: ${err.message}\n`);
  process.exitCode = 1;
}
