/** `powcoin node [flags]`: runs the daemon until SIGINT/SIGTERM or the `stop` RPC. */
import { createLogging } from '../node/logger.js';
import { PowcoinNode } from '../node/node.js';
import { isStoreError } from '../store/errors.js';
import { OptionsError, loadNodeOptions, optionsHelp } from '../node/options.js';

export const NODE_USAGE = `Usage: powcoin node [options]

Runs a powcoin node. Options (each also settable in a --config JSON file under its flag
name, or as an environment variable; flags win over variables, variables over the file):
${optionsHelp()}`;

export async function nodeCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${NODE_USAGE}\n`);
    return 0;
  }
  let options;
  try {
    options = loadNodeOptions({ argv, env: process.env });
  } catch (err) {
    if (!(err instanceof OptionsError)) throw err;
    process.stderr.write(`powcoin node: ${err.message}\n`);
    return 2;
  }
  // Keys, wallet records and the cookie are secrets: nothing the daemon writes (LevelDB's own
  // files included, which take their mode from the umask) is readable by other users.
  process.umask(0o077);
  const logging = createLogging(options.logLevel);
  let node: PowcoinNode;
  try {
    node = await PowcoinNode.start(options, logging);
  } catch (err) {
    // A damaged or locked store is the operator's to fix: its message says how; a stack trace would only bury it.
    if (isStoreError(err)) logging.child('node').error({ code: err.code }, err.message);
    else logging.child('node').error({ err }, 'failed to start');
    process.stderr.write(`powcoin node: ${(err as Error).message}\n`);
    return 1;
  }
  const onSignal = (signal: string) => {
    logging.child('node').info({ signal }, 'signal received');
    void node.stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await node.stopped;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return 0;
}
