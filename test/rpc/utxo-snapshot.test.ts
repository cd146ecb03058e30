/** Core's compact coin serialization for dumptxoutset: VARINT and CompressAmount against the values Core's sources list. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../src/primitives/bytes.js';
import { ByteWriter } from '../../src/primitives/writer.js';
import { compressAmount, writeVarInt } from '../../src/rpc/format/utxo-snapshot.js';

describe('UTXO snapshot serialization', () => {
  test("VARINT: the table in Core's serialize.h", () => {
    const cases: Array<[bigint, string]> = [[0n, '00'], [1n, '01'], [127n, '7f'], [128n, '8000'], [255n, '807f'], [256n, '8100'], [16383n, 'fe7f'], [16384n, 'ff00'], [16511n, 'ff7f'], [65535n, '82fe7f'], [1n << 32n, '8efefeff00']];
    for (const [value, hex] of cases) {
      const writer = new ByteWriter();
      writeVarInt(writer, value);
      assert.equal(toHex(writer.finish()), hex, String(value));
    }
  });

  test("CompressAmount: Core's compress_tests pairs", () => {
    const COIN = 100_000_000n;
    const cases: Array<[bigint, bigint]> = [[0n, 0x0n], [1n, 0x1n], [1_000_000n, 0x7n], [COIN, 0x9n], [50n * COIN, 0x32n], [21_000_000n * COIN, 0x1406f40n]];
    for (const [amount, compressed] of cases) assert.equal(compressAmount(amount), compressed, String(amount));
  });
});
