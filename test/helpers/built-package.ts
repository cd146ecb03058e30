/**
 * The package compiled (tsc, then the CLI client bundle) into a private temp dir laid out as an installed checkout (dist/, bin/, assets/,
 * config/, package.json, node_modules), so tests and benches run compiled JS without ever
 * rewriting the repository's own dist/ (a CLI call at that moment would load half-written files).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface BuiltPackage {
  root: string;
  /** bin/powcoin inside the built copy. */
  bin: string;
  remove(): void;
}

export function buildPackage(): BuiltPackage {
  const root = mkdtempSync(join(tmpdir(), 'powcoin-build-'));
  // tsc emits even when an unrelated file fails to typecheck (another helper's work in progress): only emitted files matter.
  spawnSync(join(repoRoot, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json', '--outDir', join(root, 'dist'), '--sourceMap', 'false'], { cwd: repoRoot, stdio: 'pipe' });
  if (!existsSync(join(root, 'dist', 'src', 'cli', 'main.js'))) throw new Error('tsc emitted nothing');
  // The client commands' one-file bundle, as `npm run build` makes it (bin/powcoin runs rpc/wallet/--help/--version from it).
  const bundle = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'bundle-cli.mjs'), '--outdir', join(root, 'dist')], { cwd: repoRoot, encoding: 'utf8' });
  if (bundle.status !== 0) throw new Error(`bundling the CLI client failed: ${bundle.stderr}`);
  cpSync(join(repoRoot, 'package.json'), join(root, 'package.json'));
  cpSync(join(repoRoot, 'bin'), join(root, 'bin'), { recursive: true });
  symlinkSync(join(repoRoot, 'config'), join(root, 'config'), 'dir');
  symlinkSync(join(repoRoot, 'assets'), join(root, 'assets'), 'dir');
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  return { root, bin: join(root, 'bin', 'powcoin'), remove: () => rmSync(root, { recursive: true, force: true }) };
}
