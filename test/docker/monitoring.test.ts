/**
 * The compose testnet's `monitoring` profile (npm run test:docker; not part of npm test): build
 * the Prometheus image from Debian's `prometheus` package, bring up the four nodes with it, and
 * wait until Prometheus's targets API shows every node's /metrics scraped (logged in with the
 * RPC credentials, which /metrics requires) and a query of the chain height answers one value
 * per node that agrees with the node's own RPC. Then tear down, leaving nothing behind. Skipped,
 * with the reason, when scripts/docker/ensure-docker.sh finds Docker cannot work here.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alwaysTearDown } from './teardown.js';
import { failureLogs, freePort, leftovers, log, until } from './helpers.js';
import { DOCKER_NODES, DockerTestnet, dockerConfigFromEnv, ensureDocker, must } from '../../src/testnet/testnet.js';

const PROJECT = 'powcoin-monitortest';
const docker = await ensureDocker();

interface Target {
  labels: Record<string, string>;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  scrapeUrl: string;
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

test('docker compose monitoring profile: Prometheus scrapes every node', { skip: docker.ok ? false : `Docker cannot be used here: ${docker.reason}`, timeout: 30 * 60_000 }, async () => {
  const ports = { seed: await freePort(), miner1: await freePort(), miner2: await freePort(), wallet: await freePort() };
  const prometheusPort = await freePort();
  const testnet = new DockerTestnet({
    ...dockerConfigFromEnv(),
    project: PROJECT,
    network: PROJECT,
    image: 'powcoin:dockertest',
    prometheusImage: 'powcoin-prometheus:dockertest',
    ports,
    prometheusPort,
    monitoring: true,
  });
  const prometheus = async <T>(path: string): Promise<T> => {
    const response = await fetch(`http://127.0.0.1:${prometheusPort}${path}`, { signal: AbortSignal.timeout(15_000) });
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? body.status}`);
    return body.data;
  };
  const names = DOCKER_NODES.map((node) => node.name).sort();
  await testnet.down(false).catch(() => undefined); // an earlier run that was killed
  const teardown = alwaysTearDown('compose monitoring', () => testnet.down(), `com.docker.compose.project=${PROJECT}`);
  let failed = true;
  try {
    log('building the images (powcoin, and Prometheus from Debian packages)');
    await testnet.buildImages();
    await testnet.up({ build: false, timeoutMs: 240_000 });
    log('four nodes answer RPC, Prometheus started');

    const prometheusId = await testnet.containerId('prometheus');
    const published = (await must('docker', ['port', prometheusId, '9090/tcp'])).trim().split('\n');
    assert.deepEqual(published, [`127.0.0.1:${prometheusPort}`], "Prometheus's port is published on 127.0.0.1 only");

    // /metrics is behind the RPC's basic auth: Prometheus scrapes only because it logs in.
    const anonymous = await fetch(`http://127.0.0.1:${ports.seed}/metrics`);
    assert.equal(anonymous.status, 401, '/metrics refuses a scrape without the RPC credentials');

    const targets = await until('Prometheus to scrape every node (targets up)', 300_000, async () => {
      const data = await prometheus<{ activeTargets: Target[] }>('/api/v1/targets?state=active');
      const nodes = data.activeTargets.filter((target) => target.labels.job === 'powcoin');
      const down = nodes.filter((target) => target.health !== 'up');
      if (down.length > 0) log(`targets not up yet: ${down.map((t) => `${t.labels.node} ${t.health} ${t.lastError}`).join('; ')}`);
      return nodes.length === names.length && down.length === 0 ? nodes : undefined;
    });
    assert.deepEqual(targets.map((target) => target.labels.node).sort(), names);
    assert.ok(targets.every((target) => /:28632\/metrics$/.test(target.scrapeUrl)), 'each node is scraped at its RPC port');

    // The chain height of every node, as Prometheus stored it, once the miners have mined.
    const samples = await until('powcoin_chain_height for every node, past the genesis', 300_000, async () => {
      const data = await prometheus<{ resultType: string; result: Sample[] }>(`/api/v1/query?query=${encodeURIComponent('powcoin_chain_height{job="powcoin"}')}`);
      const byNode = new Map(data.result.map((sample) => [sample.metric.node, Number(sample.value[1])]));
      return names.every((name) => (byNode.get(name) ?? 0) >= 1) ? byNode : undefined;
    });
    for (const name of names) {
      // A scrape is at most a few seconds old, and a chain only grows here: never ahead of the node.
      const height = await testnet.rpc<number>(name as (typeof DOCKER_NODES)[number]['name'], 'getblockcount');
      assert.ok(samples.get(name)! <= height, `${name}: Prometheus has height ${samples.get(name)}, the node ${height}`);
    }
    log(`Prometheus has the chain height of every node: ${[...samples].map(([node, height]) => `${node} ${height}`).join(', ')}`);
    // Another series of the dashboard's, through a PromQL function: RPC calls answered by each
    // node. Waited for: a node's first counted call (up's readiness check) can come after the
    // scrape that gave its height, and Prometheus has it only from the next scrape on.
    const withCalls = await until('powcoin_rpc_calls_total for every node', 120_000, async () => {
      const rpc = await prometheus<{ result: Sample[] }>(`/api/v1/query?query=${encodeURIComponent('sum by (node) (powcoin_rpc_calls_total{job="powcoin"})')}`);
      const nodes = rpc.result.filter((sample) => Number(sample.value[1]) >= 1).map((sample) => sample.metric.node).sort();
      return nodes.length === names.length ? nodes : undefined;
    });
    assert.deepEqual(withCalls, names, 'every node reports its RPC calls');
    failed = false;
  } finally {
    if (failed) {
      log(`compose logs (empty blocks left out):\n${await failureLogs((args) => testnet.compose(args))}`);
    }
    await teardown();
    const left = await leftovers(PROJECT);
    assert.deepEqual(left, [], 'docker compose down left these behind');
    log('torn down, nothing left');
  }
});
