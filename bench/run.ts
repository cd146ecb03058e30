// `npm run bench [name...]`: prints figures; never asserts on speed.
import { formatFigure, type Figure } from './measure.js';

interface BenchModule {
  title: string;
  run(): Promise<Figure[]>;
}

const suites: Record<string, () => Promise<BenchModule>> = {
  primitives: () => import('./primitives.bench.js'),
  consensus: () => import('./consensus.bench.js'),
  chain: () => import('./chain.bench.js'),
  sigs: () => import('./chain-sigs.bench.js'),
  miner: () => import('./miner.bench.js'),
  mempool: () => import('./mempool.bench.js'),
  template: () => import('./template.bench.js'),
  p2p: () => import('./p2p.bench.js'),
  compact: () => import('./compact.bench.js'),
  rpc: () => import('./rpc.bench.js'),
  wallet: () => import('./wallet.bench.js'),
  sync: () => import('./sync.bench.js'),
  cli: () => import('./cli.bench.js'),
  startup: () => import('./startup.bench.js'),
};

const wanted = process.argv.slice(2);
for (const [name, load] of Object.entries(suites)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const suite = await load();
  console.log(`\n${suite.title}`);
  for (const figure of await suite.run()) console.log(formatFigure(figure));
}
