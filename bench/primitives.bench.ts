import { Block, BlockHeader, Transaction, fromHex } from '../src/primitives/index.js';
import { vectorFile, vectors } from '../test/helpers/vectors.js';
import { type Figure, rate } from './measure.js';

export const title = 'primitives';

export async function run(): Promise<Figure[]> {
  const headerBytes = fromHex(vectors.blocks.block1.header_hex);
  const header = BlockHeader.decode(headerBytes);
  const txBytes = fromHex(vectors.segwit.bip143_native_p2wpkh.signed_tx_hex);
  const blockBytes = vectorFile('block_mainnet_830000.bin');
  const block = Block.decode(blockBytes);
  return [
    // A fresh header object each time, so the cached hash is not what is measured.
    await rate('header hashes (decode + double SHA-256)', () => BlockHeader.decode(headerBytes).hashBytes()),
    await rate('header encodes', () => header.encode()),
    await rate('tx decodes (2-input segwit tx)', () => Transaction.decode(txBytes)),
    await rate('tx decode + txid + wtxid', () => {
      const tx = Transaction.decode(txBytes);
      tx.txidBytes();
      tx.wtxidBytes();
    }),
    await rate('block 830000 decodes (1,851 txs)', () => Block.decode(blockBytes), { unit: 'blocks/s' }),
    await rate('block 830000 merkle root from fresh txs', () => Block.decode(blockBytes).computeMerkleRoot(), { unit: 'blocks/s' }),
    await rate('block 830000 encodes', () => block.encode(), { unit: 'blocks/s' }),
  ];
}
