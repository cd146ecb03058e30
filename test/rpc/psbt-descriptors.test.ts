/**
 * descriptorprocesspsbt against an in-process node: a coin paid to a key the wallet does not
 * hold is spent by a PSBT signed with the descriptor that holds it (and the node accepts the
 * result); a public descriptor adds origins but no signature; finalize false leaves the
 * signature unfinalised; bad arguments get Core's codes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HDKey } from '@scure/bip32';
import { type Stack, openStack, rpcError } from './stack.js';

const VERSIONS = { private: 0x04358394, public: 0x043587cf };
const SINK = 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke';

interface Processed {
  psbt: string;
  complete: boolean;
  hex?: string;
}

describe('descriptorprocesspsbt', () => {
  let s: Stack;
  let unsigned: string;
  const key = HDKey.fromMasterSeed(new Uint8Array(32).fill(42), VERSIONS);
  const privateDesc = `wpkh(${key.privateExtendedKey}/0/*)`;
  const publicDesc = `wpkh(${key.publicExtendedKey}/0/*)`;
  const call = <T = unknown>(method: string, params: unknown[] = []) => s.client.call<T>(method, params);

  before(async () => {
    s = await openStack({ wallet: true });
    // A coinbase to index 5 of the descriptor, matured by blocks to the wallet (which never holds the key).
    const [paid] = await call<string[]>('deriveaddresses', [publicDesc.concat('#', (await call<{ checksum: string }>('getdescriptorinfo', [publicDesc])).checksum), [5, 5]]);
    const [hash] = await call<string[]>('generatetoaddress', [1, paid]);
    await call('generatetoaddress', [100, SINK]);
    const block = await call<{ tx: string[] }>('getblock', [hash]);
    unsigned = await call<string>('createpsbt', [[{ txid: block.tx[0], vout: 0 }], [{ [SINK]: 49.999 }]]);
  });
  after(() => s.close());

  test('the descriptor with the private key signs; complete with the network hex the mempool accepts', async () => {
    const processed = await call<Processed>('descriptorprocesspsbt', [unsigned, [{ desc: privateDesc, range: [0, 10] }]]);
    assert.equal(processed.complete, true);
    const [accept] = await call<Array<{ allowed: boolean }>>('testmempoolaccept', [[processed.hex]]);
    assert.equal(accept.allowed, true, JSON.stringify(accept));
    const decoded = await call<{ inputs: Array<{ final_scriptwitness?: string[] }> }>('decodepsbt', [processed.psbt]);
    assert.equal(decoded.inputs[0].final_scriptwitness?.length, 2);
  });

  test('outside the range given, or a public descriptor: nothing to sign; bip32 origins added from the public one', async () => {
    const outside = await call<Processed>('descriptorprocesspsbt', [unsigned, [{ desc: privateDesc, range: [0, 4] }]]);
    assert.equal(outside.complete, false);
    assert.equal(outside.hex, undefined);
    const watched = await call<Processed>('descriptorprocesspsbt', [unsigned, [publicDesc]]);
    assert.equal(watched.complete, false);
    const decoded = await call<{ inputs: Array<{ bip32_derivs?: Array<{ master_fingerprint: string; path: string }>; witness_utxo?: unknown }> }>('decodepsbt', [watched.psbt]);
    assert.ok(decoded.inputs[0].witness_utxo, 'the spent output came from the UTXO set');
    assert.deepEqual(decoded.inputs[0].bip32_derivs?.map((d) => [d.master_fingerprint, d.path]), [[key.fingerprint.toString(16).padStart(8, '0'), 'm/0/5']]);
    const bare = await call<Processed>('descriptorprocesspsbt', [unsigned, [publicDesc], 'ALL', false]);
    assert.equal((await call<{ inputs: Array<{ bip32_derivs?: unknown[] }> }>('decodepsbt', [bare.psbt])).inputs[0].bip32_derivs, undefined, 'bip32derivs false');
  });

  test('finalize false: signed, not finalised, complete, the hex still given (as Core)', async () => {
    const processed = await call<Processed>('descriptorprocesspsbt', [unsigned, [privateDesc], 'ALL', true, false]);
    assert.equal(processed.complete, true);
    assert.match(processed.hex!, /^[0-9a-f]+$/);
    const decoded = await call<{ inputs: Array<{ partial_signatures?: Record<string, string>; final_scriptwitness?: unknown }> }>('decodepsbt', [processed.psbt]);
    assert.equal(Object.keys(decoded.inputs[0].partial_signatures ?? {}).length, 1);
    assert.equal(decoded.inputs[0].final_scriptwitness, undefined);
    const finalised = await call<{ hex: string; complete: boolean }>('finalizepsbt', [processed.psbt]);
    assert.equal(finalised.hex, processed.hex);
  });

  test('sighashtype SINGLE: the signature carries SINGLE', async () => {
    const single = await call<Processed>('descriptorprocesspsbt', [unsigned, [privateDesc], 'SINGLE', true, false]);
    assert.equal(single.complete, true);
    const decoded = await call<{ inputs: Array<{ partial_signatures: Record<string, string> }> }>('decodepsbt', [single.psbt]);
    assert.match(Object.values(decoded.inputs[0].partial_signatures)[0], /03$/);
  });

  test("bad arguments: Core's codes", async () => {
    assert.equal((await rpcError(s, 'descriptorprocesspsbt', ['not base64', [privateDesc]])).code, -22);
    assert.equal((await rpcError(s, 'descriptorprocesspsbt', [unsigned, privateDesc])).code, -3);
    assert.equal((await rpcError(s, 'descriptorprocesspsbt', [unsigned, [7]])).code, -8);
    assert.equal((await rpcError(s, 'descriptorprocesspsbt', [unsigned, [{ range: 3 }]])).code, -8);
    assert.equal((await rpcError(s, 'descriptorprocesspsbt', [unsigned, ['wpkh(nonsense)']])).code, -5);
    assert.equal((await rpcError(s, 'descriptorprocesspsbt', [unsigned, [{ desc: privateDesc, range: [5, 1] }]])).code, -8);
    assert.equal((await rpcError(s, 'descriptorprocesspsbt', [unsigned, [privateDesc], 'NOPE'])).code, -8);
    assert.equal((await rpcError(s, 'descriptorprocesspsbt', [unsigned, [privateDesc], 'ALL', 'yes'])).code, -3);
    assert.equal((await rpcError(s, 'descriptorprocesspsbt', [unsigned])).code, -1, "a missing required argument: Core's help text");
  });
});
