/**
 * Every method in the method table, called with wrong types, huge and non-finite numbers,
 * numeric-looking strings, megabyte strings, nested arrays and objects, and wrong parameter
 * counts, positional and named. No call may end as an unexpected exception (the dispatcher logs
 * those and answers -1 with the exception's text): each answer is a result or one of Core's
 * typed errors, and the server still answers afterwards. Fixed seed, bounded runs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { RpcDispatcher } from '../../src/rpc/dispatch.js';
import { type MethodTable, methodTable } from '../../src/rpc/methods/index.js';
import { helpFor } from '../../src/rpc/help/index.js';
import type { RpcMethod } from '../../src/rpc/methods/types.js';
import type { Logger } from '../../src/util/logger.js';
import { type Stack, openStack } from './stack.js';

/** A number JSON.stringify cannot write (1e400 parses as Infinity): spliced into the body as raw text. */
class RawNumber {
  constructor(readonly text: string) {}
}

function toJson(value: unknown): string {
  if (value instanceof RawNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (value !== null && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

const MEGABYTE = 'x'.repeat(1 << 20);
const MEGABYTE_HEX = 'ab'.repeat(1 << 19);
const DEEP = JSON.parse('['.repeat(2000) + ']'.repeat(2000)) as unknown;

/** Core's own -1 answers (besides the help text for a wrong parameter count). */
const CORE_MISC_MESSAGES = new Set(['Block not available', 'Failed to make block.', 'Cannot prune blocks because node is not in prune mode.', 'Index is not enabled for filtertype basic', 'Unable to import mempool file, see debug.log for details.']);

interface Recorded {
  unexpected: Array<{ method: unknown; err: unknown }>;
}

function recordingLogger(recorded: Recorded): Logger {
  return {
    debug() {},
    info() {},
    warn() {},
    error(fields: object, message?: string) {
      if (message === 'rpc method failed unexpectedly') recorded.unexpected.push(fields as { method: unknown; err: unknown });
    },
  };
}

/** Values of every JSON type, the awkward ones weighted in; `strings` adds the node's real hashes and an address. */
function valueArb(strings: readonly string[]): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(
    fc.constantFrom<unknown>(null, true, false, 0, -0, 1, -1, 0.5, 1e308, -1e308, 2 ** 53 + 1, 2 ** 64, -(2 ** 63), 4294967296, 1e-9, 21e6, 21e6 + 1),
    fc.constantFrom<unknown>(new RawNumber('1e400'), new RawNumber('-1e400'), new RawNumber('123456789012345678901234567890')),
    fc.constantFrom<unknown>('NaN', 'Infinity', '-Infinity', '1e400', '-1', '0x10', '', ' ', '1.123456789', '00', 'zz', '*', '-0'),
    fc.constantFrom<unknown>(MEGABYTE, MEGABYTE_HEX, DEEP),
    fc.constantFrom<unknown>(...strings),
    fc.double(),
    fc.integer(),
    fc.string({ maxLength: 80 }),
    fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), maxLength: 130 }),
  );
  return fc.oneof({ weight: 6, arbitrary: leaf }, { weight: 1, arbitrary: fc.array(leaf, { maxLength: 4 }) }, { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 10 }), leaf, { maxKeys: 4 }) });
}

/**
 * A valid call per method, so that mutations reach past the first type check: fuzzing only
 * random values would stop at argument 1 and never get near, say, fee_rate at position 10.
 */
interface Fixtures {
  address: string;
  tip: string;
  txid: string;
  txHex: string;
  blockHex: string;
}

function examples(f: Fixtures): Record<string, unknown[]> {
  return {
    getblockhash: [1],
    getblock: [f.tip, 2],
    getblockheader: [f.tip, false],
    getblockstats: [f.tip, ['height', 'avgfee']],
    gettxout: [f.txid, 0, true],
    gettxoutsetinfo: ['hash_serialized_3'],
    verifychain: [3, 2],
    getrawtransaction: [f.txid, true, null],
    decoderawtransaction: [f.txHex],
    sendrawtransaction: [f.txHex, 0.1],
    testmempoolaccept: [[f.txHex], 0.1],
    getmempoolentry: [f.txid],
    getrawmempool: [true],
    estimatesmartfee: [6, 'CONSERVATIVE'],
    getnetworkhashps: [120, -1],
    generatetoaddress: [1, f.address, 1000],
    generateblock: [f.address, []],
    getblocktemplate: [{ rules: ['segwit'] }],
    submitblock: [f.blockHex],
    sendtoaddress: [f.address, 0.1, '', '', false, true, 6, 'unset', false, 5],
    sendmany: ['', { [f.address]: 0.1 }, 1, '', [], true, 6, 'unset', 5],
    getbalance: ['*', 1],
    listunspent: [1, 9999999, [f.address]],
    listtransactions: ['*', 10, 0],
    gettransaction: [f.txid],
    getaddressinfo: [f.address],
    validateaddress: [f.address],
    dumpprivkey: [f.address],
    rescanblockchain: [0, 3],
    walletpassphrase: ['a passphrase', 60],
    help: ['getblock'],
    logging: [['rpc'], []],
    setban: ['1.2.3.4', 'add', 60, false],
    addnode: ['/ip4/127.0.0.1/tcp/1', 'add'],
    getnodeaddresses: [1],
    addpeeraddress: ['1.2.3.4', 8333],
    getindexinfo: ['txindex'],
  };
}

/** A valid call with one or two arguments replaced by awkward values, or cut short, or extended. */
function mutationArb(example: unknown[], value: fc.Arbitrary<unknown>): fc.Arbitrary<unknown[]> {
  return fc
    .tuple(fc.array(fc.tuple(fc.nat(example.length), value), { minLength: 1, maxLength: 2 }), fc.nat(example.length + 1))
    .map(([replacements, length]) => {
      const params = [...example];
      for (const [index, replacement] of replacements) params[index] = replacement;
      return length >= example.length ? params : params.slice(0, Math.max(length, 1));
    });
}

/** Positional params of any count up to two past the method's, or named ones (known names, sometimes an unknown one). */
function paramsArb(names: readonly string[], value: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const positional = fc.array(value, { maxLength: names.length + 2 });
  if (names.length === 0) return fc.oneof(positional, fc.dictionary(fc.string({ maxLength: 8 }), value, { maxKeys: 2 }));
  const named = fc.dictionary(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }), value, { maxKeys: names.length + 1 });
  return fc.oneof({ weight: 3, arbitrary: positional }, { weight: 1, arbitrary: named });
}

/**
 * Arguments that would make the test itself unbounded or touch the machine are kept out:
 * generate* with a valid address would mine up to 1e308 blocks; backupwallet would write a file
 * at whatever path a string names, so it gets only paths in the test's own directory.
 */
function stringsFor(method: string, base: readonly string[], address: string): string[] {
  if (method.startsWith('generate') || method === 'backupwallet') return [...base];
  return [...base, address];
}

/** backupwallet writes wherever its string says: only into the test's own directory. */
function isSafeForMethod(method: string, params: unknown, backupDir: string): boolean {
  if (method !== 'backupwallet') return true;
  const values = Array.isArray(params) ? params : Object.values(params as object);
  return values.every((v) => typeof v !== 'string' || v.startsWith(backupDir));
}

/** Methods that change what the others can do run last: the wallet encrypted, the node asked to stop. */
const LAST = ['walletlock', 'encryptwallet', 'stop'];

describe('RPC fuzz: no input makes a method fail unexpectedly', () => {
  let s: Stack;
  let table: MethodTable;
  let dispatcher: RpcDispatcher;
  let address: string;
  let backupDir: string;
  const recorded: Recorded = { unexpected: [] };

  before(async () => {
    s = await openStack({ wallet: true });
    table = methodTable();
    dispatcher = new RpcDispatcher(table, { control: s.context.control, now: () => Date.now() / 1000 }, recordingLogger(recorded));
    dispatcher.ready(s.context);
    address = await s.client.call<string>('getnewaddress');
    // Mature coins, so sends get as far as fee and coin selection.
    await s.client.call('generatetoaddress', [101, address]);
    backupDir = await mkdtemp(join(tmpdir(), 'powcoin-fuzz-'));
  });
  after(async () => {
    await s.close();
    await rm(backupDir, { recursive: true, force: true });
  });

  test('every method, 40 calls each (seed 20261202)', async () => {
    const txid = await s.client.call<string>('sendtoaddress', [address, 1]);
    const fixtures: Fixtures = {
      address,
      tip: s.chain.tip.hash,
      txid,
      txHex: await s.client.call<string>('getrawtransaction', [txid]),
      blockHex: await s.client.call<string>('getblock', [s.chain.tip.hash, 0]),
    };
    const good = examples(fixtures);
    const base = [s.params.genesisHash, s.chain.tip.hash, '00'.repeat(32), 'ff'.repeat(32), txid, join(backupDir, 'backup')];
    const bad: string[] = [];
    let calls = 0;
    const check = async (name: string, method: RpcMethod, body: string): Promise<void> => {
      const before = recorded.unexpected.length;
      const reply = await dispatcher.handle(body);
      calls++;
      const error = (JSON.parse(reply.body ?? 'null') as { error?: { code: number; message: string } | null }).error;
      const describe = () => `${name} ${body.length > 300 ? `${body.slice(0, 300)}...` : body} → ${JSON.stringify(error).slice(0, 300)}`;
      if (recorded.unexpected.length > before) bad.push(`unexpected exception: ${describe()}`);
      else if (error && (error.code === -32603 || (error.code === -1 && error.message !== helpFor(method) && !CORE_MISC_MESSAGES.has(error.message)))) bad.push(describe());
      else if (error && error.message.length > 10_000) bad.push(`echoes a huge argument: ${name}`);
    };
    const rank = (n: string): number => LAST.indexOf(n) + 1; // 0 for every other method
    const order = [...table.keys()].sort((a, b) => rank(a) - rank(b));
    // First systematically, while the wallet is unencrypted: each extreme value at each position of each valid call.
    const extremes = [1e308, -1e308, new RawNumber('1e400'), 2 ** 64, -(2 ** 53), 'NaN', '1e400', MEGABYTE, DEEP, { a: [{}] }];
    for (const name of order) {
      const example = good[name];
      if (!example) continue;
      for (let index = 0; index < example.length; index++) {
        for (const extreme of extremes) {
          const params = [...example];
          params[index] = extreme;
          await check(name, table.get(name)!, `{"jsonrpc":"1.0","id":8,"method":${JSON.stringify(name)},"params":${toJson(params)}}`);
        }
      }
    }
    // Then random calls, the methods that lock or stop last.
    for (const name of order) {
      const method = table.get(name)!;
      const value = valueArb(stringsFor(name, base, address));
      const names = method.args.map((arg) => arg.name);
      const example = good[name];
      const params = example ? fc.oneof({ weight: 2, arbitrary: mutationArb(example, value) }, { weight: 1, arbitrary: paramsArb(names, value) }) : paramsArb(names, value);
      await fc.assert(
        fc.asyncProperty(params, fc.constantFrom('1.0', '2.0'), async (params, version) => {
          if (!isSafeForMethod(name, params, backupDir)) return;
          await check(name, method, `{"jsonrpc":"${version}","id":7,"method":${JSON.stringify(name)},"params":${toJson(params)}}`);
        }),
        { seed: 20261202, numRuns: 40 },
      );
    }
    assert.ok(calls >= table.size * 40, `only ${calls} calls ran`);
    assert.deepEqual(bad.slice(0, 20), [], `${bad.length} bad answers`);
    assert.deepEqual(recorded.unexpected.map((u) => String(u.method)), []);
    // Only the test's own directory received backups.
    assert.ok((await readdir(backupDir)).length <= 2);
  });

  test('the server still answers over HTTP, also after megabyte and deeply nested bodies', async () => {
    for (const body of [
      `{"id":1,"method":"getblockhash","params":["${MEGABYTE}"]}`,
      `{"id":1,"method":"sendrawtransaction","params":["${'ab'.repeat(2_500_000)}"]}`,
      `{"id":1,"method":"getblock","params":${'['.repeat(5000)}${']'.repeat(5000)}}`,
      `[${Array.from({ length: 1000 }, (_, i) => `{"id":${i},"method":"getblockcount","params":[${i % 3 === 0 ? '1e400' : ''}]}`).join(',')}]`,
    ]) {
      const reply = await s.post(body);
      assert.ok(reply.status === 200 || reply.status === 500, `HTTP ${reply.status}`);
      const json = reply.json();
      const errors = (Array.isArray(json) ? json : [json]).map((r) => (r as { error: { code: number; message: string } | null }).error);
      for (const error of errors) {
        if (!error) continue;
        assert.notEqual(error.code, -32603);
        if (error.code === -1) assert.match(error.message, /^(getblockhash|sendrawtransaction|getblock|getblockcount)\b/);
      }
    }
    assert.ok((await s.client.call<number>('getblockcount')) >= 101);
    assert.deepEqual(recorded.unexpected, []);
  });
});
