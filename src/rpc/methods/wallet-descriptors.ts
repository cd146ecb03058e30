/**
 * The descriptor wallet calls of Core: importdescriptors, gethdkeys, createwalletdescriptor
 * (the wallet's side is in wallet/extras/import-descriptors.ts and hdkeys.ts). JSON of the wrong
 * type fails the whole call (-3); a request that cannot be imported fails alone, in its result.
 */
import { RpcCode, RpcError, invalidParameter, typeError } from '../errors.js';
import type { DescriptorImport } from '../../wallet/extras/import-descriptors.js';
import type { RpcContext } from '../interfaces.js';
import { type Params, jsonType } from '../params.js';
import { parseRange } from './descriptors.js';
import { type RpcMethod, optional, required } from './types.js';
import { walletCall } from './wallet-errors.js';

type Parsed = { request: DescriptorImport } | { error: { code: number; message: string } };

function field<T>(fields: Record<string, unknown>, name: string, type: 'string' | 'bool' | 'number'): T | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (jsonType(value) !== type) throw typeError(`JSON value of type ${jsonType(value)} for field ${name} is not of expected type ${type}`);
  if (type === 'number' && !Number.isSafeInteger(value)) throw typeError(`JSON integer out of range for field ${name}`);
  return value as T;
}

/** Core's GetImportTimestamp: a number or "now", required (-3 for the whole call otherwise). */
function timestamp(fields: Record<string, unknown>): number | 'now' {
  const value = fields.timestamp;
  if (value === undefined || value === null) throw typeError('Missing required timestamp field for key');
  if (value === 'now') return 'now';
  if (typeof value === 'number' && Number.isSafeInteger(value)) return Math.max(value, 1);
  throw typeError(`Expected number or "now" timestamp value for key. got type ${jsonType(value)}`);
}

/** One request: its types checked (throwing), its range and presence of desc checked (failing alone). */
function parseRequest(raw: unknown): Parsed {
  if (jsonType(raw) !== 'object') throw typeError(`JSON value of type ${jsonType(raw)} is not of expected type object`);
  const fields = raw as Record<string, unknown>;
  const desc = field<string>(fields, 'desc', 'string');
  const active = field<boolean>(fields, 'active', 'bool') ?? false;
  const internal = field<boolean>(fields, 'internal', 'bool') ?? false;
  const label = field<string>(fields, 'label', 'string');
  const nextIndex = field<number>(fields, 'next_index', 'number');
  const when = timestamp(fields);
  if (desc === undefined) return { error: { code: RpcCode.INVALID_PARAMETER, message: 'Descriptor not found.' } };
  try {
    const range = fields.range === undefined || fields.range === null ? undefined : parseRange(fields.range);
    return { request: { desc, active, internal, timestamp: when, ...(range ? { range } : {}), ...(nextIndex !== undefined ? { nextIndex } : {}), ...(label !== undefined ? { label } : {}) } };
  } catch (err) {
    if (err instanceof RpcError) return { error: { code: err.code, message: err.message } };
    throw err;
  }
}

async function importDescriptors(p: Params, ctx: RpcContext): Promise<unknown[]> {
  const parsed = p.array(0).map(parseRequest);
  const valid = parsed.flatMap((entry) => ('request' in entry ? [entry.request] : []));
  const results = await walletCall(ctx, (w) => w.importDescriptors(valid));
  let next = 0;
  return parsed.map((entry) => ('request' in entry ? results[next++] : { success: false, error: entry.error }));
}

async function getHdKeys(p: Params, ctx: RpcContext): Promise<unknown> {
  const options = p.object(0, {});
  const activeOnly = field<boolean>(options, 'active_only', 'bool') ?? false;
  const withPrivate = field<boolean>(options, 'private', 'bool') ?? false;
  return walletCall(ctx, (w) => w.getHdKeys({ activeOnly, private: withPrivate }));
}

/** Core's output types: bech32 is the one our chain pays (P2WPKH); the others are refused as such. */
const OTHER_TYPES = new Set(['legacy', 'p2sh-segwit', 'bech32m']);

async function createWalletDescriptor(p: Params, ctx: RpcContext): Promise<unknown> {
  const type = p.string(0);
  if (type === undefined) throw invalidParameter('type is required');
  if (OTHER_TYPES.has(type)) throw new RpcError(RpcCode.INVALID_PARAMETER, `Only 'bech32' descriptors can be made: our chain pays P2WPKH outputs only, not ${type}`);
  if (type !== 'bech32') throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, `Unknown address type '${type}'`);
  const options = p.object(1, {});
  const internal = field<boolean>(options, 'internal', 'bool');
  const hdkey = field<string>(options, 'hdkey', 'string');
  return walletCall(ctx, (w) => w.createWalletDescriptor({ ...(internal !== undefined ? { internal } : {}), ...(hdkey !== undefined ? { hdkey } : {}) }));
}

export const walletDescriptorMethods: RpcMethod[] = [
  { name: 'importdescriptors', group: 'wallet', args: [required('requests')], summary: 'Imports wpkh() descriptors with private keys into the wallet, then rescans from the earliest timestamp.', run: importDescriptors },
  { name: 'gethdkeys', group: 'wallet', args: [optional('options')], summary: "The wallet's HD keys (xpub, has_private, xprv when asked) with the descriptors that use them.", run: getHdKeys },
  { name: 'createwalletdescriptor', group: 'wallet', args: [required('type'), optional('options')], summary: "Adds active bech32 descriptors (BIP84, receive and change) from one of the wallet's HD keys.", run: createWalletDescriptor },
];
