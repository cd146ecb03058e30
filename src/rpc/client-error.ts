/**
 * Transport failures of the JSON-RPC clients (node down, credentials refused, not an RPC answer),
 * kept apart from the clients so that code which only tells them apart loads no HTTP stack.
 */
export type RpcClientErrorKind = 'unreachable' | 'unauthorized' | 'http' | 'bad-response';

export class RpcClientError extends Error {
  override readonly name = 'RpcClientError';

  constructor(
    readonly kind: RpcClientErrorKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
