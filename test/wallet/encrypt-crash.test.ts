/**
 * encryptwallet is crash safe: a real daemon is killed (SIGKILL) at a random moment of
 * encryptwallet's rewrite of the wallet database (the only part of the call that writes: the
 * key derivation before it touches no file), 20 times, each on a fresh copy of a funded wallet. After each crash the node
 * starts again; a wallet that says it is encrypted has no file in the data dir holding the mnemonic (or any three of its words in
 * a row), the BIP39 seed, the master or account xprv, or any of its private keys (WIF, hex or
 * raw bytes); and it unlocks and spends.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HDKey } from '@scure/bip32';
import { mnemonicToSeedSync } from '@scure/bip39';
import { networks } from '../../src/params/index.js';
import { toHex } from '../../src/primitives/bytes.js';
import { generatePrivateKey } from '../../src/primitives/keys.js';
import { accountPath, encodeWif, keyPath } from '../../src/wallet/index.js';
import { type Daemon, startDaemon } from '../node/daemon.js';

const ROUNDS = 20;
const PASSPHRASE = 'crash test passphrase';
const params = networks.regtest;

interface Secret {
  what: string;
  bytes: Buffer;
}

/** Every secret of the wallet that must never be on disk in the clear once it is encrypted. */
function secretsOf(mnemonic: string, imported: Uint8Array[]): Secret[] {
  const out: Secret[] = [{ what: 'mnemonic', bytes: Buffer.from(mnemonic) }];
  const words = mnemonic.split(' ');
  for (let i = 0; i + 3 <= words.length; i++) out.push({ what: `words ${i}..${i + 2}`, bytes: Buffer.from(words.slice(i, i + 3).join(' ')) });
  const seed = mnemonicToSeedSync(mnemonic);
  out.push({ what: 'seed hex', bytes: Buffer.from(toHex(seed)) }, { what: 'seed bytes', bytes: Buffer.from(seed) });
  const master = HDKey.fromMasterSeed(seed);
  out.push({ what: 'master xprv', bytes: Buffer.from(master.privateExtendedKey) });
  out.push({ what: 'account xprv', bytes: Buffer.from(master.derive(accountPath(params)).privateExtendedKey) });
  const keys: Uint8Array[] = [...imported];
  for (const branch of [0, 1] as const) for (let index = 0; index < 8; index++) keys.push(master.derive(keyPath(params, branch, index)).privateKey!);
  for (const key of keys) {
    out.push({ what: 'key hex', bytes: Buffer.from(toHex(key)) }, { what: 'key bytes', bytes: Buffer.from(key) }, { what: 'key wif', bytes: Buffer.from(encodeWif(key, params)) });
  }
  return out;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** "<file>: <secret>" for every secret found in any file under `dir`, read as raw bytes. */
async function plaintextIn(dir: string, secrets: Secret[]): Promise<string[]> {
  const found: string[] = [];
  for (const file of await filesUnder(dir)) {
    const content = await readFile(file).catch(() => Buffer.alloc(0));
    for (const secret of secrets) if (content.includes(secret.bytes)) found.push(`${file}: ${secret.what}`);
  }
  return found;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * encryptwallet as the test sees it from outside: the call, and the moment its rewrite began
 * (WalletStore.rewrite's `wallet.new`, or a later stage, on disk; or the call returned first).
 * Timing the kill from that moment, not from the call, keeps it inside the rewrite however long
 * the key derivation takes on a loaded machine (timed from the call, 20 kills under load all
 * fell before the rewrite).
 */
function watchEncrypt(daemon: Daemon): { call: Promise<unknown>; rewriteBegun: Promise<number> } {
  let settled = false;
  const call = daemon.call('encryptwallet', [PASSPHRASE]).finally(() => (settled = true));
  const wallet = join(daemon.networkDir, 'wallet');
  const begun = () => settled || ['.new', '.sealed', '.old'].some((stage) => existsSync(`${wallet}${stage}`));
  const rewriteBegun = (async () => {
    while (!begun()) await sleep(1);
    return performance.now();
  })();
  return { call, rewriteBegun };
}

describe('encryptwallet killed at random moments', { timeout: 60 * 60_000 }, () => {
  let base: string;
  let template: string;
  let secrets: Secret[];
  let mnemonic: string;
  let payee: string;
  let rewriteMs = 0;
  const running: Daemon[] = [];
  // The wallet is all this test is about: no dashboard (fastify and its assets) and no inbound
  // p2p, which 42 daemon starts would otherwise load for nothing.
  const start = async (dir: string) => {
    const daemon = await startDaemon(dir, ['--dashboard=0', '--listen=0']);
    running.push(daemon);
    return daemon;
  };
  const stop = async (daemon: Daemon) => {
    await daemon.call('stop');
    await daemon.exited;
  };

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'powcoin-enccrash-'));
    template = join(base, 'template');
    const daemon = await start(template);
    const address = await daemon.call<string>('getnewaddress');
    await daemon.call('generatetoaddress', [101, address]);
    payee = await daemon.call<string>('getnewaddress');
    const imported = generatePrivateKey();
    await daemon.call('importprivkey', [encodeWif(imported, params), 'imported', false]);
    mnemonic = await daemon.call<string>('dumpmnemonic');
    const dumped = await daemon.call<string>('dumpprivkey', [address]);
    assert.equal(dumped, encodeWif(HDKey.fromMasterSeed(mnemonicToSeedSync(mnemonic)).derive(keyPath(params, 0, 0)).privateKey!, params));
    secrets = secretsOf(mnemonic, [imported]);
    await stop(daemon);
    assert.ok((await plaintextIn(template, secrets)).length > 0, 'an unencrypted wallet has its seed on disk: the search finds it');
  });
  after(async () => {
    for (const daemon of running) if (daemon.proc.exitCode === null && daemon.proc.signalCode === null) daemon.proc.kill('SIGKILL');
    await rm(base, { recursive: true, force: true });
  });

  /**
   * After a crash (or none): the wallet opens with the seed written down and spends. Encrypted, it
   * has no secret left on disk. Not encrypted (the kill came before the swap), it is the untouched
   * wallet: encrypting it again is what the first test already checks, so it is not redone here.
   */
  async function checkAfter(dir: string): Promise<'encrypted' | 'untouched'> {
    const daemon = await start(dir);
    const info = await daemon.call<{ unlocked_until?: number }>('getwalletinfo');
    const outcome = info.unlocked_until === undefined ? 'untouched' : 'encrypted';
    if (outcome === 'encrypted') {
      assert.equal(await daemon.call('dumpmnemonic', [PASSPHRASE]), mnemonic, 'the seed is the one written down');
      await daemon.call('walletpassphrase', [PASSPHRASE, 600]);
    } else {
      assert.equal(await daemon.call('dumpmnemonic'), mnemonic, 'the seed is the one written down');
    }
    assert.match(await daemon.call<string>('sendtoaddress', [payee, 1]), /^[0-9a-f]{64}$/);
    await stop(daemon);
    if (outcome === 'encrypted') assert.deepEqual(await plaintextIn(dir, secrets), []);
    return outcome;
  }

  test("without a crash: encryptwallet leaves no plaintext, and its rewrite's duration sets the kill window", async () => {
    const dir = join(base, 'whole');
    await cp(template, dir, { recursive: true });
    const daemon = await start(dir);
    const { call, rewriteBegun } = watchEncrypt(daemon);
    await call;
    rewriteMs = performance.now() - (await rewriteBegun);
    await stop(daemon);
    assert.deepEqual(await plaintextIn(dir, secrets), []);
    assert.equal(await checkAfter(dir), 'encrypted');
  });

  test(`${ROUNDS} rounds of kill -9 at a random moment of encryptwallet`, async (t) => {
    const outcomes = { encrypted: 0, untouched: 0 };
    const round = async (index: number) => {
      const dir = join(base, `round-${index}`);
      await cp(template, dir, { recursive: true });
      const daemon = await start(dir);
      // Uniform over the rewrite (as long as it took without a crash, at least 20 ms) and a little
      // past it: a kill may come before the swap, during it, or after the call returned.
      const delay = Math.max(rewriteMs, 20) * Math.random() * 1.3;
      const { call, rewriteBegun } = watchEncrypt(daemon);
      const ended = call.catch(() => undefined); // the kill fails the call
      await rewriteBegun;
      await sleep(delay);
      daemon.proc.kill('SIGKILL');
      await daemon.exited;
      await ended;
      const outcome = await checkAfter(dir);
      outcomes[outcome]++;
      t.diagnostic(`round ${index}: killed ${delay.toFixed(0)} ms into a ${rewriteMs.toFixed(0)} ms rewrite: ${outcome}`);
      await rm(dir, { recursive: true, force: true });
    };
    // Two rounds at a time, each on its own data dir and daemon: the rounds are independent.
    for (let index = 0; index < ROUNDS; index += 2) await Promise.all([round(index), round(index + 1)]);
    t.diagnostic(`outcomes: ${JSON.stringify(outcomes)}`);
  });
});
