import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { memberText, prettyJson } from '../../src/cli/json-text.js';
import { printEvents } from '../../src/cli/mine-remote.js';
import { gbtMiner } from '../../src/miner/gbt-work.js';
import { formatResult, parseCliArg } from '../../src/cli/rpc.js';
import { splitFlags } from '../../src/cli/connection.js';
import { NoncePool } from '../../src/miner/nonce-pool.js';
import { addressToScript } from '../../src/primitives/address.js';
import { type Stack, openStack } from '../rpc/stack.js';

describe('powcoin rpc helpers', () => {
  test('arguments are JSON when they parse, else strings', () => {
    assert.equal(parseCliArg('101'), 101);
    assert.equal(parseCliArg('true'), true);
    assert.deepEqual(parseCliArg('{"rules":["segwit"]}'), { rules: ['segwit'] });
    assert.equal(parseCliArg('pcrt1qxyz'), 'pcrt1qxyz');
    assert.equal(parseCliArg('00ff'), '00ff');
  });

  test('results print as bitcoin-cli: strings raw, null as nothing, JSON indented with amounts kept', () => {
    assert.equal(formatResult('"abc"'), 'abc\n');
    assert.equal(formatResult('null'), '');
    assert.equal(formatResult('{"a":50.00000000,"b":[]}'), '{\n  "a": 50.00000000,\n  "b": []\n}\n');
  });

  test('memberText picks a member raw; prettyJson keeps strings with brackets and escapes intact', () => {
    const text = '{"result":{"x":"a\\"},]","y":1.10000000},"error":null,"id":1}';
    assert.equal(memberText(text, 'result'), '{"x":"a\\"},]","y":1.10000000}');
    assert.equal(memberText(text, 'error'), 'null');
    assert.equal(prettyJson('[1,{"k":"]"}]'), '[\n  1,\n  {\n    "k": "]"\n  }\n]');
  });

  test('connection flags are split from the method and its arguments', () => {
    assert.deepEqual(splitFlags(['--network', 'regtest', '--rpc-host=::1', 'getblock', '--x'], ['rpc-host']), { flags: ['--network', 'regtest'], rest: ['getblock', '--x'], extra: { 'rpc-host': '::1' } });
  });
});

describe('powcoin mine against a node (getblocktemplate → submitblock)', () => {
  let s: Stack;
  before(async () => {
    s = await openStack();
  });
  after(() => s.close());

  test('mines blocks that the node accepts, paying the given address', async () => {
    const address = 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke';
    const pool = new NoncePool({ threads: 1 });
    const lines: string[] = [];
    try {
      const miner = gbtMiner({ payoutScript: addressToScript(address, 'pcrt'), maxBlocks: 3, stopOnError: true }, { rpc: s.client, searcher: pool });
      printEvents(miner, (line) => lines.push(line));
      assert.equal(await miner.run(), 3);
    } finally {
      await pool.close();
    }
    assert.equal(await s.client.call('getblockcount'), 3);
    assert.equal(lines.filter((line) => /^block \d+ [0-9a-f]{64} accepted$/.test(line)).length, 3);
    const block = await s.client.call<{ tx: Array<{ vout: Array<{ scriptPubKey: { address?: string } }> }> }>('getblock', [await s.client.call('getbestblockhash'), 2]);
    assert.equal(block.tx[0].vout[0].scriptPubKey.address, address);
  });
});
