/**
 * Output descriptors for getaddressinfo's `desc`: `wpkh([fingerprint/84h/1h/0h/0/5]pubkey)` with
 * BIP380's checksum, so tools that read Core's answers can read ours.
 */
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
    if (v < 0) throw new RangeError(`character ${JSON.stringify(c)} cannot appear in a descriptor`);
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

/** BIP380: `descriptor#checksum`. */
export function addChecksum(descriptor: string): string {
  const checksum = polymod([...expand(descriptor), 0, 0, 0, 0, 0, 0, 0, 0]) ^ 1n;
  let out = '';
  for (let i = 0; i < 8; i++) out += CHECKSUM_CHARSET[Number((checksum >> BigInt(5 * (7 - i))) & 31n)];
  return `${descriptor}#${out}`;
}

/** `m/84'/1'/0'/0/5` → `84h/1h/0h/0/5`, as Core writes key origins. */
export function originPath(hdPath: string): string {
  return hdPath.replace(/^m\//, '').replaceAll("'", 'h');
}

export function wpkhDescriptor(publicKeyHex: string, origin?: { fingerprint: string; path: string }): string {
  const key = origin ? `[${origin.fingerprint}/${originPath(origin.path)}]${publicKeyHex}` : publicKeyHex;
  return addChecksum(`wpkh(${key})`);
}
