import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as powcoin from '../src/index.js';
import { buildPackage } from './helpers/built-package.js';
import { vectorFile, vectors } from './helpers/vectors.js';

function headersFromFile(name: string): powcoin.BlockHeader[] {
  const bytes = vectorFile(name);
  const headers: powcoin.BlockHeader[] = [];
  for (let offset = 0; offset < bytes.length; offset += 80) headers.push(powcoin.BlockHeader.decode(bytes.subarray(offset, offset + 80)));
  return headers;
}

describe('the library entry point', () => {
  test('decodes and re-encodes a real block with its hashes', () => {
    const raw = vectorFile('block_mainnet_830000.bin');
    const block = powcoin.Block.decode(raw);
    assert.equal(block.header.hash(), vectors.segwit.mainnet_block_830000.hash);
    assert.equal(Buffer.compare(Buffer.from(block.encode()), Buffer.from(raw)), 0);
    assert.equal(powcoin.merkleRoot(block.txs.map((tx) => tx.txid())), block.header.merkleRootHex());
    const tx = powcoin.Transaction.decode(block.txs[1].encode());
    assert.equal(tx.wtxid(), vectors.segwit.mainnet_block_830000.first_segwit_tx.wtxid);
  });

  test('compact targets, block proof and the retarget', () => {
    assert.equal(powcoin.compactToTarget(0x1d00ffff), 0xffffn << 208n);
    assert.equal(powcoin.targetToCompact(0xffffn << 208n), 0x1d00ffff);
    assert.equal(powcoin.blockProof(0x1d00ffff), 0x100010001n);
    const c = vectors.retarget.cases[0];
    const bits = powcoin.calculateNextWorkRequired(Number(c.pindexLast_nBits), c.nLastRetargetTime, c.pindexLast_nTime, powcoin.bitcoin);
    assert.equal(bits, Number(c.expected_nBits));
  });

  test('validateHeaderChain accepts mainnet headers 0..9999 and throws RuleError on a broken one', () => {
    const headers = headersFromFile('headers_mainnet_0-9999.bin');
    const result = powcoin.validateHeaderChain(headers, powcoin.bitcoin);
    assert.equal(result.tipHash, vectors.header_chains.files[0].last_hash);
    const broken = headers.slice();
    broken[5000] = broken[5000].with({ nonce: broken[5000].nonce ^ 1 });
    assert.throws(() => powcoin.validateHeaderChain(broken, powcoin.bitcoin), (err: unknown) => err instanceof powcoin.RuleError && err.code === 'high-hash');
  });

  test('networks carry their own genesis and address prefixes', () => {
    for (const name of ['main', 'test', 'regtest'] as const) {
      const params = powcoin.networks[name];
      assert.equal(powcoin.Block.decode(powcoin.fromHex(params.genesisBlock)).hash(), params.genesisHash);
      const address = powcoin.encodeAddress(new Uint8Array(20).fill(7), params.bech32Prefix);
      assert.ok(address.startsWith(`${params.bech32Prefix}1`));
    }
  });

  test('the built package imports by name and exposes the same API', (t) => {
    // Built into a temp copy: `npm test` never rewrites the checkout's dist/.
    const built = buildPackage();
    t.after(() => built.remove());
    const script = `
      const p = await import('powcoin');
      const names = ['BlockHeader','Transaction','Block','merkleRoot','compactToTarget','targetToCompact','blockProof','calculateNextWorkRequired','validateHeaderChain','RuleError','networks'];
      const missing = names.filter((n) => p[n] === undefined);
      if (missing.length) throw new Error('missing ' + missing.join(','));
      console.log(p.bitcoin.genesisHash, p.compactToTarget(0x207fffff).toString(16));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: built.root, encoding: 'utf8' });
    assert.equal(out.trim(), `${vectors.blocks.genesis.hash} 7fffff${'0'.repeat(58)}`);
  });
});
