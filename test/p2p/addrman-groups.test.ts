import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bucketPosition, keyedHash, newBucket, NEW_BUCKETS_PER_SOURCE_GROUP, triedBucket, TRIED_BUCKETS_PER_GROUP } from '../../src/p2p/addrman/buckets.js';
import { groupOf, LOCAL_GROUP, parseIPv6, UNROUTABLE_GROUP } from '../../src/p2p/addrman/groups.js';

describe('address book network groups', () => {
  test('public IPv4 by /16, public IPv6 by /32, IPv4-mapped as IPv4', () => {
    assert.equal(groupOf('/ip4/8.8.4.4/tcp/8733'), 'ip4:8.8');
    assert.equal(groupOf('/ip4/8.8.200.1/tcp/1'), groupOf('/ip4/8.8.4.4/tcp/2'));
    assert.notEqual(groupOf('/ip4/8.9.4.4/tcp/1'), groupOf('/ip4/8.8.4.4/tcp/1'));
    assert.equal(groupOf('/ip6/2001:db8:1::5/tcp/1'), 'ip6:2001:0db8');
    assert.equal(groupOf('/ip6/2001:db8:ffff::1/tcp/1'), groupOf('/ip6/2001:db8::9/tcp/1'));
    assert.notEqual(groupOf('/ip6/2001:db9::1/tcp/1'), groupOf('/ip6/2001:db8::1/tcp/1'));
    assert.equal(groupOf('/ip6/::ffff:8.8.1.1/tcp/1'), 'ip4:8.8');
  });

  test('DNS names by lower-cased name', () => {
    assert.equal(groupOf('/dns4/Seed.Example.ORG/tcp/8733'), 'dns:seed.example.org');
    assert.equal(groupOf('/dns/seed.example.org/tcp/1'), groupOf('/dns6/SEED.example.org/tcp/2'));
    assert.notEqual(groupOf('/dns4/a.example.org/tcp/1'), groupOf('/dns4/b.example.org/tcp/1'));
  });

  test('loopback by TCP port (the peer id without one), so local tests spread', () => {
    assert.equal(groupOf('/ip4/127.0.0.1/tcp/9001'), 'lo:9001');
    assert.notEqual(groupOf('/ip4/127.0.0.1/tcp/9001'), groupOf('/ip4/127.0.0.1/tcp/9002'));
    assert.equal(groupOf('/ip4/127.5.5.5/tcp/9001'), groupOf('/ip6/::1/tcp/9001'));
    assert.equal(groupOf('/ip4/127.0.0.1', 'QmPeer'), 'lo:peer:QmPeer');
  });

  test('private ranges by the full IP: each host its own group', () => {
    for (const [a, b] of [
      ['10.0.0.5', '10.0.0.6'],
      ['172.16.3.4', '172.16.3.5'],
      ['172.31.0.1', '172.31.0.2'],
      ['192.168.1.1', '192.168.1.2'],
    ]) {
      assert.equal(groupOf(`/ip4/${a}/tcp/1`), `ip4:${a}`);
      assert.notEqual(groupOf(`/ip4/${a}/tcp/1`), groupOf(`/ip4/${b}/tcp/1`));
    }
    // 172.32/16 is public again: /16.
    assert.equal(groupOf('/ip4/172.32.9.9/tcp/1'), 'ip4:172.32');
    assert.notEqual(groupOf('/ip6/fd00::5/tcp/1'), groupOf('/ip6/fd00::6/tcp/1'));
  });

  test('no address is local; unparsable or hostless is one unroutable group', () => {
    assert.equal(groupOf(undefined), LOCAL_GROUP);
    assert.equal(groupOf('not a multiaddr'), UNROUTABLE_GROUP);
    assert.equal(groupOf('/ip4/0.0.0.0/tcp/1'), UNROUTABLE_GROUP);
    assert.equal(groupOf('/p2p-circuit'), UNROUTABLE_GROUP);
  });

  test('IPv6 text forms parse to 16 bytes', () => {
    assert.deepEqual([...parseIPv6('::1')!], [...new Array(15).fill(0), 1]);
    assert.deepEqual([...parseIPv6('::ffff:1.2.3.4')!.subarray(10)], [255, 255, 1, 2, 3, 4]);
    assert.deepEqual([...parseIPv6('1:2:3:4:5:6:7:8')!].filter((_, i) => i % 2 === 1), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(parseIPv6('1:2:3:4:5:6:7:8:9'), undefined);
    assert.equal(parseIPv6('1:::2'), undefined);
    assert.equal(parseIPv6('1::2::3'), undefined);
  });
});

describe('address book bucket hashing', () => {
  const key = new Uint8Array(32).fill(7);
  const otherKey = new Uint8Array(32).fill(8);

  test('one source group reaches at most 64 new buckets, whatever the address groups', () => {
    const buckets = new Set<number>();
    for (let i = 0; i < 5000; i++) buckets.add(newBucket(key, `ip4:${i % 250}.${i >> 8}`, 'ip4:66.66', 1024));
    assert.ok(buckets.size <= NEW_BUCKETS_PER_SOURCE_GROUP, `${buckets.size} buckets`);
    assert.ok(buckets.size >= 50, `64 slices should nearly all be hit, got ${buckets.size}`);
    // One address group from one source group: one bucket.
    const single = new Set<number>();
    for (let i = 0; i < 100; i++) single.add(newBucket(key, 'ip4:66.67', 'ip4:66.66', 1024));
    assert.equal(single.size, 1);
  });

  test('many source groups spread one address group over many new buckets', () => {
    const buckets = new Set<number>();
    for (let s = 0; s < 500; s++) buckets.add(newBucket(key, 'ip4:8.8', `ip4:${s % 250}.${s >> 8}`, 1024));
    assert.ok(buckets.size > 200, `${buckets.size}`);
  });

  test('one address group reaches at most 8 tried buckets', () => {
    const buckets = new Set<number>();
    for (let i = 0; i < 2000; i++) buckets.add(triedBucket(key, `peer${i}`, 'ip4:66.66', 256));
    assert.ok(buckets.size <= TRIED_BUCKETS_PER_GROUP && buckets.size >= 6, `${buckets.size}`);
  });

  test('placement depends on the secret key and is stable for one key', () => {
    const a = Array.from({ length: 20 }, (_, i) => newBucket(key, `ip4:1.${i}`, 'ip4:2.2', 1024));
    const b = Array.from({ length: 20 }, (_, i) => newBucket(key, `ip4:1.${i}`, 'ip4:2.2', 1024));
    const c = Array.from({ length: 20 }, (_, i) => newBucket(otherKey, `ip4:1.${i}`, 'ip4:2.2', 1024));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    const positions = new Set(Array.from({ length: 300 }, (_, i) => bucketPosition(key, true, 5, `peer${i}`, 64)));
    assert.ok(positions.size > 55, 'positions spread over the bucket');
  });

  test('hash parts are length-prefixed: ("ab","c") differs from ("a","bc"), 1 from "1"', () => {
    assert.notEqual(keyedHash(key, 'ab', 'c'), keyedHash(key, 'a', 'bc'));
    assert.notEqual(keyedHash(key, 1), keyedHash(key, '1'));
    assert.ok(Number.isSafeInteger(keyedHash(key, 'x')));
  });
});
