/** Why a descriptor was refused: Core's messages (the RPC layer answers -5 with them). */
export class DescriptorError extends Error {
  readonly code = 'invalid-descriptor';

  constructor(message: string) {
    super(message);
    this.name = 'DescriptorError';
  }
}
