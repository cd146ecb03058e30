/**
 * Prints the test files `npm test` runs: every test/**\/*.test.ts except the Docker test (its own
 * command), the longest-running first so that with two files at a time the last minutes are not
 * one long file running alone. The rest keep path order. Longest measured in CI's slowest-files
 * summary; a file missing from the list only runs later, never not at all.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const LONGEST_FIRST = [
  'test/wallet/encrypt-crash.test.ts',
  'test/docs/docs.test.ts',
  'test/testnet/relay-load.test.ts',
  'test/testnet/discovery.test.ts',
  'test/testnet/scenario.test.ts',
  'test/testnet/load.test.ts',
  'test/chain/crash.test.ts',
  'test/verify/sig-verifier.test.ts',
];

function* testFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* testFiles(path);
    else if (entry.name.endsWith('.test.ts')) yield relative('.', path);
  }
}

const all = [...testFiles('test')].filter((file) => !file.startsWith('test/docker/')).sort();
const first = LONGEST_FIRST.filter((file) => all.includes(file));
console.log([...first, ...all.filter((file) => !first.includes(file))].join('\n'));
