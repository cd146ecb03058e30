/** scriptPubKey and scriptSig as Core shows them: asm, hex, type and address. */
import { classifyOutputScript } from '../../consensus/script.js';
import { scriptToAddress } from '../../primitives/address.js';
import { toHex } from '../../primitives/bytes.js';

const NAMED_OPS: Readonly<Record<number, string>> = {
  0x4f: 'OP_1NEGATE',
  0x61: 'OP_NOP',
  0x6a: 'OP_RETURN',
  0x75: 'OP_DROP',
  0x76: 'OP_DUP',
  0x87: 'OP_EQUAL',
  0x88: 'OP_EQUALVERIFY',
  0xa9: 'OP_HASH160',
  0xac: 'OP_CHECKSIG',
  0xae: 'OP_CHECKMULTISIG',
};

function opName(op: number): string {
  if (op === 0) return '0';
  if (op >= 0x51 && op <= 0x60) return String(op - 0x50);
  return NAMED_OPS[op] ?? `OP_UNKNOWN(0x${op.toString(16)})`;
}

/** Length of the push at `i` (opcode byte already read as `op`), and where its data starts. */
function pushSpan(script: Uint8Array, i: number, op: number): { start: number; length: number } | undefined {
  if (op >= 1 && op <= 0x4b) return { start: i + 1, length: op };
  const width = op === 0x4c ? 1 : op === 0x4d ? 2 : op === 0x4e ? 4 : 0;
  if (width === 0 || i + 1 + width > script.length) return undefined;
  let length = 0;
  for (let b = width - 1; b >= 0; b--) length = length * 256 + script[i + 1 + b];
  return { start: i + 1 + width, length };
}

/** Core's ScriptToAsmStr (without sighash decoding): pushes as hex, small numbers as digits. */
export function scriptAsm(script: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < script.length; ) {
    const op = script[i];
    const push = op > 0 && op <= 0x4e ? pushSpan(script, i, op) : undefined;
    if (op > 0 && op <= 0x4e) {
      if (!push || push.start + push.length > script.length) {
        parts.push('[error]');
        break;
      }
      parts.push(toHex(script.subarray(push.start, push.start + push.length)));
      i = push.start + push.length;
      continue;
    }
    parts.push(opName(op));
    i++;
  }
  return parts.join(' ');
}

const TYPE_NAMES = { p2wpkh: 'witness_v0_keyhash', nulldata: 'nulldata', nonstandard: 'nonstandard' } as const;

export function scriptPubKeyJson(script: Uint8Array, bech32Prefix: string): Record<string, unknown> {
  const type = TYPE_NAMES[classifyOutputScript(script)];
  const address = type === 'witness_v0_keyhash' ? scriptToAddress(script, bech32Prefix) : undefined;
  return { asm: scriptAsm(script), hex: toHex(script), ...(address ? { address } : {}), type };
}
