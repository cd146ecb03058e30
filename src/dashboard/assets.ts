/**
 * Where the dashboard's static files are: assets/dashboard/ at the package root (found both from
 * src/ under tsx and from dist/src/ compiled, as config/ is) and uPlot from node_modules, served
 * by the node itself, never from a CDN.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export class DashboardAssetsError extends Error {
  override readonly name = 'DashboardAssetsError';
  readonly code = 'dashboard-assets-missing';
}

export interface DashboardAssets {
  /** assets/dashboard: index.html, app.js, style.css. */
  pageDir: string;
  /** uplot/dist: uPlot.iife.min.js, uPlot.min.css. */
  uplotDir: string;
}

export function locateAssets(): DashboardAssets {
  const here = dirname(fileURLToPath(import.meta.url));
  const pageDir = ['../..', '../../..'].map((up) => resolve(here, up, 'assets', 'dashboard')).find((dir) => existsSync(join(dir, 'index.html')));
  if (!pageDir) throw new DashboardAssetsError(`cannot find assets/dashboard/ above ${here}`);
  let uplotDir: string;
  try {
    uplotDir = dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'));
  } catch (err) {
    throw new DashboardAssetsError(`cannot find the uplot package: ${(err as Error).message}`);
  }
  return { pageDir, uplotDir };
}
