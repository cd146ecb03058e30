import { checkBlock } from '../src/consensus/block-checks.js';
import { validateHeaderChain } from '../src/consensus/header-chain.js';
import { SighashCache, bip143Sighash } from '../src/consensus/sighash.js';
import { p2wpkhScript } from '../src/consensus/script.js';
import { prepareP2wpkhInput, signP2wpkhInput, verifySignatureCheck } from '../src/consensus/p2wpkh.js';
import { bitcoin } from '../src/params/index.js';
import { Block, BlockHeader, OutPoint, Transaction, hash160, publicKeyFromPrivate } from '../src/primitives/index.js';
import { vectorFile } from '../test/helpers/vectors.js';
import { type Figure, duration, rate } from './measure.js';

export const title = 'consensus';

function mainnetHeaders(): BlockHeader[] {
  const bytes = vectorFile('headers_mainnet_0-9999.bin');
  const headers: BlockHeader[] = [];
  for (let offset = 0; offset < bytes.length; offset += 80) headers.push(BlockHeader.decode(bytes.subarray(offset, offset + 80)));
  return headers;
}

/** A one-input P2WPKH spend, signed, with the coin it spends. */
function signedSpend(): { tx: Transaction; coin: { value: bigint; script: Uint8Array } } {
  const key = new Uint8Array(32).fill(3);
  const coin = { value: 50_000n, script: p2wpkhScript(hash160(publicKeyFromPrivate(key))) };
  const unsigned = new Transaction({
    version: 2,
    inputs: [{ prevout: new OutPoint(new Uint8Array(32).fill(9), 0), scriptSig: new Uint8Array(0), sequence: 0xffffffff, witness: [] }],
    outputs: [{ value: 40_000n, script: coin.script }],
    locktime: 0,
  });
  const witness = signP2wpkhInput(unsigned, 0, coin.value, key);
  const tx = new Transaction({ ...unsigned, inputs: [{ ...unsigned.inputs[0], witness }] });
  return { tx, coin };
}

export async function run(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const headerBytes = vectorFile('headers_mainnet_0-9999.bin');
  figures.push(
    await duration('validate 10,000 mainnet headers from bytes (decode+PoW+bits+MTP)', () => {
      const headers: BlockHeader[] = [];
      for (let offset = 0; offset < headerBytes.length; offset += 80) headers.push(BlockHeader.decode(headerBytes.subarray(offset, offset + 80)));
      validateHeaderChain(headers, bitcoin, { now: 2_000_000_000 });
    }),
  );
  const headers = mainnetHeaders();
  figures.push(await rate('header chain validation, pre-decoded', () => validateHeaderChain(headers, bitcoin, { now: 2_000_000_000 }), { opsPerCall: headers.length, seconds: 2, unit: 'headers/s' }));

  const { tx, coin } = signedSpend();
  const cache = new SighashCache(tx);
  const check = prepareP2wpkhInput(tx, 0, coin, cache);
  figures.push(await rate('P2WPKH input prepare (DER, hash160, BIP143 sighash)', () => prepareP2wpkhInput(tx, 0, coin, new SighashCache(tx))));
  figures.push(await rate('secp256k1 signature verifications (OpenSSL via node:crypto, 1 core)', () => verifySignatureCheck(check), { seconds: 2, unit: 'verifies/s' }));
  figures.push(await rate('BIP143 sighash with a warm per-tx cache', () => bip143Sighash(tx, 0, coin.script, coin.value, 1, cache), { unit: 'sighashes/s' }));

  const block830000 = Block.decode(vectorFile('block_mainnet_830000.bin'));
  figures.push(await duration('checkBlock (context-free) of mainnet block 830000, 1,851 txs', () => checkBlock(Block.decode(vectorFile('block_mainnet_830000.bin')), bitcoin)));
  figures.push(await duration('checkBlock, block already decoded and hashed', () => checkBlock(block830000, bitcoin)));
  return figures;
}
