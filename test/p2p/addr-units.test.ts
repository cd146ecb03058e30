/** The addr/1 codec, the address token bucket, outbound slot order, inbound eviction and anchors, without a network. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { DecodeError } from '../../src/primitives/errors.js';
import { ByteWriter } from '../../src/primitives/writer.js';
import { decodeAddrList, decodeAddrMessage, encodeAddrList, encodeAddrMessage, MAX_ADDR_PER_MESSAGE } from '../../src/p2p/protocols/addr-messages.js';
import { ADDR_LIMITS, TokenBucket } from '../../src/p2p/connections/token-bucket.js';
import { type EvictionCandidate, selectToEvict } from '../../src/p2p/connections/eviction.js';
import { ANCHORS_FILE, saveAnchors, takeAnchors } from '../../src/p2p/connections/anchors.js';
import { slotToFill } from '../../src/p2p/connections/slot-order.js';
import type { AddressRecord } from '../../src/p2p/addrman/types.js';

const peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString();
const record: AddressRecord = { peerId, multiaddrs: ['/ip4/10.1.2.3/tcp/8733', '/ip6/2001:db8::1/tcp/8733'], services: 9, lastSeen: 1_700_000_000_000 };

/** A raw addr message with one record whose fields are given as bytes. */
function rawRecord(fields: { id?: Uint8Array; addresses?: Uint8Array[]; trailing?: boolean }): Uint8Array {
  const writer = new ByteWriter(256).u8(1).compactSize(1);
  writer.varBytes(fields.id ?? new TextEncoder().encode(peerId)).compactSize(9).u32(1_700_000_000);
  const addresses = fields.addresses ?? [multiaddr('/ip4/10.1.2.3/tcp/8733').bytes];
  writer.compactSize(addresses.length);
  for (const address of addresses) writer.varBytes(address);
  if (fields.trailing) writer.u8(0);
  return writer.finish();
}

describe('addr/1 codec', () => {
  it('round-trips getaddr, addr pushes and getaddr replies', () => {
    assert.deepEqual(decodeAddrMessage(encodeAddrMessage({ kind: 'getaddr' })), { kind: 'getaddr' });
    assert.deepEqual(decodeAddrMessage(encodeAddrMessage({ kind: 'addr', records: [record] })), { kind: 'addr', records: [record] });
    assert.deepEqual(decodeAddrList(encodeAddrList([record, record])), [record, record]);
    assert.deepEqual(decodeAddrList(encodeAddrList([])), []);
  });

  it('refuses malformed messages with DecodeError', () => {
    const good = encodeAddrMessage({ kind: 'addr', records: [record] });
    const cases: Array<[string, Uint8Array]> = [
      ['empty', new Uint8Array()],
      ['unknown kind', Uint8Array.of(7)],
      ['getaddr with a body', Uint8Array.of(0, 0)],
      ['truncated', good.subarray(0, good.length - 1)],
      ['trailing bytes', rawRecord({ trailing: true })],
      ['a peer id that does not parse', rawRecord({ id: new TextEncoder().encode('not-a-peer-id') })],
      ['a peer id that is not UTF-8', rawRecord({ id: Uint8Array.of(0xff, 0xfe) })],
      ['an oversized peer id', rawRecord({ id: new Uint8Array(200).fill(0x31) })],
      ['no multiaddrs', rawRecord({ addresses: [] })],
      ['too many multiaddrs', rawRecord({ addresses: Array.from({ length: 9 }, () => multiaddr('/ip4/1.2.3.4/tcp/1').bytes) })],
      ['a multiaddr that does not parse', rawRecord({ addresses: [Uint8Array.of(0xff, 0xff, 0xff)] })],
      ['a multiaddr with its own /p2p', rawRecord({ addresses: [multiaddr(`/ip4/1.2.3.4/tcp/1/p2p/${peerId}`).bytes] })],
      ['a count over 1,000', new ByteWriter(16).u8(1).compactSize(MAX_ADDR_PER_MESSAGE + 1).finish()],
    ];
    for (const [what, bytes] of cases) assert.throws(() => decodeAddrMessage(bytes), DecodeError, what);
    assert.throws(() => decodeAddrList(new ByteWriter(8).compactSize(5000).finish()), DecodeError);
  });

  it('never encodes more than 1,000 records in one message', () => {
    assert.throws(() => encodeAddrList(Array.from({ length: MAX_ADDR_PER_MESSAGE + 1 }, () => record)), RangeError);
  });
});

describe('address token bucket', () => {
  it("is Core's: starts at 1, 0.1 address per second, at most 1,000, grants for a getaddr", () => {
    let now = 0;
    const bucket = new TokenBucket(ADDR_LIMITS, 1, () => now);
    assert.equal(bucket.take(10), 1);
    assert.equal(bucket.take(1), 0);
    now += 10_000;
    assert.equal(bucket.take(5), 1, 'one token per 10 s');
    now += 100_000_000;
    assert.equal(bucket.take(5_000), 1_000, 'capped at the burst');
    bucket.grant(1_000);
    assert.equal(bucket.take(5_000), 1_000, 'a getaddr grant is spent in full');
  });
});

describe('outbound slot order', () => {
  const slots = { maxFullRelay: 8, maxBlockRelayOnly: 2 };
  it('full-relay slots first: no block-relay-only dial while one is open or being dialled', () => {
    // The seed as a node's only address: dialled as block-relay-only it would carry no addresses.
    assert.deepEqual(slotToFill({ ...slots, fullRelay: 0, blockRelayOnly: 0 }), { type: 'outbound-full-relay', need: 8 });
    assert.deepEqual(slotToFill({ ...slots, fullRelay: 7, blockRelayOnly: 0 }), { type: 'outbound-full-relay', need: 1 });
  });
  it('block-relay-only slots once the full-relay ones are taken; nothing when both are', () => {
    assert.deepEqual(slotToFill({ ...slots, fullRelay: 8, blockRelayOnly: 1 }), { type: 'block-relay-only', need: 1 });
    assert.equal(slotToFill({ ...slots, fullRelay: 8, blockRelayOnly: 2 }), undefined);
    assert.deepEqual(slotToFill({ maxFullRelay: 0, maxBlockRelayOnly: 1, fullRelay: 0, blockRelayOnly: 0 }), { type: 'block-relay-only', need: 1 });
  });
});

describe('inbound eviction', () => {
  const peer = (i: number, fields: Partial<EvictionCandidate> = {}): EvictionCandidate => ({
    id: `p${i}`,
    connectedAt: 1_000 * i,
    minPingMs: 100 + i,
    lastBlockAt: 0,
    lastTxAt: 0,
    group: `g${i}`,
    ...fields,
  });

  it('protects fast, useful and old peers, and evicts the youngest of the biggest group', () => {
    // 30 peers: 10 of them in one group (an attacker's /16), connected last and slowest.
    const honest = Array.from({ length: 20 }, (_, i) => peer(i));
    const attacker = Array.from({ length: 10 }, (_, i) => peer(100 + i, { group: 'attacker', minPingMs: 10_000 }));
    const victim = selectToEvict([...honest, ...attacker], 'key');
    assert.equal(victim, 'p109', 'the youngest in the most-connected group');
  });

  it('never evicts the peers that last relayed blocks or txs, or have the lowest ping', () => {
    const candidates = Array.from({ length: 40 }, (_, i) => peer(i, { group: 'same' }));
    candidates[39] = { ...candidates[39], lastBlockAt: 5_000 };
    candidates[38] = { ...candidates[38], lastTxAt: 5_000 };
    candidates[37] = { ...candidates[37], minPingMs: 1 };
    const victim = selectToEvict(candidates, 'key');
    assert.ok(victim !== undefined && !['p39', 'p38', 'p37'].includes(victim), `evicted ${victim}`);
  });

  it('evicts nobody when every peer is protected', () => {
    assert.equal(selectToEvict(Array.from({ length: 4 }, (_, i) => peer(i)), 'key'), undefined);
  });
});

describe('anchors', () => {
  it('are saved 0600, read once, and the file removed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'powcoin-anchors-'));
    try {
      const anchors = [`/ip4/127.0.0.1/tcp/1/p2p/${peerId}`, `/ip4/127.0.0.1/tcp/2/p2p/${peerId}`, `/ip4/127.0.0.1/tcp/3/p2p/${peerId}`];
      await saveAnchors(dir, anchors);
      assert.equal((await stat(join(dir, ANCHORS_FILE))).mode & 0o777, 0o600);
      assert.equal(JSON.parse(await readFile(join(dir, ANCHORS_FILE), 'utf8')).length, 2, 'at most 2, as Core');
      assert.deepEqual(await takeAnchors(dir), anchors.slice(0, 2));
      assert.deepEqual(await takeAnchors(dir), [], 'removed after reading');
      await writeFile(join(dir, ANCHORS_FILE), '{not json');
      assert.deepEqual(await takeAnchors(dir), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
