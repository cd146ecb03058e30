/**
 * `<datadir>/<network>/dashboard.url`: the dashboard's address with its read-only token, written
 * when it starts (mode 0600: the token is a credential) and removed on a clean stop, so
 * `powcoin testnet up` and the operator can find it without reading the log.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DASHBOARD_URL_FILE = 'dashboard.url';

export function writeDashboardUrl(networkDir: string, url: string): void {
  writeFileSync(join(networkDir, DASHBOARD_URL_FILE), `${url}\n`, { mode: 0o600 });
}

export function removeDashboardUrl(networkDir: string): void {
  rmSync(join(networkDir, DASHBOARD_URL_FILE), { force: true });
}

/** The URL, or undefined when the node serves no dashboard (or is not running). */
export function readDashboardUrl(networkDir: string): string | undefined {
  try {
    return readFileSync(join(networkDir, DASHBOARD_URL_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
