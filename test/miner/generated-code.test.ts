import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import wabt from 'wabt';
import { GENERATED_PATH, WAT_PATH, compileWat, generatedSource } from '../../tools/build-wasm.js';
import { UNROLLED_PATH, unrolledSource } from '../../tools/build-sha256-js.js';

test('the committed WebAssembly bytes are sha256d.wat compiled now (run tools/build-wasm.ts if not)', async () => {
  assert.equal(readFileSync(GENERATED_PATH, 'utf8'), generatedSource(await compileWat()));
});

test('the WAT is SIMD code: wabt refuses it with the SIMD feature off', async () => {
  const toolkit = await wabt();
  assert.throws(() => toolkit.parseWat('sha256d.wat', readFileSync(WAT_PATH, 'utf8'), { simd: false }), /v128/);
});

test('the committed unrolled JS loop is what tools/build-sha256-js.ts generates now', () => {
  assert.equal(readFileSync(UNROLLED_PATH, 'utf8'), unrolledSource());
});
