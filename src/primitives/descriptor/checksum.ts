/**
 * BIP380 descriptor checksums: 8 characters after `#`, a BCH code over the descriptor's
 * characters, so a mistyped descriptor is refused instead of deriving someone else's addresses.
 */
import { DescriptorError } from './errors.js';

const INPUT_CHARSET = '0123456789()[],\'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#"\\ ';
const CHECKSUM_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATOR = [0xf5dee51989n, 0xa9fdca3312n, 0x1bab10e32dn, 0x3706b1677an, 0x644d626ffdn];

function polymod(symbols: number[]): bigint {
  let chk = 1n;
  for (const value of symbols) {
    const top = chk >> 35n;
    chk = ((chk & 0x7ffffffffn) << 5n) ^ BigInt(value);
    for (let i = 0; i < 5; i++) if ((top >> BigInt(i)) & 1n) chk ^= GENERATOR[i];
  }
  return chk;
}

function expand(descriptor: string): number[] {
  const symbols: number[] = [];
  let groups: number[] = [];
  for (const c of descriptor) {
    const v = INPUT_CHARSET.indexOf(c);
    if (v < 0) throw new DescriptorError(`Invalid character found in descriptor: ${JSON.stringify(c)}`);
    symbols.push(v & 31);
    groups.push(v >> 5);
    if (groups.length === 3) {
      symbols.push(groups[0] * 9 + groups[1] * 3 + groups[2]);
      groups = [];
    }
  }
  if (groups.length === 1) symbols.push(groups[0]);
  if (groups.length === 2) symbols.push(groups[0] * 3 + groups[1]);
  return symbols;
}

/** The 8-character checksum of `descriptor` (which must not carry one). */
export function descriptorChecksum(descriptor: string): string {
  const checksum = polymod([...expand(descriptor), 0, 0, 0, 0, 0, 0, 0, 0]) ^ 1n;
  let out = '';
  for (let i = 0; i < 8; i++) out += CHECKSUM_CHARSET[Number((checksum >> BigInt(5 * (7 - i))) & 31n)];
  return out;
}

/** BIP380: `descriptor#checksum`. */
export function addChecksum(descriptor: string): string {
  return `${descriptor}#${descriptorChecksum(descriptor)}`;
}

/**
 * Splits `desc#checksum` and checks the checksum (Core's CheckChecksum); without one it is
 * refused when `require` (importdescriptors, deriveaddresses) and accepted otherwise.
 */
export function splitChecksum(text: string, require: boolean): string {
  const at = text.indexOf('#');
  if (at < 0) {
    if (require) throw new DescriptorError('Missing checksum');
    return text;
  }
  if (text.indexOf('#', at + 1) >= 0) throw new DescriptorError("Multiple '#' symbols");
  const body = text.slice(0, at);
  const given = text.slice(at + 1);
  if (given.length !== 8) throw new DescriptorError(`Expected 8 character checksum, not ${given.length} characters`);
  const expected = descriptorChecksum(body);
  if (given !== expected) throw new DescriptorError(`Provided checksum '${given}' does not match computed checksum '${expected}'`);
  return body;
}
