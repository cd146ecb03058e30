import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { targetToCompact } from '../../src/consensus/compact.js';
import { checkProofOfWork } from '../../src/consensus/pow.js';
import {
  COIN,
  NetworkConfigError,
  type NetworkParams,
  defineNetwork,
  isNetworkName,
  bitcoin,
  networks,
  parseNetworkConfig,
  parseNetworkOverrides,
} from '../../src/params/index.js';
import { Block, fromHex, toHex } from '../../src/primitives/index.js';
import { vectors } from '../helpers/vectors.js';

const OP_RETURN = 0x6a;
const launchDay = Date.UTC(2026, 10, 21) / 1000;

function genesisOf(params: NetworkParams): Block {
  const block = Block.decode(fromHex(params.genesisBlock));
  assert.equal(toHex(block.encode()), params.genesisBlock, 'canonical encoding');
  return block;
}

describe('built-in networks', () => {
  for (const [name, params] of Object.entries({ ...networks, bitcoin })) {
    test(`${name}: genesis decodes, hashes to genesisHash, meets its powLimit, commits to its coinbase`, () => {
      assert.equal(params.name, name);
      assert.equal(isNetworkName(name), name !== 'bitcoin', 'bitcoin is not a network a node runs on');
      const block = genesisOf(params);
      assert.equal(block.hash(), params.genesisHash);
      assert.equal(checkProofOfWork(block.hashBytes(), block.header.bits, params.powLimit), undefined);
      assert.equal(block.header.bits, targetToCompact(params.powLimit), 'genesis is at the easiest target');
      assert.equal(block.txs.length, 1);
      assert.ok(block.txs[0].isCoinbase());
      assert.equal(block.header.merkleRootHex(), block.txs[0].txid());
      const merkle = block.computeMerkleRoot();
      assert.equal(toHex(merkle.root), toHex(block.header.merkleRoot));
      assert.equal(block.header.prevHashHex(), '0'.repeat(64));
      assert.equal(block.txs[0].outputs[0].value, params.initialSubsidy);
    });
  }

  test('bitcoin is Bitcoin mainnet, genesis byte for byte', () => {
    assert.equal(bitcoin.genesisBlock, vectors.blocks.genesis.raw_block_hex);
    assert.equal(bitcoin.genesisHash, vectors.blocks.genesis.hash);
    const mp = vectors.retarget.mainnet_params;
    assert.equal(bitcoin.powLimit, BigInt(`0x${mp.powLimit}`));
    assert.equal(targetToCompact(bitcoin.powLimit), Number(mp.powLimit_compact));
    assert.equal(bitcoin.targetTimespan, mp.nPowTargetTimespan);
    assert.equal(bitcoin.targetSpacing, mp.nPowTargetSpacing);
    assert.equal(bitcoin.retargetInterval, mp.DifficultyAdjustmentInterval);
    assert.equal(bitcoin.noRetargeting, mp.fPowNoRetargeting);
    assert.equal(bitcoin.p2wpkhOnly, false);
    assert.deepEqual([bitcoin.bip34Height, bitcoin.segwitHeight], [227_931, 481_824]);
  });

  test("powcoin's genesis blocks pay to OP_RETURN, push the bits first, and date from launch day", () => {
    for (const params of [networks.main, networks.test, networks.regtest]) {
      const block = genesisOf(params);
      const coinbase = block.txs[0];
      assert.deepEqual(
        [...coinbase.inputs[0].scriptSig.subarray(0, 5)],
        [4, ...fromHex(params.genesisBlock).subarray(72, 76)],
        `${params.name} scriptSig starts with a push of the bits`,
      );
      assert.equal(coinbase.outputs.length, 1);
      assert.equal(coinbase.outputs[0].script[0], OP_RETURN);
      assert.ok(block.header.time >= launchDay && block.header.time < launchDay + 86_400, params.name);
    }
    const hashes = new Set([networks.main, networks.test, networks.regtest].map((p) => p.genesisHash));
    assert.equal(hashes.size, 3, 'each network has its own chain');
  });

  test('prefixes, ports and shared rules', () => {
    const { main, test: testnet, regtest } = networks;
    assert.deepEqual([main.bech32Prefix, testnet.bech32Prefix, regtest.bech32Prefix, bitcoin.bech32Prefix], ['pc', 'tpc', 'pcrt', 'bc']);
    assert.deepEqual([main.defaultP2pPort, main.defaultRpcPort], [8633, 8632]);
    assert.deepEqual([testnet.defaultP2pPort, testnet.defaultRpcPort], [18633, 18632]);
    assert.deepEqual([regtest.defaultP2pPort, regtest.defaultRpcPort], [18733, 18732]);
    for (const p of [main, testnet, regtest]) {
      assert.equal(p.protocolName, p.name);
      assert.equal(p.p2wpkhOnly, true);
      assert.deepEqual([p.bip34Height, p.segwitHeight, p.coinbaseMaturity], [1, 0, 100]);
      assert.equal(p.maxMoney, 21_000_000n * COIN);
      assert.equal(p.initialSubsidy, 50n * COIN);
      assert.equal(p.maxBlockWeight, 4_000_000);
      assert.equal(p.targetTimespan, p.retargetInterval * p.targetSpacing);
      assert.deepEqual(p.bootstrapPeers, []);
    }
    assert.equal(targetToCompact(main.powLimit), 0x1e0fffff);
    assert.equal(targetToCompact(regtest.powLimit), 0x207fffff);
    assert.deepEqual([main.noRetargeting, regtest.noRetargeting, regtest.halvingInterval], [false, true, 150]);
  });

  test('every built-in network passes its own validation', () => {
    for (const params of Object.values(networks)) assert.deepEqual(defineNetwork({}, params), params);
  });
});

describe('custom networks', () => {
  function rejects(fn: () => unknown, field: string): void {
    assert.throws(fn, (err: unknown) => err instanceof NetworkConfigError && err.field === field && err.message.includes(`'${field}'`));
  }

  test('defineNetwork overrides a base and takes the new name as protocol name', () => {
    const demo = defineNetwork({ name: 'demo', retargetInterval: 20, noRetargeting: false }, networks.regtest);
    assert.equal(demo.protocolName, 'demo');
    assert.equal(demo.retargetInterval, 20);
    assert.equal(demo.genesisHash, networks.regtest.genesisHash);
    assert.ok(Object.isFrozen(demo));
    assert.equal(defineNetwork({ name: 'demo2', protocolName: 'shared' }, networks.regtest).protocolName, 'shared');
  });

  test('a JSON config, with powLimit in hex and amounts as strings', () => {
    const json = JSON.parse(
      '{"base":"regtest","name":"demo","noRetargeting":false,"retargetInterval":20,' +
        '"powLimit":"0x7fffff0000000000000000000000000000000000000000000000000000000000",' +
        '"maxMoney":"2100000000000000","initialSubsidy":5000000000,"bootstrapPeers":["/ip4/10.0.0.2/tcp/18733"]}',
    );
    const demo = parseNetworkConfig(json, networks);
    assert.equal(demo.powLimit, 0x7fffffn << 232n);
    assert.equal(demo.maxMoney, 21_000_000n * COIN);
    assert.deepEqual(demo.bootstrapPeers, ['/ip4/10.0.0.2/tcp/18733']);
    assert.equal(parseNetworkOverrides({ powLimit: '00000000ffff' + 'f'.repeat(52) }).powLimit, bitcoin.powLimit);
  });

  const bad: [string, Record<string, unknown>][] = [
    ['retargetInterval', { retargetInterval: 0 }],
    ['retargetInterval', { retargetInterval: -1 }],
    ['retargetInterval', { retargetInterval: 1.5 }],
    ['retargetInterval', { retargetInterval: '20' }],
    ['targetTimespan', { targetTimespan: 3 }],
    ['targetSpacing', { targetSpacing: null }],
    ['powLimit', { powLimit: 'zz' }],
    ['powLimit', { powLimit: '0x0' }],
    ['powLimit', { powLimit: '1' + '0'.repeat(64) }],
    ['powLimit', { powLimit: 12345 }],
    ['noRetargeting', { noRetargeting: 'yes' }],
    ['bech32Prefix', { bech32Prefix: 'PC' }],
    ['bech32Prefix', { bech32Prefix: '' }],
    ['defaultP2pPort', { defaultP2pPort: 0 }],
    ['defaultRpcPort', { defaultRpcPort: 70000 }],
    ['defaultRpcPort', { defaultRpcPort: 18733 }],
    ['name', { name: 'my/net' }],
    ['name', { name: '' }],
    ['protocolName', { protocolName: 'Main Net' }],
    ['maxMoney', { maxMoney: -1 }],
    ['maxMoney', { maxMoney: '1e15' }],
    ['maxMoney', { maxMoney: 2 ** 60 }],
    ['initialSubsidy', { initialSubsidy: '2100000000000001' }],
    ['halvingInterval', { halvingInterval: 0 }],
    ['genesisHash', { genesisBlock: networks.main.genesisBlock }],
    ['genesisHash', { genesisBlock: networks.main.genesisBlock, genesisHash: 'abc' }],
    ['genesisBlock', { genesisHash: networks.main.genesisHash }],
    ['bootstrapPeers', { bootstrapPeers: 'peer1' }],
    ['bootstrapPeers', { bootstrapPeers: ['10.0.0.1:8633'] }],
    ['colour', { colour: 'blue' }],
    ['assumeutxo', { assumeutxo: [] }],
    ['assumeutxo.-1', { assumeutxo: { '-1': {} } }],
    ['assumeutxo.5.blockHash', { assumeutxo: { 5: { blockHash: 'ab', txoutsetHash: '00'.repeat(32), chainTxCount: 6 } } }],
    ['assumeutxo.5.chainTxCount', { assumeutxo: { 5: { blockHash: '00'.repeat(32), txoutsetHash: '00'.repeat(32), chainTxCount: 0 } } }],
    ['assumeutxo.5.nTx', { assumeutxo: { 5: { blockHash: '00'.repeat(32), txoutsetHash: '00'.repeat(32), chainTxCount: 6, nTx: 1 } } }],
  ];
  for (const [field, overrides] of bad) {
    test(`rejects ${JSON.stringify(overrides).slice(0, 60)} naming ${field}`, () => {
      rejects(() => defineNetwork(overrides as Partial<NetworkParams>, networks.regtest), field);
      rejects(() => parseNetworkConfig({ base: 'regtest', ...overrides }, networks), field);
    });
  }

  test('a config can carry assumeutxo entries by height (hex lower-cased); main and test carry none', () => {
    const entry = { blockHash: 'AB'.repeat(32), txoutsetHash: 'cd'.repeat(32), chainTxCount: 111 };
    const net = parseNetworkConfig({ base: 'regtest', assumeutxo: { 110: entry } }, networks);
    assert.deepEqual(net.assumeutxo, { 110: { ...entry, blockHash: 'ab'.repeat(32) } });
    assert.deepEqual([networks.main.assumeutxo, networks.test.assumeutxo], [{}, {}]);
  });

  test('a config must name a known base', () => {
    rejects(() => parseNetworkConfig({ name: 'demo' }, networks), 'base');
    rejects(() => parseNetworkConfig({ base: 'litecoin' }, networks), 'base');
    rejects(() => parseNetworkConfig([], networks), '(network)');
  });
});
