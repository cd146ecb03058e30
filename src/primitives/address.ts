import { bech32, bech32m } from '@scure/base';

/** Why an address string was refused; stable strings, safe to show to users. */
export type AddressErrorCode =
  | 'bad-length'
  | 'bad-character'
  | 'mixed-case'
  | 'no-separator'
  | 'empty-prefix'
  | 'bad-checksum'
  | 'wrong-encoding'
  | 'wrong-prefix'
  | 'empty-data'
  | 'bad-version'
  | 'bad-padding'
  | 'bad-program-length'
  | 'not-p2wpkh';

export class AddressError extends Error {
  readonly code: AddressErrorCode;

  constructor(code: AddressErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'AddressError';
    this.code = code;
  }
}

export type Bech32Encoding = 'bech32' | 'bech32m';

export interface Bech32String {
  /** Lower-case human-readable part. */
  prefix: string;
  /** 5-bit data words, checksum removed. */
  words: number[];
  encoding: Bech32Encoding;
}

export interface SegwitAddress {
  prefix: string;
  version: number;
  program: Uint8Array;
}

/** BIP173: a bech32 string is at most 90 characters. */
const MAX_BECH32_LENGTH = 90;
const CHECKSUM_LENGTH = 6;
const DATA_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const MAX_WITNESS_VERSION = 16;
const MIN_PROGRAM_LENGTH = 2;
const MAX_PROGRAM_LENGTH = 40;
export const P2WPKH_PROGRAM_LENGTH = 20;
export const P2WSH_PROGRAM_LENGTH = 32;
const OP_0 = 0x00;
const OP_1 = 0x51;

/**
 * Decodes any bech32 or bech32m string (BIP173 / BIP350), telling which checksum it carries.
 * The character, case, length and separator rules are checked here so every failure has a code;
 * @scure/base does the checksum.
 */
export function decodeBech32String(str: string): Bech32String {
  checkBech32Characters(str);
  const lower = str.toLowerCase();
  const separator = lower.lastIndexOf('1');
  if (separator === -1) throw new AddressError('no-separator', 'no "1" separator');
  if (separator === 0) throw new AddressError('empty-prefix', 'empty human-readable part');
  checkDataPart(lower.slice(separator + 1));
  const asBech32 = bech32.decodeUnsafe(lower, MAX_BECH32_LENGTH);
  if (asBech32) return { prefix: asBech32.prefix, words: asBech32.words, encoding: 'bech32' };
  const asBech32m = bech32m.decodeUnsafe(lower, MAX_BECH32_LENGTH);
  if (asBech32m) return { prefix: asBech32m.prefix, words: asBech32m.words, encoding: 'bech32m' };
  throw new AddressError('bad-checksum', 'checksum does not match');
}

function checkBech32Characters(str: string): void {
  if (str.length > MAX_BECH32_LENGTH) throw new AddressError('bad-length', `longer than ${MAX_BECH32_LENGTH} characters`);
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c < 33 || c > 126) throw new AddressError('bad-character', `character code ${c} at position ${i} is out of range`);
  }
  // A bech32 string is all lower or all upper case; the checksum is over the lower-case form.
  if (str !== str.toLowerCase() && str !== str.toUpperCase()) throw new AddressError('mixed-case', 'mixed upper and lower case');
}

function checkDataPart(data: string): void {
  if (data.length < CHECKSUM_LENGTH) throw new AddressError('bad-length', 'checksum is shorter than 6 characters');
  for (let i = 0; i < data.length; i++) {
    if (!DATA_CHARSET.includes(data[i])) throw new AddressError('bad-character', `"${data[i]}" is not a bech32 data character`);
  }
}

/**
 * Decodes a segwit address of any witness version (BIP173 for v0, BIP350 bech32m for v1+).
 * With `prefix`, an address for another network is refused.
 */
export function decodeSegwitAddress(address: string, prefix?: string): SegwitAddress {
  const decoded = decodeBech32String(address);
  if (prefix !== undefined && decoded.prefix !== prefix.toLowerCase()) {
    throw new AddressError('wrong-prefix', `expected prefix "${prefix.toLowerCase()}", got "${decoded.prefix}"`);
  }
  if (decoded.words.length === 0) throw new AddressError('empty-data', 'no witness version');
  // Checks in the order of BIP350's reference decoder, so each published case fails for its stated reason.
  const version = decoded.words[0];
  const program = wordsToProgram(decoded.words.slice(1));
  checkAnyProgramLength(program.length);
  if (version > MAX_WITNESS_VERSION) throw new AddressError('bad-version', `witness version ${version} is above ${MAX_WITNESS_VERSION}`);
  checkV0ProgramLength(version, program.length);
  // BIP350: v0 keeps bech32; every later version must use bech32m, so a v1 bech32 string is invalid.
  const expected: Bech32Encoding = version === 0 ? 'bech32' : 'bech32m';
  if (decoded.encoding !== expected) throw new AddressError('wrong-encoding', `witness v${version} requires ${expected}`);
  return { prefix: decoded.prefix, version, program };
}

function wordsToProgram(words: number[]): Uint8Array {
  // fromWords refuses more than 4 padding bits and non-zero padding, as BIP173 requires.
  const program = bech32.fromWordsUnsafe(words);
  if (!program) throw new AddressError('bad-padding', 'invalid padding in the 5-to-8 bit conversion');
  return program;
}

/** BIP141: a witness program is 2 to 40 bytes. */
function checkAnyProgramLength(length: number): void {
  if (length < MIN_PROGRAM_LENGTH || length > MAX_PROGRAM_LENGTH) {
    throw new AddressError('bad-program-length', `witness program of ${length} bytes`);
  }
}

/** BIP141: version 0 defines only 20-byte (P2WPKH) and 32-byte (P2WSH) programs. */
function checkV0ProgramLength(version: number, length: number): void {
  if (version === 0 && length !== P2WPKH_PROGRAM_LENGTH && length !== P2WSH_PROGRAM_LENGTH) {
    throw new AddressError('bad-program-length', `witness v0 program must be 20 or 32 bytes, got ${length}`);
  }
}

/** Encodes a segwit address: bech32 for v0, bech32m for v1+. */
export function encodeSegwitAddress(prefix: string, version: number, program: Uint8Array): string {
  if (!Number.isInteger(version) || version < 0 || version > MAX_WITNESS_VERSION) {
    throw new AddressError('bad-version', `witness version ${version}`);
  }
  checkAnyProgramLength(program.length);
  checkV0ProgramLength(version, program.length);
  const words = [version, ...bech32.toWords(program)];
  const codec = version === 0 ? bech32 : bech32m;
  return codec.encode(prefix, words, MAX_BECH32_LENGTH);
}

/** BIP141 scriptPubKey of a witness program: version opcode (OP_0, OP_1..OP_16) then one push. */
export function segwitOutputScript(version: number, program: Uint8Array): Uint8Array {
  const script = new Uint8Array(2 + program.length);
  script[0] = version === 0 ? OP_0 : OP_1 + version - 1;
  script[1] = program.length;
  script.set(program, 2);
  return script;
}

/** The powcoin address paying `hash20` (a P2WPKH program) on the network with this prefix. */
export function encodeAddress(hash20: Uint8Array, prefix: string): string {
  if (hash20.length !== P2WPKH_PROGRAM_LENGTH) {
    throw new AddressError('bad-program-length', `a P2WPKH program is 20 bytes, got ${hash20.length}`);
  }
  return encodeSegwitAddress(prefix, 0, hash20);
}

/** Decodes a powcoin address: only witness v0 20-byte programs (P2WPKH) are spendable on our chain. */
export function decodeAddress(address: string, prefix: string): { version: 0; program: Uint8Array } {
  const { version, program } = decodeSegwitAddress(address, prefix);
  if (version !== 0 || program.length !== P2WPKH_PROGRAM_LENGTH) {
    throw new AddressError('not-p2wpkh', `witness v${version} ${program.length}-byte program is not a P2WPKH address`);
  }
  return { version: 0, program };
}

/** The output script (`OP_0 <20 bytes>`) an address stands for. */
export function addressToScript(address: string, prefix: string): Uint8Array {
  return segwitOutputScript(0, decodeAddress(address, prefix).program);
}

/** The address of a P2WPKH output script, or undefined for any other script (OP_RETURN has none). */
export function scriptToAddress(script: Uint8Array, prefix: string): string | undefined {
  if (script.length !== 2 + P2WPKH_PROGRAM_LENGTH || script[0] !== OP_0 || script[1] !== P2WPKH_PROGRAM_LENGTH) return undefined;
  return encodeAddress(script.subarray(2), prefix);
}
