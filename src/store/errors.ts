/**
 * Why the chain store refused or failed an operation. Stable strings: the node maps them to
 * an exit message for the operator, never to peer penalties (a broken disk is not a peer's fault).
 *
 * - `wrong-network`: the data dir belongs to another network (the message names both).
 * - `wrong-schema`: the data dir was written by another schema version of this store.
 * - `locked`: another process (or another store in this process) has the data dir open.
 * - `corrupt`: a record failed to decode (the message names the key), or the directory is not
 *   a LevelDB database / not a powcoin chain store.
 * - `io`: the filesystem refused (permissions, disk full, ...).
 * - `closed`: the store or batch was used after close()/write().
 */
export type StoreErrorCode = 'wrong-network' | 'wrong-schema' | 'locked' | 'corrupt' | 'io' | 'closed';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  /** What is wrong, without the code prefix the message carries. */
  readonly detail: string;

  constructor(code: StoreErrorCode, detail: string, options?: { cause?: unknown }) {
    super(`${code}: ${detail}`, options);
    this.name = 'StoreError';
    this.code = code;
    this.detail = detail;
  }
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}
