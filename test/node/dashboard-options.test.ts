/** --dashboard, --dashboard-port and --attackershare: defaults per network, and bad values refused. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionsError, loadNodeOptions } from '../../src/node/options.js';

const load = (...argv: string[]) => loadNodeOptions({ argv, env: {} });

describe('dashboard and payment-safety options', () => {
  test('the dashboard is off on main and on for regtest and test, unless told otherwise', () => {
    assert.equal(load('--network', 'main').dashboard, false);
    assert.equal(load('--network', 'regtest').dashboard, true);
    assert.equal(load('--network', 'test').dashboard, true);
    assert.equal(load('--network', 'main', '--dashboard').dashboard, true);
    assert.equal(load('--network', 'regtest', '--dashboard=0').dashboard, false);
    assert.equal(loadNodeOptions({ argv: ['--network', 'regtest'], env: { POWCOIN_DASHBOARD: 'false' } }).dashboard, false);
  });

  test('the dashboard port defaults to 0 (a free port) and is checked', () => {
    assert.equal(load('--network', 'regtest').dashboardPort, 0);
    assert.equal(load('--network', 'regtest', '--dashboard-port', '18800').dashboardPort, 18800);
    assert.throws(() => load('--network', 'regtest', '--dashboard-port', '70000'), OptionsError);
  });

  test('--attackershare defaults to the whitepaper 0.1 and must be a fraction', () => {
    assert.equal(load('--network', 'regtest').attackerShare, 0.1);
    assert.equal(load('--network', 'regtest', '--attackershare', '0.3').attackerShare, 0.3);
    assert.throws(() => load('--network', 'regtest', '--attackershare', '1.5'), (err: unknown) => err instanceof OptionsError && /--attackershare/.test(err.message));
    assert.throws(() => load('--network', 'regtest', '--attackershare', '-0.1'), OptionsError);
    assert.throws(() => load('--network', 'regtest', '--attackershare', 'lots'), OptionsError);
  });
});
