/** Logs an operator can read: rounded figures, one line per event, a failed start in one line, log and pid files. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogging } from '../../src/node/logger.js';
import { type Daemon, freePort, startDaemon } from './daemon.js';
import { waitFor } from '../testnet/harness.js';

function collector(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

describe('log lines', () => {
  test('JSON: figures rounded, integers and strings untouched, debug per component', () => {
    const out = collector();
    const logging = createLogging('info', { pretty: false, destination: out.stream });
    logging.child('miner').info({ hashrate: 1427.0155286238064, small: 0.000123456, height: 7, fees: '0.00001' }, 'mined');
    logging.child('p2p').debug({}, 'hidden');
    logging.setDebug(['p2p'], []);
    logging.child('p2p').debug({}, 'shown');
    logging.child('chain').debug({}, 'still hidden');
    const lines = out.text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines.map((l) => l.msg), ['mined', 'shown']);
    assert.deepEqual([lines[0].hashrate, lines[0].small, lines[0].height, lines[0].fees], [1427.02, 0.000123, 7, '0.00001']);
  });

  test('pretty: one line per event, component first', () => {
    const out = collector();
    const logging = createLogging('info', { pretty: true, destination: out.stream });
    logging.child('chain').info({ height: 5, hash: 'ab', txs: 1, blockTime: 1700000000 }, 'block connected');
    const text = out.text();
    assert.equal(text.trim().split('\n').length, 1, text);
    assert.match(text, /INFO.*chain: block connected.*"height":5/);
  });
});

describe('the daemon as a service', { timeout: 900_000 }, () => {
  let datadir: string;
  let daemon: Daemon;
  before(async () => {
    datadir = await mkdtemp(join(tmpdir(), 'powcoin-logging-'));
    daemon = await startDaemon(datadir, ['--log-file', 'debug.log', '--pid-file', 'powcoin.pid']);
  });
  after(async () => {
    if (daemon.proc.exitCode === null && daemon.proc.signalCode === null) daemon.proc.kill('SIGKILL');
    await rm(datadir, { recursive: true, force: true });
  });

  test('a block is one info event, with blockTime; the pid file names the process; the log file gets the lines', async () => {
    // Written once start() has finished, which goes on (miner, dashboard) after the RPC answers.
    const pidPath = join(daemon.networkDir, 'powcoin.pid');
    await waitFor('the pid file', async () => existsSync(pidPath), 60_000, 50);
    assert.equal(readFileSync(pidPath, 'utf8').trim(), String(daemon.proc.pid));
    await daemon.call('generatetoaddress', [1, await daemon.call<string>('getnewaddress')]);
    let lines: Array<Record<string, unknown>> = [];
    const until = Date.now() + 120_000;
    while (Date.now() < until) {
      lines = daemon.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      if (lines.some((l) => l.msg === 'block connected')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const connected = lines.find((l) => l.msg === 'block connected' && l.height === 1);
    assert.ok(connected, daemon.output());
    assert.equal(typeof connected.blockTime, 'number');
    assert.ok((connected.time as number) > 1e12, 'time stays the log time in ms');
    const infoAfter = lines.filter((l) => (l.level as number) >= 30 && (l.time as number) >= (connected.time as number) && l.msg !== 'block connected');
    assert.deepEqual(infoAfter.map((l) => l.msg), [], 'no other info event for the block');
    const files = readdirSync(daemon.networkDir).filter((name) => /^debug\.\d+\.log$/.test(name));
    assert.equal(files.length, 1, String(readdirSync(daemon.networkDir)));
    assert.match(readFileSync(join(daemon.networkDir, files[0]), 'utf8'), /"msg":"node ready"/);
  });

  test('a second node on the same data dir: one error line, exit 1, no stack, no stopping/stopped', async () => {
    const args = ['--import', 'tsx', join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts'), 'node', '--network', 'regtest', '--datadir', datadir, '--rpc-port', String(await freePort()), '--p2p-port', String(await freePort()), '--p2p-bind', '127.0.0.1'];
    const second = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    second.stdout.on('data', (chunk) => (output += chunk));
    second.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
    assert.equal(code, 1, output);
    const lines = output.trim().split('\n');
    assert.equal(lines.length, 1, output);
    assert.match(lines[0], /failed to start: .*already open in process/);
    assert.doesNotMatch(output, /stopping|stopped|\n\s+at /);
  });

  test('a clean stop removes the pid file', async () => {
    await daemon.call('stop');
    await daemon.exited;
    assert.equal(existsSync(join(daemon.networkDir, 'powcoin.pid')), false);
  });
});
