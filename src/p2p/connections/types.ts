/** The kinds of connection, as Core's ConnectionType and getpeerinfo's `connection_type`. */
export type ConnectionType = 'inbound' | 'outbound-full-relay' | 'block-relay-only' | 'manual' | 'feeler';

export const CONNECTION_TYPES: readonly ConnectionType[] = ['inbound', 'outbound-full-relay', 'block-relay-only', 'manual', 'feeler'];

/** Whether addresses are exchanged over a connection: never with block-relay-only peers or feelers (Core). */
export function relaysAddresses(type: ConnectionType): boolean {
  return type === 'inbound' || type === 'outbound-full-relay' || type === 'manual';
}

/** Whether txs are pushed or reconciled over a connection (not with block-relay-only peers or feelers). */
export function relaysTxs(type: ConnectionType): boolean {
  return relaysAddresses(type);
}
