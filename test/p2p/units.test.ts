import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RuleError } from '../../src/consensus/errors.js';
import { multiaddr } from '@multiformats/multiaddr';
import { AddressBans } from '../../src/p2p/address-bans.js';
import { inboundKey, isAddressKey, listenKey } from '../../src/p2p/address-key.js';
import { BAN_FILE, BanList } from '../../src/p2p/bans.js';
import { KEY_FILE, loadIdentity } from '../../src/p2p/identity.js';
import { headersAfter } from '../../src/p2p/protocols/headers.js';
import * as messages from '../../src/p2p/protocols/messages.js';
import { RateLimiter } from '../../src/p2p/rate-limit.js';
import { blockMessageId, messageIdString, protocolsFor, topicsFor } from '../../src/p2p/topics.js';
import { duplicateTail, junkBody } from '../helpers/mutations.js';
import { PENALTY, verdict } from '../../src/p2p/verdict.js';
import { DecodeError } from '../../src/primitives/errors.js';
import { type Harness, openHarness, processAll } from '../helpers/chain-harness.js';
import { params, payingBranch, spendCoinbase } from './helpers.js';

describe('wire messages', () => {
  const hash = (n: number): string => n.toString(16).padStart(64, '0');

  test('status round-trips, chainwork up to 256 bits', () => {
    const status = { genesisHash: hash(1), tipHash: hash(2), height: 123_456, chainwork: (1n << 255n) + 77n };
    assert.deepEqual(messages.decodeStatus(messages.encodeStatus(status)), status);
  });

  test('headers and blocks requests round-trip; stop hash optional', () => {
    const request = { locator: [hash(5), hash(4), hash(0)], stop: undefined };
    assert.deepEqual(messages.decodeHeadersRequest(messages.encodeHeadersRequest(request)), request);
    assert.equal(messages.decodeHeadersRequest(messages.encodeHeadersRequest({ locator: [], stop: hash(9) })).stop, hash(9));
    assert.deepEqual(messages.decodeBlocksRequest(messages.encodeBlocksRequest([hash(7), hash(8)])), [hash(7), hash(8)]);
  });

  test('malformed and over-limit messages throw DecodeError', () => {
    assert.throws(() => messages.decodeStatus(new Uint8Array(99)), DecodeError);
    assert.throws(() => messages.decodeStatus(new Uint8Array(101)), DecodeError);
    const tooMany = messages.encodeBlocksRequest(Array.from({ length: 17 }, (_, i) => hash(i)));
    assert.throws(() => messages.decodeBlocksRequest(tooMany), /at most 16/);
    const longLocator = messages.encodeHeadersRequest({ locator: Array.from({ length: 102 }, (_, i) => hash(i)) });
    assert.throws(() => messages.decodeHeadersRequest(longLocator), /at most 101/);
    assert.throws(() => messages.decodeHeaders(Uint8Array.of(2, ...new Uint8Array(80))), DecodeError);
  });

  test('a txs push carries raw txs, at most 1,000', () => {
    const raw = [spendCoinbase(payingBranch(44).next()).encode(), Uint8Array.of(9)];
    assert.deepEqual(messages.decodeTxs(messages.encodeTxs(raw)), raw);
    assert.throws(() => messages.decodeTxs(messages.encodeTxs(Array.from({ length: 1_001 }, () => Uint8Array.of(1)))), /at most 1000/);
  });

  test('blocks reply carries raw blocks', () => {
    const raw = [payingBranch(40).next().encode(), Uint8Array.of(1, 2, 3)];
    assert.deepEqual(messages.decodeBlocks(messages.encodeBlocks(raw)), raw);
  });
});

describe('topics and message ids', () => {
  const topics = topicsFor(params);

  test('names live under /powcoin/<protocolName>/', () => {
    assert.deepEqual(topics, { block: '/powcoin/p2ptest/block/1', tx: '/powcoin/p2ptest/tx/1', compact: '/powcoin/p2ptest/cmpctblock/1' });
    assert.equal(protocolsFor(params).headers, '/powcoin/p2ptest/headers/1');
  });

  test('a block id covers every byte (not the header hash); a tx id is the wtxid; neither needs a decode', () => {
    const branch = payingBranch(41);
    const block = branch.next();
    const tx = spendCoinbase(block);
    const id = messageIdString(topics, topics.block, block.encode());
    assert.match(id, /^blk:[0-9a-f]{64}$/);
    assert.equal(id, blockMessageId(block.encode()));
    assert.notEqual(id.slice(4), block.hash());
    // The real header with any other body is another message, so it cannot shadow the real block.
    assert.notEqual(messageIdString(topics, topics.block, junkBody(block)), id);
    assert.notEqual(messageIdString(topics, topics.block, duplicateTail(block).encode()), id);
    assert.notEqual(messageIdString(topics, topics.block, block.encode().subarray(0, 80)), id);
    assert.equal(messageIdString(topics, topics.tx, tx.encode()), tx.wtxid());
    assert.match(messageIdString(topics, topics.block, Uint8Array.of(1, 2)), /^blk:[0-9a-f]{64}$/);
    assert.match(messageIdString(topics, '/other', Uint8Array.of(1, 2)), /^raw:[0-9a-f]{64}$/);
  });
});

describe('request rate limits', () => {
  const limits = { status: { burst: 2, perSecond: 1 }, headers: { burst: 3, perSecond: 10 }, blocks: { burst: 1, perSecond: 1 }, txs: { burst: 1, perSecond: 1 }, mempool: { burst: 1, perSecond: 1 }, blocktxn: { burst: 1, perSecond: 1 } };

  test('a server takes the burst at once, then the rate; peers and protocols have their own budgets', () => {
    let now = 0;
    const limiter = new RateLimiter(limits, 1, () => now);
    assert.deepEqual([1, 2, 3].map(() => limiter.take('p', 'status')), [true, true, false]);
    assert.ok(limiter.take('q', 'status'), 'another peer');
    assert.ok(limiter.take('p', 'headers'), 'another protocol');
    now += 999;
    assert.equal(limiter.take('p', 'status'), false);
    now += 1;
    assert.ok(limiter.take('p', 'status'));
    now += 60_000;
    assert.deepEqual([1, 2, 3].map(() => limiter.take('p', 'status')), [true, true, false], 'refills to the burst, no more');
  });

  test('slack scales the server’s burst and rate', () => {
    const limiter = new RateLimiter(limits, 2, () => 0);
    assert.deepEqual([1, 2, 3, 4, 5].map(() => limiter.take('p', 'status')), [true, true, true, true, false]);
  });

  test('a requester reserves tokens ahead and is told how long to wait for each', () => {
    let now = 0;
    const limiter = new RateLimiter(limits, 1, () => now);
    assert.deepEqual([1, 2, 3, 4, 5].map(() => limiter.reserve('p', 'headers')), [0, 0, 0, 100, 200]);
    now += 200;
    assert.equal(limiter.reserve('p', 'headers'), 100, 'the two reserved are paid for; the next waits its turn');
  });
});

describe('verdicts', () => {
  test('statuses: accepted, connected and side-chain accept; duplicate and orphan ignore (orphan names what to sync)', () => {
    for (const status of ['connected', 'side-chain', 'accepted'] as const) assert.equal(verdict('block', { ok: true, status }).action, 'accept');
    assert.deepEqual(verdict('block', { ok: true, status: 'duplicate' }), { action: 'ignore', penalty: 0, reason: 'duplicate' });
    assert.equal(verdict('block', { ok: true, status: 'orphan', missing: 'ab' }).missing, 'ab');
  });

  test('rule errors: reject with the per-kind penalty, ignore without; decode failures are malformed', () => {
    assert.deepEqual(verdict('block', { ok: false, error: new RuleError('bad-cb-amount') }), { action: 'reject', penalty: PENALTY.invalidBlock, reason: 'bad-cb-amount' });
    assert.equal(verdict('tx', { ok: false, error: new RuleError('bad-txns-in-belowout') }).penalty, PENALTY.invalidTx);
    assert.deepEqual(verdict('tx', { ok: false, error: new RuleError('dust', undefined, { action: 'ignore' }) }), { action: 'ignore', penalty: 0, reason: 'dust' });
    assert.equal(verdict('block', { ok: false, error: new RuleError('block-decode-failed') }).penalty, PENALTY.malformed);
  });

  test('a possibly mutated block is rejected and punished as Core punishes BLOCK_MUTATED, and says so', () => {
    for (const code of ['bad-txnmrklroot', 'bad-txns-duplicate', 'bad-witness-nonce-size', 'bad-witness-merkle-match', 'unexpected-witness'] as const) {
      assert.deepEqual(verdict('block', { ok: false, error: new RuleError(code) }), { action: 'reject', penalty: PENALTY.mutatedBlock, reason: code, mutated: true });
    }
    assert.equal(verdict('block', { ok: false, error: new RuleError('bad-blk-weight') }).mutated, undefined);
  });

  test('a witness-stripped or altered copy of a pool tx costs its relayer nothing (Core: TX_CONFLICT)', () => {
    const error = new RuleError('txn-same-nonwitness-data-in-mempool', undefined, { action: 'ignore' });
    assert.deepEqual(verdict('tx', { ok: false, error }), { action: 'ignore', penalty: 0, reason: 'txn-same-nonwitness-data-in-mempool' });
  });

  test('an unexpected exception is a bug: ignored, never punished', () => {
    const bug = new TypeError('oops');
    assert.deepEqual(verdict('block', { ok: false, error: bug }), { action: 'ignore', penalty: 0, reason: 'internal-error', bug });
  });
});

describe('identity and ban list persistence', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'powcoin-p2p-unit-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  test('the key is created once with mode 0600 and read back as the same identity', async () => {
    const first = await loadIdentity(dir);
    const second = await loadIdentity(dir);
    assert.ok(first.equals(second));
    assert.equal((await stat(join(dir, KEY_FILE))).mode & 0o777, 0o600);
  });

  test('a corrupt key file is an error, not a silent new identity', async () => {
    const other = await mkdtemp(join(tmpdir(), 'powcoin-p2p-key-'));
    await writeFile(join(other, KEY_FILE), 'garbage');
    await assert.rejects(loadIdentity(other), /does not hold a libp2p private key/);
    await rm(other, { recursive: true });
  });

  test('bans persist, expire, and can be lifted', async () => {
    let now = 1_000_000;
    const list = await BanList.open(dir, () => now);
    list.ban('peer-a', 60, 'invalid block');
    list.ban('peer-b', 10, 'test');
    await list.flush();
    const reopened = await BanList.open(dir, () => now);
    assert.deepEqual(reopened.list().map((ban) => ban.target).sort(), ['peer-a', 'peer-b']);
    now += 11_000;
    assert.equal(reopened.isBanned('peer-b'), false, 'expired');
    assert.equal(reopened.isBanned('peer-a'), true);
    assert.ok(reopened.unban('peer-a'));
    await reopened.flush();
    assert.deepEqual(JSON.parse(await readFile(join(dir, BAN_FILE), 'utf8')), []);
  });
});

describe('headers/1 answers from the locator', () => {
  let h: Harness;
  const main = payingBranch(42);
  before(async () => {
    h = await openHarness({ params });
    await processAll(h.chain, main.extend(30));
  });
  after(async () => h.close());

  test('a peer on our chain gets the headers after its tip', () => {
    const headers = headersAfter(h.chain, { locator: [main.at(25).hash(), main.at(0).hash()] });
    assert.deepEqual(headers.map((header) => header.hash()), [26, 27, 28, 29, 30].map((height) => main.at(height).hash()));
  });

  test('a peer on a fork gets our chain from the fork point; an unknown locator starts at genesis', () => {
    const fork = main.forkAt(20, 43);
    fork.extend(5);
    const locator = [fork.at(25).hash(), fork.at(21).hash(), main.at(20).hash(), main.at(0).hash()];
    assert.equal(headersAfter(h.chain, { locator })[0].hash(), main.at(21).hash());
    assert.equal(headersAfter(h.chain, { locator: [fork.at(25).hash()] })[0].hash(), main.at(1).hash());
    assert.equal(headersAfter(h.chain, { locator: [main.at(0).hash()], stop: main.at(3).hash() }).length, 3);
  });
});

describe('address keys and address bans', () => {
  test('routable addresses are keyed by IP, loopback by IP and listen port', () => {
    assert.equal(listenKey(multiaddr('/ip4/203.0.113.5/tcp/8633/p2p/12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK')), '203.0.113.5');
    assert.equal(inboundKey(multiaddr('/ip4/203.0.113.5/tcp/51234')), '203.0.113.5');
    assert.equal(listenKey(multiaddr('/ip4/127.0.0.1/tcp/4001')), '127.0.0.1:4001');
    assert.equal(listenKey(multiaddr('/ip6/::1/tcp/4001')), '[::1]:4001');
    assert.equal(inboundKey(multiaddr('/ip4/127.0.0.1/tcp/51234')), undefined, 'an ephemeral loopback port says nothing');
    assert.equal(listenKey(multiaddr('/dns4/example.org/tcp/1')), undefined);
    assert.ok(isAddressKey('203.0.113.5') && isAddressKey('127.0.0.1:4001') && isAddressKey('[::1]:4001'));
    assert.equal(isAddressKey('12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK'), false);
  });

  test('the third peer id banned from one address bans the address; the count survives a reopen; old files load', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'powcoin-bans-'));
    try {
      const list = await BanList.open(dir);
      const guard = new AddressBans(list, 3);
      list.ban('peer-a', 60, 'x', '10.0.0.7');
      list.ban('peer-b', 60, 'x', '10.0.0.7');
      assert.equal(guard.escalate('10.0.0.7', 60), undefined);
      await list.flush();
      const reopened = await BanList.open(dir);
      reopened.ban('peer-c', 60, 'x', '10.0.0.7');
      const entry = new AddressBans(reopened, 3).escalate('10.0.0.7', 60);
      assert.equal(entry?.kind, 'address');
      assert.ok(reopened.isAddressBanned('10.0.0.7'));
      assert.equal(reopened.isAddressBanned('10.0.0.8'), false);
      await reopened.flush();
      await writeFile(join(dir, BAN_FILE), JSON.stringify([{ peerId: 'old-peer', createdAt: Date.now(), until: Date.now() + 60_000, reason: 'old' }]));
      assert.ok((await BanList.open(dir)).isBanned('old-peer'), 'a ban file from before address bans still loads');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
