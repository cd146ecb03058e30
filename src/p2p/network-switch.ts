/**
 * Core's fNetworkActive (setnetworkactive): while off, the connection gater refuses every dial and
 * inbound connection, the connection manager dials nothing and every peer is hung up on.
 */
import type { ConnectionGater } from '@libp2p/interface';
import type { ConnectionManager } from './connections/manager.js';
import type { Stack } from './stack.js';
import type { Logger } from '../util/logger.js';

export class NetworkSwitch {
  private on = true;

  get active(): boolean {
    return this.on;
  }

  /** `gater` (the ban gater), also refusing every dial and inbound connection while the network is off. */
  gate(gater: ConnectionGater): ConnectionGater {
    const inactive = (): boolean => !this.on;
    return {
      ...gater,
      denyDialMultiaddr: async (address) => inactive() || ((await gater.denyDialMultiaddr?.(address)) ?? false),
      denyInboundConnection: async (connection) => inactive() || ((await gater.denyInboundConnection?.(connection)) ?? false),
    };
  }

  /** false hangs up every peer and stops dialling; true lets the connection manager dial again. Resolves to the new state. */
  async set(active: boolean, stack: Stack, connections: ConnectionManager, logger: Logger): Promise<boolean> {
    if (active === this.on) return active;
    this.on = active;
    logger.info({ active }, 'setnetworkactive');
    connections.setActive(active);
    if (!active) await Promise.all(stack.getConnections().map((connection) => stack.hangUp(connection.remotePeer).catch(() => undefined)));
    return active;
  }
}
