/** `powcoin node [flags]`: runs the daemon until SIGINT/SIGTERM or the `stop` RPC. */
import type { DestinationStream } from 'pino';
import { createLogging, openLogFile } from '../node/logger.js';
import { PowcoinNode } from '../node/node.js';
import { OptionsError, loadNodeOptions, optionsHelp } from '../node/options.js';
import { removePidFile, writePidFile } from '../node/pid-file.js';

export const NODE_USAGE = `Usage: powcoin node [options]

Runs a powcoin node. Options (each also settable in a --config JSON file under its flag
name, in <datadir>/<network>/powcoin.conf as key=value, or as an environment variable;
flags win over variables, variables over the files):
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
  let logFile: DestinationStream | undefined;
  try {
    if (options.logFile) logFile = await openLogFile(options.logFile, options.logRotateMb, options.logRotateKeep);
  } catch (err) {
    process.stderr.write(`powcoin node: cannot open the log file ${options.logFile}: ${(err as Error).message}\n`);
    return 1;
  }
  const logging = createLogging(options.logLevel, { extra: logFile ? [logFile] : [] });
  const log = logging.child('node');
  let node: PowcoinNode;
  try {
    node = await PowcoinNode.start(options, logging);
  } catch (err) {
    // One line says why (a locked or damaged data dir says how to fix it); the stack is for --log-level debug.
    const { code } = err as { code?: unknown };
    log.error(typeof code === 'string' ? { code } : {}, `failed to start: ${(err as Error).message}`);
    log.debug({ err }, 'failed to start: stack');
    if (!log.isLevelEnabled('error')) process.stderr.write(`powcoin node: failed to start: ${(err as Error).message}\n`);
    logging.flush();
    return 1;
  }
  if (options.pidFile) writePidFile(options.pidFile);
  const onSignal = (signal: string) => {
    log.info({ signal }, 'signal received');
    void node.stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await node.stopped;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (options.pidFile) removePidFile(options.pidFile);
  logging.flush();
  return 0;
}
