/**
 * Tear-down that happens whatever the test does: from the test's own `finally`, from the file's
 * `after` hook (which runs even when the runner's timeout abandons a test body still waiting on
 * Docker), and on SIGINT/SIGTERM. It runs once; when the orderly `down` fails (a loaded machine,
 * a stuck engine) it falls back to removing by label whatever the run created.
 */
import { after } from 'node:test';
import { must, run } from '../../src/testnet/testnet.js';

export function alwaysTearDown(what: string, down: () => Promise<void>, label: string): () => Promise<void> {
  let done: Promise<void> | undefined;
  const teardown = (): Promise<void> =>
    (done ??= (async () => {
      for (let attempt = 1; attempt <= 3; attempt++) {
        try {
          await down();
          return;
        } catch (err) {
          process.stderr.write(`[docker teardown] ${what}: down failed (attempt ${attempt}): ${(err as Error).message}\n`);
        }
      }
      await removeByLabel(label);
    })());
  after(teardown);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void teardown().finally(() => process.exit(128 + (signal === 'SIGINT' ? 2 : 15))));
  }
  return teardown;
}

/** Removes every service, container, network and volume carrying `label` (key=value). */
export async function removeByLabel(label: string): Promise<void> {
  const filter = ['--filter', `label=${label}`];
  const ids = async (args: string[]) => (await run('docker', [...args, '-q', ...filter])).stdout.split('\n').filter(Boolean);
  const services = await ids(['service', 'ls']);
  if (services.length > 0) await run('docker', ['service', 'rm', ...services]);
  const containers = await ids(['ps', '-a']);
  if (containers.length > 0) await must('docker', ['rm', '-f', '-v', ...containers]);
  const networks = await ids(['network', 'ls']);
  if (networks.length > 0) await run('docker', ['network', 'rm', ...networks]);
  const volumes = await ids(['volume', 'ls']);
  if (volumes.length > 0) await run('docker', ['volume', 'rm', '-f', ...volumes]);
}
