import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import wabt from 'wabt';
import { basename } from 'node:path';
import { WASM_MODULES, compileWat, generatedSource, watText } from '../../tools/build-wasm.js';
import { UNROLLED_PATH, unrolledSource } from '../../tools/build-sha256-js.js';

for (const module of WASM_MODULES) {
  const name = basename(module.wat);

  test(`the committed WebAssembly bytes are ${name} compiled now (run tools/build-wasm.ts if not)`, async () => {
    assert.equal(readFileSync(module.generated, 'utf8'), generatedSource(module, await compileWat(module)));
  });

  if (module.simd) {
    test(`${name} is SIMD code: wabt refuses it with the SIMD feature off`, async () => {
      const toolkit = await wabt();
      assert.throws(() => toolkit.parseWat(name, watText(module), { simd: false }), /v128/);
    });
  } else {
    // Its caller runs it wherever WebAssembly runs (plainWasmApi), SIMD or not.
    test(`${name} is plain WebAssembly: wabt takes it with the SIMD feature off`, async () => {
      const toolkit = await wabt();
      const parsed = toolkit.parseWat(name, watText(module), { simd: false });
      try {
        parsed.validate();
      } finally {
        parsed.destroy();
      }
    });
  }
}

test('the committed unrolled JS loop is what tools/build-sha256-js.ts generates now', () => {
  assert.equal(readFileSync(UNROLLED_PATH, 'utf8'), unrolledSource());
});
