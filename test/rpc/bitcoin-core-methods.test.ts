/**
 * The `bitcoin-core` npm client (v5) against a real daemon (`powcoin node --txindex`): each of
 * its methods that Bitcoin Core still has, called through the client's own method functions
 * with real arguments, each result checked for what Core would answer. The cases share one
 * chain and wallet and run in the order listed (later ones use what earlier ones made).
 *
 * Every current-Core method of the client is in exactly one list: CASES (must pass), TODO
 * (written, run as node:test TODO until the branch adding the method is merged; then delete it
 * from TODO) or NOT_PLANNED (answered "Method not found", with the reason).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ecc from '@bitcoinerlab/secp256k1';
import BitcoinCore from 'bitcoin-core';
import * as bitcoin from 'bitcoinjs-lib';
import { ECPairFactory } from 'ecpair';
import { HDKey } from '@scure/bip32';
import { basicFilterElements, buildGcsFilter, filterHeader } from '../../src/primitives/block-filter.js';
import { fromHex, hexToHash, toHex } from '../../src/primitives/bytes.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { readCookie } from '../../src/rpc/auth.js';
import { decodeMempoolDat, encodeMempoolDat } from '../../src/rpc/format/mempool-dat.js';
import { type Daemon, startDaemon } from '../node/daemon.js';
import { waitFor } from '../testnet/harness.js';

const ECPair = ECPairFactory(ecc);
const regtest: bitcoin.networks.Network = { messagePrefix: '\x18powcoin Signed Message:\n', bech32: 'pcrt', bip32: { public: 0x043587cf, private: 0x04358394 }, pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef };
const clientMethods = createRequire(import.meta.url)('bitcoin-core/src/methods.js') as Record<string, { version: string; category?: string }>;

/** Methods being added on other branches: their cases run as TODO until merged. */
export const TODO: Readonly<Record<string, string>> = {
};

/** Core methods powcoin does not offer, and why (answered -32601 "Method not found"). */
export const NOT_PLANNED: Readonly<Record<string, string>> = Object.fromEntries([
  // ---- chain, mempool, network and util methods (branch corechain) ----
  ['estimateFee', 'removed from Core in 0.17 (estimatesmartfee replaces it); the client still lists it'],
  // ---- end corechain ----
  // ---- wallet and descriptor methods (branch corewallet) ----
  ...['importAddress', 'importPubKey', 'importMulti', 'importWallet', 'dumpWallet', 'setHdSeed', 'upgradeWallet', 'newKeyPool', 'addMultiSigAddress', 'sendFrom', 'move', 'setTxFee', 'createWitnessAddress'].map((m) => [m, 'legacy (non-descriptor) wallet or long-deprecated call: Core removed it (legacy wallet gone in Core 30; sendfrom/move in 0.18)']),
  ...['createMultiSig'].map((m) => [m, 'multisig outputs: our chain pays only P2WPKH (DESIGN.md)']),
  ...['walletDisplayAddress', 'enumerateSigners'].map((m) => [m, 'external signers (-signer) are not supported']),
  // ---- end corewallet ----
]);

interface World {
  client: Record<string, (...args: unknown[]) => Promise<unknown>>;
  daemon: Daemon;
  dir: string;
  mine: string;
  other: string;
  hashes: string[];
  txid: string;
  hex: string;
  manyTxid: string;
  wif: string;
  rawHex: string;
  psbt: string;
  /** A coinbase paid to an outside key, added with importPrunedFunds. */
  prunedTxid: string;
}

type Case = [method: string, run: (w: World) => Promise<void>];

const num = (v: unknown): number => v as number;
const obj = (v: unknown): Record<string, any> => v as Record<string, any>;
/** The client parses into null-prototype objects; deepEqual wants plain ones. */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

/** A client of one wallet's endpoint (/wallet/<name>). */
function walletClient(daemon: Daemon, wallet: string): World['client'] {
  const credentials = readCookie(daemon.networkDir);
  return new BitcoinCore({ host: `http://127.0.0.1:${daemon.rpcPort}`, username: credentials.user, password: credentials.password, timeout: 120_000, wallet }) as unknown as World['client'];
}

/** One call at /wallet/ (the default wallet's endpoint), which the client cannot name. */
async function defaultWalletCall(daemon: Daemon, method: string, params: unknown[]): Promise<unknown> {
  const credentials = readCookie(daemon.networkDir);
  const response = await fetch(`http://127.0.0.1:${daemon.rpcPort}/wallet/`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '1.0', id: 1, method, params }),
  });
  const body = (await response.json()) as { result: unknown; error: { message: string } | null };
  if (body.error) throw new Error(body.error.message);
  return body.result;
}

/** The RPC error a call fails with. */
async function rpcError(call: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await call;
  } catch (err) {
    const { code, message } = err as { code: number; message: string };
    return { code, message };
  }
  throw new Error('the call was expected to fail');
}

/**
 * A header on `parentHash` with the fields of `tipHex` (an 80-byte header as hex) and a nonce
 * found here: regtest's target passes about every other hash.
 */
function headerBeside(tipHex: string, parentHash: string): { hex: string; hash: string } {
  const bytes = Buffer.from(tipHex, 'hex');
  Buffer.from(parentHash, 'hex').reverse().copy(bytes, 4);
  bytes.writeUInt32LE(bytes.readUInt32LE(68) + 1, 68);
  for (let nonce = 0; ; nonce++) {
    bytes.writeUInt32LE(nonce, 76);
    const hash = createHash('sha256').update(createHash('sha256').update(bytes).digest()).digest().reverse();
    if (hash[0] < 0x7f) return { hex: bytes.toString('hex'), hash: hash.toString('hex') };
  }
}

async function rpcCode(call: Promise<unknown>): Promise<number> {
  try {
    await call;
  } catch (err) {
    return (err as { code: number }).code;
  }
  throw new Error('the call was expected to fail');
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// ---- corechain helpers ----
/** What the corechain cases share (kept out of World so the wallet branch's edits stay apart). */
const corechain = {} as { a: string; aVout: number; b: string; proof: string; proofBlock: string; imported: string };

/**
 * A block on the same parent as `blockHex` with the same work: its time moved by `seconds`,
 * then nonces tried until the hash meets the (regtest, 0x207fffff) target.
 */
function sibling(blockHex: string, seconds: number): { hex: string; hash: string } {
  const bytes = Buffer.from(blockHex, 'hex');
  bytes.writeUInt32LE(bytes.readUInt32LE(68) + seconds, 68);
  const bits = bytes.readUInt32LE(72);
  const target = BigInt(bits & 0xffffff) << BigInt(8 * ((bits >>> 24) - 3));
  for (let nonce = 0; ; nonce++) {
    bytes.writeUInt32LE(nonce, 76);
    const hash = createHash('sha256').update(createHash('sha256').update(bytes.subarray(0, 80)).digest()).digest().reverse();
    if (BigInt(`0x${hash.toString('hex')}`) <= target) return { hex: bytes.toString('hex'), hash: hash.toString('hex') };
  }
}
// ---- end corechain helpers ----

/** In order: each case may use what the ones before it made. */
const CASES: Case[] = [
  ['help', async ({ client }) => {
    assert.match((await client.help()) as string, /== Blockchain ==/);
    assert.match((await client.help('getblock')) as string, /^getblock "blockhash"/);
  }],
  ['upTime', async ({ client }) => assert.ok(num(await client.upTime()) >= 0)],
  ['logging', async ({ client }) => assert.equal(typeof (await client.logging()), 'object')],
  ['getNewAddress', async (w) => {
    w.mine = (await w.client.getNewAddress()) as string;
    w.other = (await w.client.getNewAddress()) as string;
    assert.match(w.mine, /^pcrt1q[02-9ac-hj-np-z]{38}$/);
    assert.notEqual(w.mine, w.other);
  }],
  ['getRawChangeAddress', async ({ client, mine }) => {
    const change = (await client.getRawChangeAddress()) as string;
    assert.match(change, /^pcrt1q/);
    assert.notEqual(change, mine);
  }],
  ['validateAddress', async ({ client, mine }) => {
    assert.deepEqual(obj(await client.validateAddress(mine)).isvalid, true);
    assert.equal(obj(await client.validateAddress('pcrt1qnotanaddress')).isvalid, false);
  }],
  ['getAddressInfo', async ({ client, mine }) => {
    const info = obj(await client.getAddressInfo(mine));
    assert.equal(info.address, mine);
    assert.equal(info.ismine, true);
  }],
  ['generateToAddress', async (w) => {
    w.hashes = (await w.client.generateToAddress(101, w.mine)) as string[];
    assert.equal(w.hashes.length, 101);
    assert.equal(new Set(w.hashes).size, 101);
  }],
  ['getBlockCount', async ({ client }) => assert.equal(await client.getBlockCount(), 101)],
  ['getBestBlockHash', async ({ client, hashes }) => assert.equal(await client.getBestBlockHash(), hashes[100])],
  ['getBlockHash', async ({ client, hashes }) => assert.equal(await client.getBlockHash(1), hashes[0])],
  ['getBlock', async ({ client, hashes }) => {
    const block = obj(await client.getBlock(hashes[100]));
    assert.equal(block.height, 101);
    assert.equal(block.tx.length, 1);
    assert.equal(block.previousblockhash, hashes[99]);
    assert.match((await client.getBlock(hashes[100], 0)) as string, /^[0-9a-f]{200,}$/);
  }],
  ['getBlockHeader', async ({ client, hashes }) => {
    assert.equal(obj(await client.getBlockHeader(hashes[50])).height, 51);
    assert.equal(((await client.getBlockHeader(hashes[50], false)) as string).length, 160);
  }],
  ['getBlockchainInfo', async ({ client, hashes }) => {
    const info = obj(await client.getBlockchainInfo());
    assert.equal(info.chain, 'regtest');
    assert.equal(info.blocks, 101);
    assert.equal(info.bestblockhash, hashes[100]);
  }],
  ['getChainTips', async ({ client, hashes }) => assert.deepEqual(plain(await client.getChainTips()), [{ height: 101, hash: hashes[100], branchlen: 0, status: 'active' }])],
  ['getDifficulty', async ({ client }) => assert.ok(num(await client.getDifficulty()) > 0)],
  ['getBlockStats', async ({ client, hashes }) => {
    const stats = obj(await client.getBlockStats(101));
    assert.equal(stats.blockhash, hashes[100]);
    assert.equal(stats.txs, 1);
    assert.equal(stats.subsidy, 5_000_000_000);
    assert.deepEqual(plain(await client.getBlockStats(hashes[100], ['height', 'txs'])), { height: 101, txs: 1 });
  }],
  ['getDeploymentInfo', async ({ client }) => {
    const info = obj(await client.getDeploymentInfo());
    assert.equal(info.height, 101);
    assert.equal(info.deployments.segwit.active, true);
  }],
  ['getIndexInfo', async ({ client }) => {
    await until(async () => obj(await client.getIndexInfo()).txindex?.synced === true, 'the txindex to sync');
    assert.deepEqual(plain(await client.getIndexInfo('txindex')), { txindex: { synced: true, best_block_height: 101 } });
  }],
  ['getTxOutSetInfo', async ({ client }) => {
    const info = obj(await client.getTxOutSetInfo());
    assert.equal(info.height, 101);
    assert.equal(info.txouts, 101);
    assert.equal(info.total_amount, 5050);
  }],
  ['verifyChain', async ({ client }) => assert.equal(await client.verifyChain(), true)],
  ['getBalance', async ({ client }) => assert.equal(await client.getBalance(), 50)],
  ['getBalances', async ({ client }) => {
    const balances = obj(await client.getBalances());
    assert.equal(balances.mine.trusted, 50);
    assert.equal(balances.mine.immature, 5000);
  }],
  ['listUnspent', async ({ client, mine }) => {
    const coins = (await client.listUnspent()) as Array<Record<string, unknown>>;
    assert.equal(coins.length, 1);
    assert.equal(coins[0].address, mine);
    assert.equal(coins[0].amount, 50);
  }],
  ['sendToAddress', async (w) => {
    w.txid = (await w.client.sendToAddress(w.other, 1.5)) as string;
    assert.match(w.txid, /^[0-9a-f]{64}$/);
  }],
  ['getRawMempool', async ({ client, txid }) => assert.deepEqual(await client.getRawMempool(), [txid])],
  ['getMempoolEntry', async ({ client, txid }) => {
    const entry = obj(await client.getMempoolEntry(txid));
    assert.ok(entry.vsize > 100 && entry.vsize < 300);
    assert.ok(entry.fees.base > 0 && entry.fees.base < 0.001);
  }],
  ['getMempoolInfo', async ({ client }) => assert.equal(obj(await client.getMempoolInfo()).size, 1)],
  ['getRawTransaction', async (w) => {
    w.hex = (await w.client.getRawTransaction(w.txid)) as string;
    const tx = obj(await w.client.getRawTransaction(w.txid, true));
    assert.equal(tx.txid, w.txid);
    assert.ok(tx.vout.some((out: { value: number; scriptPubKey: { address: string } }) => out.value === 1.5 && out.scriptPubKey.address === w.other));
  }],
  ['decodeRawTransaction', async ({ client, hex, txid }) => assert.equal(obj(await client.decodeRawTransaction(hex)).txid, txid)],
  ['testMempoolAccept', async ({ client, hex, txid }) => {
    const [row] = (await client.testMempoolAccept([hex])) as Array<Record<string, unknown>>;
    assert.equal(row.txid, txid);
    assert.equal(row.allowed, false);
    assert.match(row['reject-reason'] as string, /^txn-already-in-mempool/);
  }],
  ['sendRawTransaction', async ({ client, hex, txid }) => {
    assert.equal(await client.sendRawTransaction(hex), txid, 'Core answers the txid of a tx already in the mempool');
    assert.equal(await rpcCode(client.sendRawTransaction('00')), -22);
  }],
  ['getTransaction', async ({ client, txid }) => {
    const tx = obj(await client.getTransaction(txid));
    assert.equal(tx.txid, txid);
    assert.equal(tx.confirmations, 0);
    assert.ok(tx.fee < 0);
  }],
  ['listTransactions', async ({ client, txid }) => {
    const rows = (await client.listTransactions('*', 200)) as Array<{ txid: string }>;
    assert.ok(rows.some((row) => row.txid === txid));
  }],
  ['estimateSmartFee', async ({ client }) => {
    const estimate = obj(await client.estimateSmartFee(6));
    assert.ok(typeof estimate.blocks === 'number');
    assert.ok(estimate.feerate === undefined ? Array.isArray(estimate.errors) : estimate.feerate > 0);
  }],
  ['getBlockTemplate', async ({ client, txid }) => {
    const template = obj(await client.getBlockTemplate({ rules: ['segwit'] }));
    assert.equal(template.height, 102);
    assert.deepEqual(template.transactions.map((t: { txid: string }) => t.txid), [txid]);
  }],
  ['getMiningInfo', async ({ client }) => {
    const info = obj(await client.getMiningInfo());
    assert.equal(info.blocks, 101);
    assert.equal(info.chain, 'regtest');
  }],
  ['getNetworkHashPs', async ({ client }) => assert.ok(num(await client.getNetworkHashPs()) > 0)],
  ['submitBlock', async ({ client, hashes }) => {
    assert.equal(await client.submitBlock(await client.getBlock(hashes[100], 0)), 'duplicate');
    assert.equal(await rpcCode(client.submitBlock('00')), -22);
  }],
  ['getTxOut', async ({ client, txid, mine }) => {
    // Mined first, so the output is in the UTXO set; the txindex then finds the tx without a block hash.
    const [hash] = (await client.generateToAddress(1, mine)) as string[];
    // The index catches up in the background (as Core's): wait until it holds the new block.
    const height = (await client.getBlockCount()) as number;
    await waitFor('the txindex to reach the new block', async () => obj(await client.getIndexInfo()).txindex?.best_block_height === height, 60_000, 50);
    const tx = obj(await client.getRawTransaction(txid, true));
    assert.equal(tx.blockhash, hash);
    const n = tx.vout.findIndex((out: { value: number }) => out.value === 1.5);
    const out = obj(await client.getTxOut(txid, n));
    assert.equal(out.value, 1.5);
    assert.equal(out.confirmations, 1);
  }],
  ['sendMany', async (w) => {
    const third = (await w.client.getNewAddress()) as string;
    w.manyTxid = (await w.client.sendMany('', { [w.other]: 0.1, [third]: 0.2 })) as string;
    const tx = obj(await w.client.getRawTransaction(w.manyTxid, true));
    const values = tx.vout.map((out: { value: number }) => out.value);
    assert.ok(values.includes(0.1) && values.includes(0.2));
  }],
  // ---- node extras (branch nodeextra): a fee delta on the sendMany payment, still in the pool (taken back after) ----
  ['prioritiseTransaction', async ({ client, manyTxid }) => {
    assert.equal(await client.prioritiseTransaction(manyTxid, 0, 10_000), true);
    const fees = obj(await client.getMempoolEntry(manyTxid)).fees;
    assert.equal(Math.round((fees.modified - fees.base) * 1e8), 10_000);
    assert.equal(await rpcCode(client.prioritiseTransaction(manyTxid, 1, 5)), -8);
  }],
  ['getPrioritisedTransactions', async ({ client, manyTxid }) => {
    const base = Math.round(obj(await client.getMempoolEntry(manyTxid)).fees.base * 1e8);
    assert.deepEqual(plain(obj(await client.getPrioritisedTransactions())[manyTxid]), { fee_delta: 10_000, in_mempool: true, modified_fee: base + 10_000 });
    // Back to zero: the delta is dropped, so later cases (bumpFee) see the real fee.
    assert.equal(await client.prioritiseTransaction(manyTxid, 0, -10_000), true);
    assert.equal(obj(await client.getPrioritisedTransactions())[manyTxid], undefined);
  }],
  ['getNetworkInfo', async ({ client }) => {
    const info = obj(await client.getNetworkInfo());
    assert.match(info.subversion, /powcoin/);
    assert.equal(info.connections, 0);
  }],
  ['getConnectionCount', async ({ client }) => assert.equal(await client.getConnectionCount(), 0)],
  ['getPeerInfo', async ({ client }) => assert.deepEqual(await client.getPeerInfo(), [])],
  ['getNetTotals', async ({ client }) => {
    const totals = obj(await client.getNetTotals());
    assert.equal(typeof totals.totalbytesrecv, 'number');
    assert.equal(typeof totals.totalbytessent, 'number');
    assert.ok(Math.abs(totals.timemillis - Date.now()) < 600_000);
  }],
  ['getNodeAddresses', async ({ client }) => assert.ok(Array.isArray(await client.getNodeAddresses(0)))],
  ['addNode', async ({ client }) => {
    const peer = '/ip4/127.0.0.1/tcp/1/p2p/12D3KooWRBhwfeP2Y4TCx1SM6s9rUoHhR5STiGwxBhgFRcw3UERE';
    assert.equal(await client.addNode(peer, 'add'), null);
    assert.equal(await rpcCode(client.addNode(peer, 'add')), -23);
    assert.ok(((await client.getAddedNodeInfo()) as Array<{ addednode: string }>).some((row) => row.addednode === peer));
    assert.equal(await client.addNode(peer, 'remove'), null);
  }],
  ['getAddedNodeInfo', async ({ client }) => assert.deepEqual(await client.getAddedNodeInfo(), [])],
  ['setBan', async ({ client }) => {
    assert.equal(await client.setBan('10.1.2.3', 'add', 600), null);
    assert.ok(((await client.listBanned()) as Array<{ address: string }>).some((row) => row.address.startsWith('10.1.2.3')));
  }],
  ['listBanned', async ({ client }) => assert.equal(((await client.listBanned()) as unknown[]).length, 1)],
  ['clearBanned', async ({ client }) => {
    assert.equal(await client.clearBanned(), null);
    assert.deepEqual(await client.listBanned(), []);
  }],
  ['disconnectNode', async ({ client }) => assert.equal(await rpcCode(client.disconnectNode('/ip4/127.0.0.1/tcp/1')), -29)],
  ['dumpPrivKey', async ({ client, mine }) => {
    const wif = (await client.dumpPrivKey(mine)) as string;
    const key = ECPair.fromWIF(wif, regtest);
    assert.equal(bitcoin.payments.p2wpkh({ pubkey: key.publicKey, network: regtest }).address, mine);
  }],
  ['importPrivKey', async (w) => {
    const key = ECPair.makeRandom({ network: regtest });
    w.wif = key.toWIF();
    const address = bitcoin.payments.p2wpkh({ pubkey: key.publicKey, network: regtest }).address!;
    assert.equal(await w.client.importPrivKey(w.wif, 'imported', false), null);
    assert.equal(obj(await w.client.getAddressInfo(address)).ismine, true);
  }],
  ['rescanBlockchain', async ({ client }) => assert.deepEqual(plain(await client.rescanBlockchain(0)), { start_height: 0, stop_height: 102 })],
  ['backupWallet', async ({ client, dir }) => {
    const path = join(dir, 'backup.dat');
    assert.equal(await client.backupWallet(path), null);
    assert.ok(existsSync(path));
  }],
  ['getWalletInfo', async ({ client }) => assert.ok(obj(await client.getWalletInfo()).txcount >= 3)],

  // ---- raw transactions and PSBT (branch psbt, merged) ----
  ['createRawTransaction', async (w) => {
    const coin = ((await w.client.listUnspent()) as Array<{ txid: string; vout: number; amount: number }>).find((c) => c.amount === 50)!;
    w.rawHex = (await w.client.createRawTransaction([{ txid: coin.txid, vout: coin.vout }], { [w.other]: 49.999 })) as string;
    const decoded = obj(await w.client.decodeRawTransaction(w.rawHex));
    assert.equal(decoded.vin[0].txid, coin.txid);
    assert.equal(decoded.vout[0].value, 49.999);
  }],
  ['signRawTransactionWithWallet', async (w) => {
    const signed = obj(await w.client.signRawTransactionWithWallet(w.rawHex));
    assert.equal(signed.complete, true);
    assert.equal(obj(await w.client.testMempoolAccept([signed.hex]))[0].allowed, true);
  }],
  ['signRawTransactionWithKey', async (w) => {
    const signed = obj(await w.client.signRawTransactionWithKey(w.rawHex, [await w.client.dumpPrivKey(w.mine)]));
    assert.equal(signed.complete, true);
  }],
  ['fundRawTransaction', async (w) => {
    const unfunded = (await w.client.createRawTransaction([], { [w.other]: 3 })) as string;
    const funded = obj(await w.client.fundRawTransaction(unfunded));
    assert.ok(funded.fee > 0);
    const signed = obj(await w.client.signRawTransactionWithWallet(funded.hex));
    assert.match((await w.client.sendRawTransaction(signed.hex)) as string, /^[0-9a-f]{64}$/);
  }],
  ['walletCreateFundedPsbt', async (w) => {
    const funded = obj(await w.client.walletCreateFundedPsbt([], { [w.other]: 0.3 }));
    assert.ok(funded.fee > 0);
    w.psbt = funded.psbt;
  }],
  ['decodePsbt', async (w) => assert.ok(obj(await w.client.decodePsbt(w.psbt)).tx.vout.some((out: { value: number }) => out.value === 0.3))],
  ['analyzePsbt', async (w) => assert.equal(obj(await w.client.analyzePsbt(w.psbt)).next, 'signer')],
  ['utxoUpdatePsbt', async (w) => assert.equal(obj(await w.client.decodePsbt(await w.client.utxoUpdatePsbt(w.psbt))).inputs.length, obj(await w.client.decodePsbt(w.psbt)).inputs.length)],
  ['combinePsbt', async (w) => assert.equal(await w.client.combinePsbt([w.psbt, w.psbt]), w.psbt)],
  ['walletProcessPsbt', async (w) => {
    const processed = obj(await w.client.walletProcessPsbt(w.psbt));
    assert.equal(processed.complete, true);
    w.psbt = processed.psbt;
  }],
  ['finalizePsbt', async (w) => {
    const final = obj(await w.client.finalizePsbt(w.psbt));
    assert.equal(final.complete, true);
    assert.equal(obj(await w.client.testMempoolAccept([final.hex]))[0].allowed, true);
  }],
  ['convertToPsbt', async (w) => {
    const psbt = (await w.client.convertToPsbt(w.rawHex)) as string;
    assert.equal(obj(await w.client.decodePsbt(psbt)).tx.txid, obj(await w.client.decodeRawTransaction(w.rawHex)).txid);
  }],
  ['createPsbt', async (w) => {
    const coin = ((await w.client.listUnspent()) as Array<{ txid: string; vout: number }>)[0];
    const psbt = (await w.client.createPsbt([{ txid: coin.txid, vout: coin.vout }], { [w.other]: 0.01 })) as string;
    assert.equal(obj(await w.client.decodePsbt(psbt)).tx.vin[0].txid, coin.txid);
  }],
  // ---- on other branches (TODO until merged) ----
  ['bumpFee', async ({ client, manyTxid }) => {
    const bumped = obj(await client.bumpFee(manyTxid));
    assert.ok(bumped.fee > bumped.origfee);
    assert.ok(((await client.getRawMempool()) as string[]).includes(bumped.txid));
    assert.ok(!((await client.getRawMempool()) as string[]).includes(manyTxid));
  }],
  ['abandonTransaction', async ({ client, manyTxid }) => {
    // The replaced original is in neither the mempool nor a block: Core lets it be abandoned.
    assert.equal(await client.abandonTransaction(manyTxid), null);
    assert.equal(obj(await client.getTransaction(manyTxid)).details.every((d: { abandoned?: boolean }) => d.abandoned !== false), true);
  }],
  ['psbtBumpFee', async ({ client, other }) => {
    const txid = (await client.sendToAddress(other, 0.2)) as string;
    const bumped = obj(await client.psbtBumpFee(txid));
    assert.ok(bumped.fee > bumped.origfee);
    assert.equal(typeof bumped.psbt, 'string');
  }],
  ['signMessage', async (w) => {
    const signature = (await w.client.signMessage(w.mine, 'hello')) as string;
    assert.equal(Buffer.from(signature, 'base64').length, 65);
  }],
  ['verifyMessage', async ({ client, mine }) => {
    const signature = await client.signMessage(mine, 'hello');
    assert.equal(await client.verifyMessage(mine, signature, 'hello'), true);
    assert.equal(await client.verifyMessage(mine, signature, 'hullo'), false);
  }],
  ['getReceivedByAddress', async ({ client, other }) => assert.ok(num(await client.getReceivedByAddress(other, 0)) >= 1.6)],
  ['listReceivedByAddress', async ({ client, other }) => assert.ok(((await client.listReceivedByAddress(0)) as Array<{ address: string }>).some((row) => row.address === other))],
  ['listSinceBlock', async ({ client, txid }) => {
    const since = obj(await client.listSinceBlock());
    assert.ok(since.transactions.some((row: { txid: string }) => row.txid === txid));
    assert.equal(since.lastblock, await client.getBestBlockHash());
  }],
  ['listAddressGroupings', async ({ client, mine }) => assert.ok(((await client.listAddressGroupings()) as unknown[][]).flat().some((row) => (row as unknown[])[0] === mine))],
  ['createWallet', async ({ client }) => assert.equal(obj(await client.createWallet('second')).name, 'second')],
  ['listWallets', async ({ client }) => assert.ok(((await client.listWallets()) as string[]).includes('second'))],
  ['unloadWallet', async ({ client }) => {
    await client.unloadWallet('second');
    assert.ok(!((await client.listWallets()) as string[]).includes('second'));
  }],
  ['migrateWallet', async ({ client }) => {
    // Every powcoin wallet is a descriptor wallet: Core's answer for one.
    assert.deepEqual(await rpcError(client.migrateWallet('')), { code: -4, message: 'Error: This wallet is already a descriptor wallet' });
    assert.equal((await rpcError(client.migrateWallet('no-such-wallet'))).code, -4);
    assert.deepEqual(await rpcError(client.migrateWallet()), { code: -8, message: 'Either RPC endpoint wallet or wallet_name parameter must be provided' });
  }],
  ['listWalletDir', async ({ client }) => assert.ok(obj(await client.listWalletDir()).wallets.some((row: { name: string }) => row.name === 'second'))],
  ['loadWallet', async ({ client }) => {
    assert.equal(obj(await client.loadWallet('second')).name, 'second');
    // With two loaded, a wallet call at '/' must name one (Core's -19); unloading 'second' lets the rest reach the default.
    assert.equal(await rpcCode(client.getBalance()), -19);
    await client.unloadWallet('second');
  }],

  // ---- chain, mempool, network and util methods (branch corechain) ----
  ['getChainTxStats', async ({ client }) => {
    const height = num(await client.getBlockCount());
    const nTx: number[] = [];
    for (let h = 0; h <= height; h++) nTx.push(obj(await client.getBlockHeader(await client.getBlockHash(h))).nTx);
    const stats = obj(await client.getChainTxStats());
    assert.equal(stats.txcount, nTx.reduce((a, b) => a + b, 0));
    assert.equal(stats.window_final_block_hash, await client.getBestBlockHash());
    assert.equal(stats.window_final_block_height, height);
    const ten = obj(await client.getChainTxStats(10));
    assert.equal(ten.window_block_count, 10);
    assert.equal(ten.window_tx_count, nTx.slice(height - 9).reduce((a, b) => a + b, 0));
    assert.equal(typeof ten.window_interval, 'number');
    assert.equal(await rpcCode(client.getChainTxStats(height)), -8);
  }],
  ['getChainStates', async ({ client }) => {
    const states = obj(await client.getChainStates());
    const header = obj(await client.getBlockHeader(await client.getBestBlockHash()));
    assert.equal(states.headers, await client.getBlockCount());
    assert.equal(states.chainstates.length, 1);
    const [state] = states.chainstates;
    assert.equal(state.blocks, await client.getBlockCount());
    assert.equal(state.bestblockhash, header.hash);
    assert.equal(state.bits, header.bits);
    assert.equal(state.validated, true);
    assert.equal(BigInt(`0x${state.target}`), BigInt(`0x${header.bits.slice(2)}`) << BigInt(8 * (parseInt(header.bits.slice(0, 2), 16) - 3)));
  }],
  ['loadTxOutSet', async ({ client, daemon }) => {
    // This node's network vouches for no snapshot (its assumeutxo table is empty): Core's refusal,
    // naming the base block. test/node/assumeutxo.test.ts loads one on a network that has an entry.
    const dump = (await daemon.call('dumptxoutset', [`snapshot-${Date.now()}.dat`])) as { path: string; base_hash: string };
    await assert.rejects(client.loadTxOutSet(dump.path), (err: { code: number; message: string }) => {
      assert.equal(err.code, -32603);
      assert.match(err.message, new RegExp(`^Unable to load UTXO snapshot: assumeutxo block hash in snapshot metadata not recognized \\(hash: ${dump.base_hash}\\)`));
      return true;
    });
    assert.equal(await rpcCode(client.loadTxOutSet(join(daemon.networkDir, 'no-such-snapshot.dat'))), -8);
    assert.equal(obj(await client.getChainStates()).chainstates[0].validated, true, 'nothing was loaded');
  }],
  ['preciousBlock', async ({ client, mine }) => {
    // A second block on the tip's parent with the same work: the chain keeps the first seen until told otherwise.
    const [first] = (await client.generateToAddress(1, mine)) as string[];
    const twin = sibling((await client.getBlock(first, 0)) as string, 1);
    assert.equal(await client.submitBlock(twin.hex), 'inconclusive');
    assert.equal(await client.getBestBlockHash(), first);
    assert.equal(await client.preciousBlock(twin.hash), null);
    assert.equal(await client.getBestBlockHash(), twin.hash);
    assert.equal(await client.preciousBlock(first), null);
    assert.equal(await client.getBestBlockHash(), first);
    assert.equal(await rpcCode(client.preciousBlock('00'.repeat(32))), -5);
  }],
  ['submitHeader', async ({ client }) => {
    const tip = (await client.getBestBlockHash()) as string;
    const header = sibling((await client.getBlock(tip, 0)) as string, 2);
    assert.equal(await client.submitHeader(header.hex.slice(0, 160)), null);
    assert.equal(obj(await client.getBlockHeader(header.hash)).confirmations, -1);
    assert.ok(((await client.getChainTips()) as Array<{ hash: string; status: string }>).some((t) => t.hash === header.hash && t.status === 'headers-only'));
    assert.equal(await rpcCode(client.submitHeader('00')), -22);
    assert.equal(await rpcCode(client.submitHeader(`00000020${'11'.repeat(32)}${header.hex.slice(72, 160)}`)), -25);
  }],
  ['pruneBlockchain', async ({ client }) => {
    const error = await client.pruneBlockchain(10).then(() => undefined, (err: { code: number; message: string }) => err);
    assert.deepEqual({ code: error?.code, message: error?.message }, { code: -1, message: 'Cannot prune blocks because node is not in prune mode.' });
  }],
  ['getMempoolAncestors', async (w) => {
    // A → B: B spends A's payment, so A is B's ancestor and B is A's descendant.
    const a = (await w.client.sendToAddress(w.mine, 0.7)) as string;
    const vout = obj(await w.client.getRawTransaction(a, true)).vout.findIndex((out: { value: number }) => out.value === 0.7);
    const raw = await w.client.createRawTransaction([{ txid: a, vout }], { [w.other]: 0.699 });
    const b = (await w.client.sendRawTransaction(obj(await w.client.signRawTransactionWithWallet(raw)).hex)) as string;
    corechain.a = a;
    corechain.aVout = vout;
    corechain.b = b;
    const ancestorsOfA = (await w.client.getMempoolAncestors(a)) as string[];
    assert.deepEqual(new Set(await w.client.getMempoolAncestors(b) as string[]), new Set([a, ...ancestorsOfA]));
    const verbose = obj(await w.client.getMempoolAncestors(b, true));
    assert.equal(verbose[a].wtxid, obj(await w.client.getMempoolEntry(a)).wtxid);
    assert.equal(await rpcCode(w.client.getMempoolAncestors('00'.repeat(32))), -5);
  }],
  ['getMempoolDescendants', async ({ client }) => {
    assert.ok(((await client.getMempoolDescendants(corechain.a)) as string[]).includes(corechain.b));
    assert.deepEqual(await client.getMempoolDescendants(corechain.b), []);
    assert.equal(obj(await client.getMempoolDescendants(corechain.a, true))[corechain.b].ancestorcount >= 2, true);
  }],
  ['getTxSpendingPrevOut', async ({ client }) => {
    const rows = plain(await client.getTxSpendingPrevOut([{ txid: corechain.a, vout: corechain.aVout }, { txid: corechain.b, vout: 0 }]));
    assert.deepEqual(rows, [{ txid: corechain.a, vout: corechain.aVout, spendingtxid: corechain.b }, { txid: corechain.b, vout: 0 }]);
    assert.equal(await rpcCode(client.getTxSpendingPrevOut([])), -8);
  }],
  ['getTxOutProof', async ({ client, mine }) => {
    const [hash] = (await client.generateToAddress(1, mine)) as string[];
    corechain.proofBlock = hash;
    // Found through an unspent output of the tx, as Core, then with the block named.
    corechain.proof = (await client.getTxOutProof([corechain.b])) as string;
    assert.equal(corechain.proof.slice(0, 160), await client.getBlockHeader(hash, false));
    const both = (await client.getTxOutProof([corechain.a, corechain.b], hash)) as string;
    const order = obj(await client.getBlock(hash)).tx as string[];
    assert.deepEqual(await client.verifyTxOutProof(both), [corechain.a, corechain.b].sort((x, y) => order.indexOf(x) - order.indexOf(y)));
    assert.equal(await rpcCode(client.getTxOutProof([corechain.a, corechain.a])), -8);
    assert.equal(await rpcCode(client.getTxOutProof([corechain.a], await client.getBlockHash(1))), -5);
  }],
  ['verifyTxOutProof', async ({ client }) => {
    assert.deepEqual(await client.verifyTxOutProof(corechain.proof), [corechain.b]);
    // Another merkle root in the header: the tree no longer proves it, so nothing is proven.
    const forged = corechain.proof.slice(0, 72) + (corechain.proof[72] === '0' ? '1' : '0') + corechain.proof.slice(73);
    assert.deepEqual(await client.verifyTxOutProof(forged), []);
    assert.equal(await rpcCode(client.verifyTxOutProof(corechain.proof.slice(0, 170))), -22);
  }],
  ['getBlockFilter', async ({ client }) => {
    // The block holding A and B: its filter rebuilt here from the block and the scripts its inputs spent.
    const hash = corechain.proofBlock;
    const block = obj(await client.getBlock(hash, 2));
    const outputs = block.tx.flatMap((tx: { vout: Array<{ scriptPubKey: { hex: string } }> }) => tx.vout.map((out) => fromHex(out.scriptPubKey.hex)));
    const spent: Uint8Array[] = [];
    for (const tx of block.tx.slice(1) as Array<{ vin: Array<{ txid: string; vout: number }> }>) {
      for (const input of tx.vin) spent.push(fromHex(obj(await client.getRawTransaction(input.txid, true)).vout[input.vout].scriptPubKey.hex));
    }
    const expected = buildGcsFilter(hexToHash(hash), basicFilterElements(outputs, spent));
    const got = obj(await client.getBlockFilter(hash));
    assert.equal(got.filter, toHex(expected));
    const parent = obj(await client.getBlockFilter(block.previousblockhash, 'basic'));
    assert.equal(got.header, toHex(filterHeader(expected, hexToHash(parent.header)).reverse()));
    assert.equal(obj(await client.getIndexInfo())['basic block filter index'].synced, true);
    assert.equal(await rpcCode(client.getBlockFilter(hash, 'extended')), -5);
    assert.equal(await rpcCode(client.getBlockFilter('00'.repeat(32))), -5);
  }],
  ['getMemoryInfo', async ({ client }) => {
    assert.deepEqual(plain(await client.getMemoryInfo()), { locked: { used: 0, free: 0, total: 0, locked: 0, chunks_used: 0, chunks_free: 0 } });
    assert.equal(await rpcCode(client.getMemoryInfo('mallocinfo')), -8);
  }],
  ['getRpcInfo', async ({ client }) => {
    const info = obj(await client.getRpcInfo());
    assert.equal(info.active_commands[0].method, 'getrpcinfo');
    assert.equal(typeof info.logpath, 'string');
  }],
  ['getZmqNotifications', async ({ client }) => assert.deepEqual(await client.getZmqNotifications(), [])],
  ['ping', async ({ client }) => assert.equal(await client.ping(), null)],
  ['getAddrManInfo', async ({ client }) => {
    const info = obj(await client.getAddrManInfo());
    const known = ((await client.getNodeAddresses(0)) as unknown[]).length;
    assert.equal(info.all_networks.total, known);
    assert.equal(info.all_networks.new + info.all_networks.tried, known);
    assert.equal(['ipv4', 'ipv6', 'onion', 'i2p', 'cjdns'].reduce((sum, n) => sum + info[n].total, 0), known);
  }],
  ['decodeScript', async ({ client, mine }) => {
    const script = obj(await client.getAddressInfo(mine)).scriptPubKey as string;
    const decoded = obj(await client.decodeScript(script));
    assert.equal(decoded.type, 'witness_v0_keyhash');
    assert.equal(decoded.address, mine);
    assert.match(decoded.desc, new RegExp(`^addr\\(${mine}\\)#[a-z0-9]{8}$`));
    assert.equal(decoded.asm, `0 ${script.slice(4)}`);
    // BIP380's own example of a checksum.
    assert.equal(obj(await client.decodeScript('deadbeef')).desc, 'raw(deadbeef)#89f8spxm');
    assert.equal(obj(await client.decodeScript('6a0401020304')).type, 'nulldata');
  }],
  ['combineRawTransaction', async ({ client, other }) => {
    const coin = ((await client.listUnspent()) as Array<{ txid: string; vout: number; amount: number }>).find((c) => c.amount > 1)!;
    const unsigned = (await client.createRawTransaction([{ txid: coin.txid, vout: coin.vout }], { [other]: 1 })) as string;
    const signed = obj(await client.signRawTransactionWithWallet(unsigned)).hex as string;
    assert.notEqual(signed, unsigned);
    assert.equal(await client.combineRawTransaction([unsigned, signed]), signed);
    assert.equal(await client.combineRawTransaction([signed, unsigned]), signed);
    assert.equal(await rpcCode(client.combineRawTransaction([])), -8);
    const missing = (await client.createRawTransaction([{ txid: '11'.repeat(32), vout: 0 }], { [other]: 1 })) as string;
    assert.equal(await rpcCode(client.combineRawTransaction([missing])), -25);
  }],
  ['joinPsbts', async ({ client, other, mine }) => {
    const [c1, c2] = (await client.listUnspent()) as Array<{ txid: string; vout: number }>;
    const p1 = await client.createPsbt([{ txid: c1.txid, vout: c1.vout }], { [other]: 0.01 });
    const p2 = await client.createPsbt([{ txid: c2.txid, vout: c2.vout }], { [mine]: 0.02 });
    const joined = obj(await client.decodePsbt(await client.joinPsbts([p1, p2])));
    assert.deepEqual(new Set(joined.tx.vin.map((i: { txid: string; vout: number }) => `${i.txid}:${i.vout}`)), new Set([`${c1.txid}:${c1.vout}`, `${c2.txid}:${c2.vout}`]));
    assert.deepEqual(joined.tx.vout.map((o: { value: number }) => o.value).sort(), [0.01, 0.02]);
    assert.equal(await rpcCode(client.joinPsbts([p1, p1])), -8);
    assert.equal(await rpcCode(client.joinPsbts([p1])), -8);
  }],
  ['signMessageWithPrivKey', async ({ client, mine }) => {
    const signature = await client.signMessageWithPrivKey(await client.dumpPrivKey(mine), 'hello');
    assert.equal(Buffer.from(signature as string, 'base64').length, 65);
    assert.equal(await client.verifyMessage(mine, signature, 'hello'), true);
    assert.equal(await client.verifyMessage(mine, signature, 'hullo'), false);
    assert.equal(await rpcCode(client.signMessageWithPrivKey('notakey', 'hello')), -5);
  }],
  ['importMempool', async ({ client, other, dir }) => {
    // A signed tx the node has not seen, in a mempool.dat of Core's format (version 2, XOR key): importing submits it.
    const coin = ((await client.listUnspent()) as Array<{ txid: string; vout: number; amount: number }>).find((c) => c.amount > 1)!;
    const signed = obj(await client.signRawTransactionWithWallet(await client.createRawTransaction([{ txid: coin.txid, vout: coin.vout }], { [other]: 1 }))).hex as string;
    const tx = Transaction.decode(fromHex(signed));
    corechain.imported = tx.txid();
    const path = join(dir, 'import-mempool.dat');
    await writeFile(path, encodeMempoolDat([{ tx, time: Math.floor(Date.now() / 1000), feeDelta: 0n }]));
    assert.ok(!((await client.getRawMempool()) as string[]).includes(corechain.imported));
    assert.deepEqual(plain(await client.importMempool(path)), {});
    assert.ok(((await client.getRawMempool()) as string[]).includes(corechain.imported));
    assert.equal(await rpcCode(client.importMempool(join(dir, 'no-such-file.dat'))), -1);
  }],
  ['saveMempool', async ({ client }) => {
    const { filename } = obj(await client.saveMempool());
    const bytes = await readFile(filename);
    assert.equal(bytes.readBigUInt64LE(0), 2n, 'version 2');
    assert.equal(bytes[8], 8, 'an 8-byte XOR key');
    const saved = decodeMempoolDat(bytes).map((e) => e.tx.txid());
    assert.ok(saved.includes(corechain.imported));
    assert.deepEqual(new Set(saved), new Set(await client.getRawMempool() as string[]));
  }],
  ['dumpTxOutset', async ({ client, dir }) => {
    const path = join(dir, 'utxo.dat');
    const info = obj(await client.getTxOutSetInfo());
    const dump = obj(await client.dumpTxOutset(path));
    assert.equal(dump.path, path);
    assert.equal(dump.base_hash, info.bestblock);
    assert.equal(dump.base_height, info.height);
    assert.equal(dump.coins_written, info.txouts);
    assert.equal(dump.txoutset_hash, info.hash_serialized_3);
    assert.equal(dump.nchaintx, obj(await client.getChainTxStats(1)).txcount);
    // Core's layout: magic, version 2, network, base hash, count, then coins grouped by txid.
    const bytes = await readFile(path);
    assert.equal(bytes.subarray(0, 5).toString('hex'), '7574786fff');
    assert.equal(bytes.readUInt16LE(5), 2);
    assert.equal(Buffer.from(bytes.subarray(11, 43)).reverse().toString('hex'), info.bestblock);
    assert.equal(bytes.readBigUInt64LE(43), BigInt(info.txouts));
    // The coins after the header: Core's compact serialization, checked in test/rpc/utxo-snapshot.test.ts.
    assert.ok(bytes.length > 51 + 32 * info.txouts / 2);
    assert.equal(await rpcCode(client.dumpTxOutset(path)), -8, 'an existing file is not overwritten');
  }],
  // ---- end corechain ----
  // ---- descriptors, labels, locked coins, send/sendall (branch corewallet) ----
  ['getDescriptorInfo', async ({ client }) => {
    const key = '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';
    // BIP380's checksum of this descriptor, as Core answers it.
    assert.deepEqual(plain(await client.getDescriptorInfo(`wpkh(${key})`)), { descriptor: `wpkh(${key})#ucxz0gak`, checksum: 'ucxz0gak', isrange: false, issolvable: true, hasprivatekeys: false });
    // Core's documented example: combo() of the generator point.
    assert.equal(obj(await client.getDescriptorInfo(`combo(${key})`)).checksum, 'lq9sf04s');
    assert.equal(await rpcCode(client.getDescriptorInfo('wpkh(notakey)')), -5);
    assert.equal(await rpcCode(client.getDescriptorInfo(`wpkh(${key})#00000000`)), -5);
  }],
  ['deriveAddresses', async ({ client }) => {
    const key = ECPair.makeRandom({ network: regtest });
    const info = obj(await client.getDescriptorInfo(`wpkh(${Buffer.from(key.publicKey).toString('hex')})`));
    // bitcoinjs-lib computes the same address from the key on its own.
    assert.deepEqual(await client.deriveAddresses(info.descriptor), [bitcoin.payments.p2wpkh({ pubkey: key.publicKey, network: regtest }).address]);
    assert.equal(await rpcCode(client.deriveAddresses(info.descriptor.split('#')[0])), -5, 'the checksum is required');
    assert.equal(await rpcCode(client.deriveAddresses(info.descriptor, [0, 2])), -8, 'an unranged descriptor takes no range');
  }],
  ['listDescriptors', async ({ client, mine, other }) => {
    const listed = obj(await client.listDescriptors());
    assert.equal(listed.wallet_name, '');
    const active = listed.descriptors.filter((row: { active: boolean }) => row.active);
    assert.equal(active.length, 2);
    const receive = active.find((row: { internal: boolean }) => !row.internal);
    assert.match(receive.desc, /^wpkh\(\[[0-9a-f]{8}\/84h\/1h\/0h\]tpub[1-9A-HJ-NP-Za-km-z]+\/0\/\*\)#[a-z0-9]{8}$/);
    assert.ok(receive.next_index >= 2, 'two addresses handed out');
    // The wallet's own addresses are the descriptor's: derived here from the xpub alone.
    const derived = (await client.deriveAddresses(receive.desc, [0, receive.next_index - 1])) as string[];
    assert.ok(derived.includes(mine) && derived.includes(other), "the wallet's addresses are the receive descriptor's");
    const info = obj(await client.getDescriptorInfo(receive.desc));
    assert.equal(info.isrange, true);
    assert.equal(await rpcCode(client.deriveAddresses(receive.desc)), -8, 'a ranged descriptor needs a range');
    const change = active.find((row: { internal: boolean }) => row.internal);
    assert.ok(((await client.deriveAddresses(change.desc, [0, 5])) as string[]).every((address) => !derived.includes(address)), 'change and receive addresses differ');
  }],
  ['scanTxOutSet', async ({ client, mine }) => {
    // Core's client lists it with version "=>0.17.0", so currentCoreMethods() misses it; Core has it.
    const info = obj(await client.getAddressInfo(mine));
    const expected = ((await client.listUnspent(1)) as Array<{ txid: string; vout: number; amount: number; address: string }>).filter((c) => c.address === mine);
    const scan = obj(await client.scanTxOutSet('start', [`wpkh(${info.pubkey})`]));
    assert.equal(scan.success, true);
    assert.equal(scan.bestblock, await client.getBestBlockHash());
    assert.equal(scan.txouts, obj(await client.getTxOutSetInfo()).txouts);
    // Immature coinbases are in the UTXO set too (listunspent leaves them out): every listed one is found.
    for (const coin of expected) assert.ok(scan.unspents.some((u: { txid: string; vout: number; amount: number }) => u.txid === coin.txid && u.vout === coin.vout && u.amount === coin.amount), 'every listed coin is found by the scan');
    assert.ok(scan.unspents.every((u: { scriptPubKey: string; desc: string }) => u.scriptPubKey === info.scriptPubKey && u.desc.startsWith(`wpkh(`)), 'only outputs paying the key are found');
    assert.equal(scan.total_amount, Math.round(scan.unspents.reduce((sum: number, u: { amount: number }) => sum + u.amount * 1e8, 0)) / 1e8);
    assert.equal(await client.scanTxOutSet('status'), null);
    assert.equal(await client.scanTxOutSet('abort'), false);
    // The wallet's ranged receive descriptor finds the coins of every address it handed out.
    const receive = obj(await client.listDescriptors()).descriptors.find((row: { active: boolean; internal: boolean }) => row.active && !row.internal);
    const ranged = obj(await client.scanTxOutSet('start', [{ desc: receive.desc, range: [0, receive.next_index] }]));
    assert.ok(ranged.unspents.length > scan.unspents.length, 'the ranged descriptor finds more');
  }],
  // ---- descriptor wallet calls (branch walletdesc) ----
  ['descriptorProcessPsbt', async ({ client, other }) => {
    // A confirmed coin of the wallet (which one the earlier cases' random coin selection left is
    // not fixed), spent by a PSBT signed with a descriptor holding its key, not by the wallet.
    const coin = ((await client.listUnspent(1)) as Array<{ txid: string; vout: number; address: string; amount: number; spendable: boolean }>).find((c) => c.spendable && c.amount > 0.01);
    assert.ok(coin, 'the wallet has a confirmed coin to spend');
    const psbt = (await client.createPsbt([{ txid: coin.txid, vout: coin.vout }], { [other]: Math.round((coin.amount - 0.001) * 1e8) / 1e8 })) as string;
    const processed = obj(await client.descriptorProcessPsbt(psbt, [`wpkh(${(await client.dumpPrivKey(coin.address)) as string})`]));
    assert.equal(processed.complete, true);
    assert.equal(obj(((await client.testMempoolAccept([processed.hex])) as unknown[])[0]).allowed, true);
    assert.equal(obj(await client.descriptorProcessPsbt(psbt, [obj(await client.getAddressInfo(coin.address)).desc])).complete, false, 'a public descriptor cannot sign');
    assert.equal(await rpcCode(client.descriptorProcessPsbt(psbt, [7])), -8);
  }],
  ['importDescriptors', async ({ client, daemon }) => {
    await client.createWallet('descs');
    const descs = walletClient(daemon, 'descs');
    try {
      const key = HDKey.fromMasterSeed(new Uint8Array(32).fill(12), regtest.bip32);
      const text = `wpkh(${key.privateExtendedKey}/84h/1h/0h/0/*)`;
      const desc = `${text}#${obj(await client.getDescriptorInfo(text)).checksum}`;
      assert.deepEqual(plain(await descs.importDescriptors([{ desc, timestamp: 'now', active: true, range: [0, 9] }])), [{ success: true }]);
      assert.deepEqual(await client.deriveAddresses(desc, [0, 0]), [await descs.getNewAddress()], 'the active descriptor hands out addresses');
      const refused = obj(((await descs.importDescriptors([{ desc: obj(await client.getDescriptorInfo(`wpkh(${key.publicExtendedKey}/0/*)`)).descriptor, timestamp: 'now' }])) as unknown[])[0]);
      assert.equal(refused.error.code, -4, 'watch-only in a wallet with private keys');
      assert.equal(await rpcCode(descs.importDescriptors([{ desc }])), -3, 'timestamp is required');
    } finally {
      await client.unloadWallet('descs');
    }
  }],
  ['getHdKeys', async ({ client, daemon }) => {
    await client.loadWallet('descs');
    const descs = walletClient(daemon, 'descs');
    try {
      const key = HDKey.fromMasterSeed(new Uint8Array(32).fill(12), regtest.bip32);
      const keys = (await descs.getHdKeys()) as Array<{ xpub: string; has_private: boolean; descriptors: Array<{ active: boolean }> }>;
      assert.equal(keys.length, 2, "the wallet's seed and the imported key");
      assert.ok(keys.find((k) => k.xpub === key.publicExtendedKey)!.descriptors.every((d) => d.active));
      assert.equal(obj(((await descs.getHdKeys({ private: true })) as unknown[]).find((k) => obj(k).xpub === key.publicExtendedKey)).xprv, key.privateExtendedKey);
    } finally {
      await client.unloadWallet('descs');
    }
  }],
  ['createWalletDescriptor', async ({ client, daemon }) => {
    await client.loadWallet('descs');
    const descs = walletClient(daemon, 'descs');
    try {
      const key = HDKey.fromMasterSeed(new Uint8Array(32).fill(12), regtest.bip32);
      // The imported key makes receive addresses, the seed change: two HD keys, so hdkey must name one.
      assert.equal(await rpcCode(descs.createWalletDescriptor('bech32')), -4);
      const made = obj(await descs.createWalletDescriptor('bech32', { hdkey: key.publicExtendedKey }));
      assert.equal(made.descs.length, 1, 'its receive descriptor exists: only change is made');
      assert.deepEqual(await client.deriveAddresses(made.descs[0], [0, 0]), [await descs.getRawChangeAddress()]);
      assert.equal(await rpcCode(descs.createWalletDescriptor('bech32', { hdkey: key.publicExtendedKey })), -4, 'Descriptor already exists');
    } finally {
      await client.unloadWallet('descs');
    }
  }],
  // ---- end walletdesc ----
  ['restoreWallet', async ({ client, daemon, dir, mine }) => {
    assert.deepEqual(plain(await client.restoreWallet('restored', join(dir, 'backup.dat'))), { name: 'restored', warnings: [] });
    assert.ok(((await client.listWallets()) as string[]).includes('restored'), 'the restored wallet is loaded');
    assert.equal(obj(await walletClient(daemon, 'restored').getAddressInfo(mine)).ismine, true, 'the backup holds the same keys');
    assert.equal(await rpcCode(client.restoreWallet('restored', join(dir, 'backup.dat'))), -36);
    assert.equal(await rpcCode(client.restoreWallet('nofile', join(dir, 'no-such-backup.dat'))), -8);
    await client.unloadWallet('restored');
  }],
  ['getUnconfirmedBalance', async ({ client, daemon }) => {
    // A payment from another wallet is untrusted until it confirms: 'second' sees it as unconfirmed balance.
    await client.loadWallet('second');
    const second = walletClient(daemon, 'second');
    try {
      assert.equal(await second.getUnconfirmedBalance(), 0);
      await defaultWalletCall(daemon, 'sendtoaddress', [await second.getNewAddress(), 0.7]);
      await until(async () => num(await second.getUnconfirmedBalance()) === 0.7, 'the payment to reach the second wallet');
      assert.equal(obj(await second.getBalances()).mine.untrusted_pending, 0.7);
    } finally {
      // The cases after this one call the default wallet at '/', which needs it to be the only one loaded.
      await client.unloadWallet('second');
    }
  }],
  ['setLabel', async ({ client, other }) => {
    assert.equal(await client.setLabel(other, 'friends'), null);
    assert.deepEqual(plain(obj(await client.getAddressInfo(other)).labels), ['friends']);
    const stranger = bitcoin.payments.p2wpkh({ pubkey: ECPair.makeRandom({ network: regtest }).publicKey, network: regtest }).address;
    assert.equal(await rpcCode(client.setLabel(stranger, 'x')), -4);
  }],
  ['listLabels', async ({ client }) => {
    const labels = (await client.listLabels()) as string[];
    assert.ok(labels.includes('friends') && labels.includes(''), 'both labels listed');
    assert.deepEqual(labels, [...labels].sort());
  }],
  ['getAddressesByLabel', async ({ client, other }) => {
    assert.deepEqual(plain(await client.getAddressesByLabel('friends')), { [other]: { purpose: 'receive' } });
    assert.equal(await rpcCode(client.getAddressesByLabel('nobody')), -11);
  }],
  ['getReceivedByLabel', async ({ client, other }) => {
    const byAddress = num(await client.getReceivedByAddress(other, 0));
    assert.ok(byAddress > 0, 'the labelled address received something');
    assert.equal(await client.getReceivedByLabel('friends', 0), byAddress);
  }],
  ['listReceivedByLabel', async ({ client, other }) => {
    const rows = (await client.listReceivedByLabel(0)) as Array<{ label: string; amount: number }>;
    assert.equal(rows.find((row) => row.label === 'friends')?.amount, await client.getReceivedByAddress(other, 0));
  }],
  ['lockUnspent', async ({ client, other }) => {
    const coins = (await client.listUnspent(0)) as Array<{ txid: string; vout: number }>;
    assert.ok(coins.length >= 2, 'at least two coins');
    const [first] = coins;
    assert.equal(await client.lockUnspent(false, [{ txid: first.txid, vout: first.vout }]), true);
    assert.equal(await rpcCode(client.lockUnspent(false, [{ txid: first.txid, vout: first.vout }])), -8, 'already locked');
    assert.ok(!((await client.listUnspent(0)) as Array<{ txid: string; vout: number }>).some((c) => c.txid === first.txid && c.vout === first.vout), 'the locked coin is not listed');
    // With every coin locked, coin selection has nothing to spend.
    assert.equal(await client.lockUnspent(false, coins.slice(1).map(({ txid, vout }) => ({ txid, vout }))), true);
    assert.equal(await rpcCode(client.sendToAddress(other, 0.01)), -6);
    assert.equal(await client.lockUnspent(true), true);
    assert.equal(((await client.listUnspent(0)) as unknown[]).length, coins.length);
  }],
  ['listLockUnspent', async ({ client }) => {
    const [coin] = (await client.listUnspent(0)) as Array<{ txid: string; vout: number }>;
    await client.lockUnspent(false, [{ txid: coin.txid, vout: coin.vout }], true);
    assert.deepEqual(plain(await client.listLockUnspent()), [{ txid: coin.txid, vout: coin.vout }]);
    await client.lockUnspent(true, [{ txid: coin.txid, vout: coin.vout }]);
    assert.deepEqual(await client.listLockUnspent(), []);
  }],
  ['send', async ({ client, other }) => {
    const sent = obj(await client.send([{ [other]: 0.25 }], null, 'unset', 3));
    assert.equal(sent.complete, true);
    const tx = obj(await client.getRawTransaction(sent.txid, true));
    assert.ok(tx.vout.some((out: { value: number; scriptPubKey: { address: string } }) => out.value === 0.25 && out.scriptPubKey.address === other), 'the payment output');
    const entry = obj(await client.getMempoolEntry(sent.txid));
    assert.equal(Math.round((entry.fees.base * 1e8) / entry.vsize), 3, 'the fee_rate asked, in sat/vB');
    assert.equal(await rpcCode(client.send([{ data: '00' }])), -8);
  }],
  ['generateToDescriptor', async ({ client, mine }) => {
    const info = obj(await client.getAddressInfo(mine));
    const [hash] = (await client.generateToDescriptor(1, `wpkh(${info.pubkey})`)) as string[];
    const block = obj(await client.getBlock(hash, 2));
    assert.equal(block.tx[0].vout[0].scriptPubKey.address, mine);
    assert.equal(await rpcCode(client.generateToDescriptor(1, obj(await client.listDescriptors()).descriptors.find((row: { active: boolean }) => row.active).desc)), -8, 'Core refuses a ranged one');
  }],
  ['sendAll', async ({ client }) => {
    const coins = (await client.listUnspent(0)) as Array<{ amount: number }>;
    const total = coins.reduce((sum, coin) => sum + Math.round(coin.amount * 1e8), 0);
    const dest = (await client.getNewAddress()) as string;
    const sent = obj(await client.sendAll([dest]));
    assert.equal(sent.complete, true);
    const tx = obj(await client.getRawTransaction(sent.txid, true));
    assert.equal(tx.vin.length, coins.length, 'every coin spent');
    assert.equal(tx.vout.length, 1);
    const fee = total - Math.round(tx.vout[0].value * 1e8);
    assert.ok(fee > 0 && fee < 100_000, `fee ${fee}`);
    assert.deepEqual(((await client.listUnspent(0)) as Array<{ address: string }>).map((c) => c.address), [dest]);
  }],
  // ---- node extras (branch nodeextra): a zero-fee parent and a child paying for both, from the coin sendAll left ----
  ['submitPackage', async ({ client }) => {
    const [coin] = (await client.listUnspent(0)) as Array<{ txid: string; vout: number; amount: number }>;
    const [middle, end] = [(await client.getNewAddress()) as string, (await client.getNewAddress()) as string];
    const sats = Math.round(coin.amount * 1e8);
    const parent = obj(await client.signRawTransactionWithWallet(await client.createRawTransaction([{ txid: coin.txid, vout: coin.vout }], { [middle]: sats / 1e8 }))).hex as string;
    const parentTx = obj(await client.decodeRawTransaction(parent));
    const prevtx = { txid: parentTx.txid, vout: 0, scriptPubKey: obj(await client.getAddressInfo(middle)).scriptPubKey, amount: sats / 1e8 };
    const child = obj(await client.signRawTransactionWithWallet(await client.createRawTransaction([{ txid: parentTx.txid, vout: 0 }], { [end]: (sats - 100_000) / 1e8 }), [prevtx])).hex as string;
    const childTx = obj(await client.decodeRawTransaction(child));
    const result = obj(await client.submitPackage([parent, child]));
    assert.equal(result.package_msg, 'success');
    assert.equal(result['tx-results'][parentTx.hash].fees.base, 0);
    assert.deepEqual(plain(result['tx-results'][childTx.hash].fees['effective-includes']), [parentTx.hash, childTx.hash]);
    const pool = (await client.getRawMempool()) as string[];
    assert.ok(pool.includes(parentTx.txid) && pool.includes(childTx.txid));
    assert.equal(await rpcCode(client.submitPackage([])), -8);
  }],
  // ---- end corewallet ----

  // ---- wallet upkeep (branch walletextra) ----
  ['keypoolRefill', async ({ client }) => {
    assert.equal(await client.keypoolRefill(40), null);
    assert.equal(obj(await client.getWalletInfo()).keypoolsize, 40);
    assert.equal(await rpcCode(client.keypoolRefill(-1)), -8);
  }],
  ['setWalletFlag', async ({ client }) => {
    assert.equal(obj(await client.setWalletFlag('avoid_reuse', true)).flag_state, true);
    assert.equal(obj(await client.getWalletInfo()).avoid_reuse, true);
    assert.equal(typeof obj(await client.getBalances()).mine.used, 'number');
    assert.ok(((await client.listUnspent(0)) as Array<{ reused?: boolean }>).every((coin) => typeof coin.reused === 'boolean'));
    assert.equal(obj(await client.setWalletFlag('avoid_reuse', false)).flag_state, false);
    assert.equal(await rpcCode(client.setWalletFlag('blank', true)), -8);
  }],
  ['abortRescan', async ({ client }) => assert.equal(await client.abortRescan(), false)],
  ['simulateRawTransaction', async ({ client }) => {
    const [coin] = (await client.listUnspent(0)) as Array<{ txid: string; vout: number; amount: number }>;
    const outside = bitcoin.payments.p2wpkh({ pubkey: ECPair.makeRandom({ network: regtest }).publicKey, network: regtest }).address!;
    const raw = await client.createRawTransaction([{ txid: coin.txid, vout: coin.vout }], { [outside]: 0.1 });
    assert.equal(obj(await client.simulateRawTransaction([raw])).balance_change, -coin.amount);
    assert.equal(await rpcCode(client.simulateRawTransaction([raw, raw])), -8, 'the same output spent twice');
  }],
  ['importPrunedFunds', async (w) => {
    const key = ECPair.makeRandom({ network: regtest });
    const address = bitcoin.payments.p2wpkh({ pubkey: key.publicKey, network: regtest }).address!;
    const [hash] = (await w.client.generateToAddress(1, address)) as string[];
    w.prunedTxid = obj(await w.client.getBlock(hash)).tx[0];
    const raw = await w.client.getRawTransaction(w.prunedTxid, false, hash);
    const proof = await w.client.getTxOutProof([w.prunedTxid], hash);
    assert.equal(await rpcCode(w.client.importPrunedFunds(raw, proof)), -5, 'no output pays the wallet yet');
    await w.client.importPrivKey(key.toWIF(), 'pruned', false);
    assert.equal(await rpcCode(w.client.getTransaction(w.prunedTxid)), -5, 'no rescan: not seen');
    assert.equal(await w.client.importPrunedFunds(raw, proof), null);
    assert.equal(obj(await w.client.getTransaction(w.prunedTxid)).blockhash, hash);
  }],
  ['removePrunedFunds', async ({ client, prunedTxid }) => {
    assert.equal(await client.removePrunedFunds(prunedTxid), null);
    assert.equal(await rpcCode(client.getTransaction(prunedTxid)), -5);
    assert.equal(await rpcCode(client.removePrunedFunds(prunedTxid)), -4);
  }],
  // ---- end wallet upkeep ----

  // ---- last: these lock the wallet and stop the node ----
  ['encryptWallet', async ({ client, other }) => {
    assert.match((await client.encryptWallet('a long passphrase')) as string, /wallet encrypted/);
    assert.equal(await rpcCode(client.sendToAddress(other, 0.1)), -13);
  }],
  ['walletPassphrase', async ({ client, other }) => {
    assert.equal(await rpcCode(client.walletPassphrase('wrong one', 60)), -14);
    assert.equal(await client.walletPassphrase('a long passphrase', 60), null);
    assert.match((await client.sendToAddress(other, 0.1)) as string, /^[0-9a-f]{64}$/);
  }],
  ['walletPassphraseChange', async ({ client }) => {
    assert.equal(await client.walletPassphraseChange('a long passphrase', 'another passphrase'), null);
    assert.equal(await client.walletPassphrase('another passphrase', 60), null);
  }],
  ['walletLock', async ({ client, other }) => {
    assert.equal(await client.walletLock(), null);
    assert.equal(await rpcCode(client.sendToAddress(other, 0.1)), -13);
  }],
  // ---- node extras (branch nodeextra) ----
  ['setNetworkActive', async ({ client }) => {
    assert.equal(await client.setNetworkActive(false), false);
    const off = obj(await client.getNetworkInfo());
    assert.equal(off.networkactive, false);
    assert.equal(off.connections, 0);
    assert.equal(await client.setNetworkActive(true), true);
    assert.equal(obj(await client.getNetworkInfo()).networkactive, true);
    assert.equal(await rpcCode(client.setNetworkActive('no')), -3);
  }],
  ['getBlockFromPeer', async ({ client }) => {
    // A header only, beside the tip (equal work, so the tip stays): its body is missing, and no peer is connected.
    const tip = (await client.getBestBlockHash()) as string;
    const parent = obj(await client.getBlockHeader(tip)).previousblockhash as string;
    const header = headerBeside((await client.getBlockHeader(tip, false)) as string, parent);
    assert.equal(await client.submitHeader(header.hex), null);
    assert.deepEqual(await rpcError(client.getBlockFromPeer(header.hash, 0)), { code: -1, message: 'Peer does not exist' });
    assert.deepEqual(await rpcError(client.getBlockFromPeer(tip, 0)), { code: -1, message: 'Block already downloaded' });
    assert.deepEqual(await rpcError(client.getBlockFromPeer('11'.repeat(32), 0)), { code: -1, message: 'Block header missing' });
  }],
  ['scanBlocks', async ({ client, mine, hashes }) => {
    const found = obj(await client.scanBlocks('start', [`addr(${mine})`], 0, 101));
    assert.equal(found.completed, true);
    assert.deepEqual([found.from_height, found.to_height], [0, 101]);
    // The first 101 blocks pay the wallet's first address.
    assert.deepEqual(found.relevant_blocks.slice(0, 101), hashes);
    const none = obj(await client.scanBlocks('start', ['raw(0014' + '22'.repeat(20) + ')'], 0, 101, 'basic', { filter_false_positives: true }));
    assert.deepEqual(plain(none.relevant_blocks), []);
    assert.equal(await client.scanBlocks('status'), null);
    assert.equal(await rpcCode(client.scanBlocks('start', [`addr(${mine})`], 0, 101, 'extended')), -5);
  }],
  // ---- end nodeextra ----
  ['stop', async ({ client, daemon }) => {
    assert.match((await client.stop()) as string, /stopping/);
    assert.equal((await daemon.exited).code, 0);
  }],
];

/** The client's methods that current Core has: no upper bound on the version range. */
function currentCoreMethods(): string[] {
  return Object.entries(clientMethods)
    .filter(([, spec]) => !spec.version.includes('<') && !spec.version.startsWith('='))
    .map(([name]) => name);
}

describe('the bitcoin-core npm client: every Core method it has, against a real daemon', () => {
  const world = {} as World;
  before(async () => {
    world.dir = await mkdtemp(join(tmpdir(), 'powcoin-core-client-'));
    world.daemon = await startDaemon(world.dir, ['--txindex', '--blockfilterindex']);
    const credentials = readCookie(world.daemon.networkDir);
    const client = new BitcoinCore({ host: `http://127.0.0.1:${world.daemon.rpcPort}`, username: credentials.user, password: credentials.password, timeout: 120_000 });
    world.client = client as unknown as World['client'];
  });
  after(async () => {
    if (world.daemon.proc.exitCode === null) {
      world.daemon.proc.kill('SIGTERM');
      await world.daemon.exited;
    }
    await rm(world.dir, { recursive: true, force: true });
  });

  test('every current-Core method of the client is a case, a TODO or not planned', () => {
    const listed = new Set([...CASES.map(([name]) => name), ...Object.keys(NOT_PLANNED)]);
    for (const name of Object.keys(TODO)) assert.ok(listed.has(name), `TODO ${name} has no case`);
    assert.deepEqual(currentCoreMethods().filter((name) => !listed.has(name)), []);
    for (const name of listed) assert.ok(name in clientMethods, `${name} is not a method of the client`);
  });

  test('not planned methods answer "Method not found"', async () => {
    for (const name of Object.keys(NOT_PLANNED)) assert.equal(await rpcCode(world.client[name]()), -32601, name);
  });

  for (const [name, run] of CASES) {
    const todo = TODO[name];
    test(name, todo ? { todo: `added on branch ${todo}; delete it from TODO once merged` } : {}, () => run(world));
  }
});
