#!/usr/bin/env node
// `npm run build` step 2: bundles the CLI next to tsc's output (<outdir>/src/...), so paths found
// from a module's own location (config/, package.json, assets, worker files) resolve the same way.
// - The client half (src/cli/client.ts: rpc, wallet, --help, --version) into one CommonJS file,
//   <outdir>/src/cli/client.cjs. One file loaded by require() starts in about half the time of a
//   dozen ES modules.
// - The rest (src/cli/main.ts: node, mine, testnet) into ES module chunks in
//   <outdir>/src/cli/bundle/: Node resolves and reads ~190 files before the node's first RPC
//   answer otherwise, which cost more CPU than running them. Dynamic imports stay lazy (one chunk
//   each). The packages the first answer loads are bundled too (LevelDB's JS side, pino, the
//   hashing, key and PSBT libraries); LevelDB's native binding, and the packages of the parts
//   started after the first answer (libp2p, fastify, prom-client, pino-pretty), load from
//   node_modules as usual: libp2p's many packages must stay one copy each.
// Usage: node scripts/bundle-cli.mjs [--outdir dist]
import { build, buildSync } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { outdir: { type: 'string', default: join(root, 'dist') } } });
const outdir = resolve(values.outdir);
const outfile = join(outdir, 'src', 'cli', 'client.cjs');

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

const bundleDir = join(outdir, 'src', 'cli', 'bundle');
const EXTERNAL_PACKAGES = /^(libp2p|@libp2p\/|@multiformats\/|@chainsafe\/|it-|fastify|@fastify\/|prom-client|pino-pretty)(\/|$)/;

const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (EXTERNAL_PACKAGES.test(args.path) ? { path: args.path, external: true } : undefined));
    // node-gyp-build finds the compiled binding from the directory of the file that asks.
    build.onResolve({ filter: /^\.\/binding(\.js)?$/ }, (args) => (/[/\\]classic-level[/\\]/.test(args.importer) ? { path: 'classic-level/binding.js', external: true } : undefined));
  },
};

/**
 * Each source file keeps its own import.meta.url: that of its tsc-compiled twin in <outdir>, so
 * worker files (sig-worker.js, nonce-worker.js), config/ and the dashboard's assets are found
 * where they are whichever chunk the code landed in.
 */
const ownModuleUrl = {
  name: 'own-module-url',
  setup(build) {
    build.onLoad({ filter: /\/src\/.*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return { contents: source, loader: 'ts' };
      const compiled = join(outdir, relative(root, args.path)).replace(/\.ts$/, '.js');
      const url = `new URL(${JSON.stringify(relative(bundleDir, compiled))}, import.meta.url).href`;
      return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

await build({
  entryPoints: [join(root, 'src', 'cli', 'main.ts')],
  outdir: bundleDir,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  plugins: [externalPackages, ownModuleUrl],
  // Bundled CommonJS packages require() Node's modules and the native binding: give each chunk a require.
  banner: { js: "import { createRequire as __powcoinCreateRequire } from 'node:module';\nconst require = __powcoinCreateRequire(import.meta.url);" },
});
