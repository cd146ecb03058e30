/** Shared by the docker tests: free ports, progress lines, waits, and what a compose project left behind. */
import { createServer } from 'node:net';
import { must, until as untilEvery } from '../../src/testnet/testnet.js';

export function log(message: string): void {
  process.stderr.write(`[docker test ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls `probe` every second until it answers a value; fails naming `what` after `timeoutMs`. */
export function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined | false>): Promise<T> {
  return untilEvery(what, timeoutMs, probe, 1_000);
}

/** Leftovers of a compose project, by compose's own labels. */
export async function leftovers(project: string): Promise<string[]> {
  const label = `label=com.docker.compose.project=${project}`;
  const [containers, networks, volumes] = await Promise.all([
    must('docker', ['ps', '-a', '-q', '--filter', label]),
    must('docker', ['network', 'ls', '-q', '--filter', `name=^${project}$`]),
    must('docker', ['volume', 'ls', '-q', '--filter', label]),
  ]);
  return [
    ...containers.split('\n').filter(Boolean).map((id) => `container ${id}`),
    ...networks.split('\n').filter(Boolean).map((id) => `network ${id}`),
    ...volumes.split('\n').filter(Boolean).map((id) => `volume ${id}`),
  ];
}

/** Lines of each service's log printed when a scenario fails. */
const FAILURE_LOG_LINES = 400;

/**
 * A failed scenario's compose logs, for the CI output: each service's last lines without its
 * empty blocks (a miner connects dozens a minute; they crowded out the events around a payment
 * that never confirmed).
 */
export async function failureLogs(compose: (args: string[]) => Promise<string>): Promise<string> {
  const logs = await compose(['logs', '--no-color', '--tail', String(FAILURE_LOG_LINES)]).catch((err: Error) => err.message);
  return logs
    .split('\n')
    .filter((line) => !(line.includes('"msg":"block connected"') && line.includes('"txs":1,')))
    .join('\n');
}
