import { bytesEqual, concatBytes, toHex } from '../primitives/bytes.js';
import type { Coin } from '../primitives/coin.js';
import { sha256 } from '../primitives/hash.js';
import {
  isCompressedOrUncompressedPublicKey,
  isCompressedPublicKey,
  publicKeyFromPrivate,
  publicKeyHash,
  signDigest,
} from '../primitives/keys.js';
import { verifyOverSha256 } from '../primitives/ecdsa-verify.js';
import { Transaction, type TxInput } from '../primitives/transaction.js';
import { encodeDerSignature, isHighS, isValidSignatureEncoding, parseDerSignature, toCompactSignature } from './der.js';
import { RuleError } from './errors.js';
import { p2wpkhProgram, p2wpkhScriptCode } from './script.js';
import { SIGHASH_ALL, SighashCache, bip143Preimage, bip143Sighash, isDefinedSighashType } from './sighash.js';

/**
 * One ECDSA check left to do after every structural rule passed: what the chain caches and may
 * hand to a worker thread. Plain bytes, so it can cross a worker boundary as is.
 */
export interface SignatureCheck {
  /**
   * sha256 of the BIP143 preimage: the first of the sighash's two SHA-256 rounds. The signed
   * digest is sha256 of this; the verifier applies that second round itself (see native-verify).
   */
  readonly preimageHash: Uint8Array;
  /** Compact r || s (64 bytes). */
  readonly signature: Uint8Array;
  /** Compressed public key (33 bytes). */
  readonly publicKey: Uint8Array;
}

/** What verification needs of the spent output. */
export type SpentOutput = Pick<Coin, 'value' | 'script'>;

/** Core's MAX_SCRIPT_ELEMENT_SIZE: no witness stack item may be larger. */
const MAX_SCRIPT_ELEMENT_SIZE = 520;
/** BIP141: a P2WPKH witness is exactly [signature, pubkey]. */
const P2WPKH_WITNESS_ITEMS = 2;

// Core's script error strings (ScriptErrorString), so reject reasons read the same as Core's.
const ERR_NOT_P2WPKH = 'Spent output is not P2WPKH';
const ERR_WITNESS_MALLEATED = 'Witness requires empty scriptSig';
const ERR_WITNESS_PROGRAM_MISMATCH = 'Witness program hash mismatch';
const ERR_PUSH_SIZE = 'Push value size limit exceeded';
const ERR_EQUALVERIFY = 'Script failed an OP_EQUALVERIFY operation';
const ERR_SIG_DER = 'Non-canonical DER signature';
const ERR_SIG_HIGH_S = 'Non-canonical signature: S value is unnecessarily high';
const ERR_SIG_HASHTYPE = 'Signature hash type missing or not understood';
const ERR_PUBKEYTYPE = 'Public key is neither compressed or uncompressed';
const ERR_WITNESS_PUBKEYTYPE = 'Using non-compressed keys in segwit';
const ERR_EVAL_FALSE = 'Script evaluated without error but finished with a false/empty top stack element';
const ERR_SIG_NULLFAIL = 'Signature must be zero for failed CHECK(MULTI)SIG operation';

function scriptFailure(detail: string): RuleError {
  return new RuleError('mandatory-script-verify-flag-failed', detail);
}

/**
 * Every rule of a P2WPKH spend except the ECDSA equation, in the order Core's interpreter meets
 * them, then the sighash. Throws RuleError('mandatory-script-verify-flag-failed', detail).
 * `cache` must be the transaction's one SighashCache, shared by all its inputs.
 */
export function prepareP2wpkhInput(tx: Transaction, inputIndex: number, coin: SpentOutput, cache: SighashCache): SignatureCheck {
  const input = tx.inputs[inputIndex];
  if (input === undefined) throw new RangeError(`input ${inputIndex} of ${tx.inputs.length}`);
  const program = p2wpkhProgram(coin.script);
  if (program === undefined) throw scriptFailure(ERR_NOT_P2WPKH);
  const [sig, publicKey] = checkWitnessShape(input);
  // OP_DUP OP_HASH160 <program> OP_EQUALVERIFY: the key must be the one the output pays.
  if (!bytesEqual(publicKeyHash(publicKey), program)) throw scriptFailure(ERR_EQUALVERIFY);
  // OP_CHECKSIG: signature encoding, then key encoding, then the signature itself.
  const parsed = sig.length > 0 ? checkSignatureEncoding(sig) : undefined;
  checkPublicKeyEncoding(publicKey);
  // An empty signature is a well-formed "no": CHECKSIG pushes false and the script fails.
  if (parsed === undefined) throw scriptFailure(ERR_EVAL_FALSE);
  return {
    preimageHash: sha256(bip143Preimage(tx, inputIndex, p2wpkhScriptCode(program), coin.value, parsed.hashType, cache)),
    signature: toCompactSignature(parsed.r, parsed.s),
    publicKey,
  };
}

function checkWitnessShape(input: TxInput): [Uint8Array, Uint8Array] {
  // Native segwit: anything in scriptSig would be unsigned, malleable data.
  if (input.scriptSig.length !== 0) throw scriptFailure(ERR_WITNESS_MALLEATED);
  // Core reports a wrong item count (empty witness included) as a program mismatch for P2WPKH.
  if (input.witness.length !== P2WPKH_WITNESS_ITEMS) throw scriptFailure(ERR_WITNESS_PROGRAM_MISMATCH);
  for (const item of input.witness) {
    if (item.length > MAX_SCRIPT_ELEMENT_SIZE) throw scriptFailure(ERR_PUSH_SIZE);
  }
  return [input.witness[0], input.witness[1]];
}

/** DERSIG, LOW_S and STRICTENC's hash type rule, in Core's order. */
function checkSignatureEncoding(sig: Uint8Array): ReturnType<typeof parseDerSignature> {
  if (!isValidSignatureEncoding(sig)) throw scriptFailure(ERR_SIG_DER);
  const parsed = parseDerSignature(sig);
  if (isHighS(parsed.s)) throw scriptFailure(ERR_SIG_HIGH_S);
  if (!isDefinedSighashType(parsed.hashType)) throw scriptFailure(ERR_SIG_HASHTYPE);
  return parsed;
}

/** STRICTENC's key encoding, then BIP143's compressed-only rule for segwit. */
function checkPublicKeyEncoding(publicKey: Uint8Array): void {
  if (!isCompressedOrUncompressedPublicKey(publicKey)) throw scriptFailure(ERR_PUBKEYTYPE);
  if (!isCompressedPublicKey(publicKey)) throw scriptFailure(ERR_WITNESS_PUBKEYTYPE);
}

/** The ECDSA equation (~0.4 ms): the only expensive step; cache its result under `signatureCheckKey`. */
export function verifySignatureCheck(check: SignatureCheck): boolean {
  return verifyOverSha256(check.signature, check.preimageHash, check.publicKey);
}

/** The signed digest of a check: the BIP143 sighash. */
export function signatureCheckDigest(check: SignatureCheck): Uint8Array {
  return sha256(check.preimageHash);
}

/**
 * Signature-cache key: sha256(preimageHash || signature || pubkey), hex. The three parts have fixed
 * lengths (32, 64, 33), so the concatenation is unambiguous; a hit means this exact check passed.
 */
export function signatureCheckKey(check: SignatureCheck): string {
  return toHex(sha256(concatBytes(check.preimageHash, check.signature, check.publicKey)));
}

/** Prepare and verify one input; for callers without a signature cache. */
export function verifyP2wpkhInput(tx: Transaction, inputIndex: number, coin: SpentOutput, cache: SighashCache = new SighashCache(tx)): void {
  const check = prepareP2wpkhInput(tx, inputIndex, coin, cache);
  if (!verifySignatureCheck(check)) throw scriptFailure(ERR_SIG_NULLFAIL);
}

/**
 * The witness `[DER signature || hashType, compressed pubkey]` spending a P2WPKH output of
 * `value` paid to this key. Deterministic (RFC6979) and low-S. Not verified again here: signing
 * a correct sighash cannot produce a bad signature, and verification costs more than signing.
 */
export function signP2wpkhInput(
  tx: Transaction,
  inputIndex: number,
  value: bigint,
  privateKey: Uint8Array,
  sighashType: number = SIGHASH_ALL,
  cache: SighashCache = new SighashCache(tx),
  knownPublicKey?: Uint8Array,
): Uint8Array[] {
  if (!isDefinedSighashType(sighashType)) throw new RangeError(`undefined sighash type 0x${sighashType.toString(16)}`);
  const publicKey = knownPublicKey ?? publicKeyFromPrivate(privateKey);
  const scriptCode = p2wpkhScriptCode(publicKeyHash(publicKey));
  const sighash = bip143Sighash(tx, inputIndex, scriptCode, value, sighashType, cache);
  return [encodeDerSignature(signDigest(sighash, privateKey), sighashType), publicKey];
}

/** How to sign one input: the key that owns the spent P2WPKH output and that output's value. */
export interface InputSigner {
  readonly privateKey: Uint8Array;
  readonly value: bigint;
  readonly sighashType?: number;
  /** The key's public half when the caller has it (a wallet does): saves deriving it again. It must match. */
  readonly publicKey?: Uint8Array;
}

/**
 * A copy of `tx` with the inputs that have a signer signed (empty scriptSig, P2WPKH witness);
 * inputs whose signer is undefined keep their scriptSig and witness, for partial signing.
 */
export function signTransaction(tx: Transaction, signers: readonly (InputSigner | undefined)[]): Transaction {
  if (signers.length !== tx.inputs.length) throw new RangeError(`${signers.length} signers for ${tx.inputs.length} inputs`);
  const cache = new SighashCache(tx);
  const inputs = tx.inputs.map((input, i): TxInput => {
    const signer = signers[i];
    if (signer === undefined) return input;
    const witness = signP2wpkhInput(tx, i, signer.value, signer.privateKey, signer.sighashType ?? SIGHASH_ALL, cache, signer.publicKey);
    return { prevout: input.prevout, scriptSig: new Uint8Array(0), sequence: input.sequence, witness };
  });
  return new Transaction({ version: tx.version, inputs, outputs: tx.outputs, locktime: tx.locktime });
}
