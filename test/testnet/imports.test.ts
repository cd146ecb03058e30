/**
 * The testnet orchestrator stays free of import cycles (issue 14 found actions.ts <-> up.ts):
 * the shared actions sit above the back ends, which never import them. Checked on the real
 * sources, and the scan itself checked on a tangle it must find.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { importCycles, importGraph } from '../helpers/import-graph.js';

const ROOT = join(import.meta.dirname, '..', '..');

test('src/testnet has no import cycle', () => {
  const graph = importGraph(join(ROOT, 'src', 'testnet'));
  assert.ok(graph.size >= 10, `the scan found the orchestrator's files (${graph.size})`);
  assert.ok(graph.get('actions.ts')?.includes('backend.ts'), 'the scan sees type-only imports');
  assert.deepEqual(importCycles(graph), []);
});

test('the back ends do not import the shared actions', () => {
  const graph = importGraph(join(ROOT, 'src', 'testnet'));
  for (const [file, imports] of graph) {
    if (!/^(local|docker)-/.test(file)) continue;
    assert.ok(!imports.includes('actions.ts') && !imports.includes('status.ts'), `${file} imports ${imports.join(', ')}`);
  }
});

test('the scan finds a cycle, through export-from and type-only imports too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'powcoin-cycles-'));
  try {
    writeFileSync(join(dir, 'a.ts'), "import { b } from './b.js';\nexport const a = b;\n");
    writeFileSync(join(dir, 'b.ts'), "export { c as b } from './c.js';\n");
    writeFileSync(join(dir, 'c.ts'), "import type { A } from './a.js';\nexport const c = 1 as unknown as A;\n");
    writeFileSync(join(dir, 'd.ts'), "import { a } from './a.js';\nexport const d = a;\n");
    assert.deepEqual(importCycles(importGraph(dir)), [['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
