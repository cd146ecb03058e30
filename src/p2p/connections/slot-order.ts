/**
 * Which automatic outbound slots a tick may fill, in Core's order (ThreadOpenConnections picks
 * one connection type per attempt): full-relay slots first, block-relay-only ones only once
 * every full-relay slot is taken or being dialled. A node's first addresses, its seed's among
 * them, therefore always go to connections that exchange addresses; a node whose only link to
 * its seed were block-relay-only would never learn another peer, nor be learnt of.
 */
export interface OutboundSlots {
  /** Full-relay peers connected or being dialled, and the target (Core's 8). */
  fullRelay: number;
  maxFullRelay: number;
  /** Block-relay-only peers connected or being dialled, and the target (Core's 2). */
  blockRelayOnly: number;
  maxBlockRelayOnly: number;
}

export type SlotToFill = { type: 'outbound-full-relay' | 'block-relay-only'; need: number };

export function slotToFill(slots: OutboundSlots): SlotToFill | undefined {
  const fullRelayNeed = slots.maxFullRelay - slots.fullRelay;
  if (fullRelayNeed > 0) return { type: 'outbound-full-relay', need: fullRelayNeed };
  const blockRelayNeed = slots.maxBlockRelayOnly - slots.blockRelayOnly;
  if (blockRelayNeed > 0) return { type: 'block-relay-only', need: blockRelayNeed };
  return undefined;
}
