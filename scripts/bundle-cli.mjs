#!/usr/bin/env node
// `npm run build` step 2: bundles the client half of the CLI (src/cli/client.ts: rpc, wallet,
// --help, --version) into one CommonJS file, <outdir>/src/cli/client.cjs, next to tsc's output so
// paths found from the module's own location (config/, package.json) resolve the same way.
// One file loaded by require() starts in about half the time of a dozen ES modules.
// Usage: node scripts/bundle-cli.mjs [--outdir dist]
import { buildSync } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { outdir: { type: 'string', default: join(root, 'dist') } } });
const outfile = join(resolve(values.outdir), 'src', 'cli', 'client.cjs');

const result = buildSync({
  entryPoints: [join(root, 'src', 'cli', 'client.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  metafile: true,
  // CommonJS has no import.meta: the module's URL comes from __filename instead.
  define: { 'import.meta.url': '__powcoinModuleUrl' },
  banner: { js: 'const __powcoinModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
});

// The bundle is the CLI's fast path only while it stays a client: the node stack must never creep in.
const heavy = Object.keys(result.metafile.inputs).filter((input) => /node_modules\/(libp2p|@libp2p|level|classic-level|fastify|pino)\b/.test(input) || /src\/(node|p2p|store|chain|wallet|miner)\//.test(input) && !/src\/node\/(options|option-schema|config-file)\.ts$/.test(input));
if (heavy.length > 0) {
  process.stderr.write(`bundle-cli: the client bundle must not contain the node stack, but it imports:\n  ${heavy.join('\n  ')}\n`);
  process.exit(1);
}
// node:http costs a one-call process more than its call: the CLI's client speaks HTTP over node:net (src/rpc/one-shot-client.ts).
const builtins = Object.values(result.metafile.outputs).flatMap((output) => output.imports.filter((i) => i.external).map((i) => i.path));
const slow = builtins.filter((path) => /^(node:)?(http|https|http2|crypto|undici)$/.test(path));
if (slow.length > 0) {
  process.stderr.write(`bundle-cli: the client bundle must not load ${slow.join(', ')}: a CLI call would pay for it at every start\n`);
  process.exit(1);
}
