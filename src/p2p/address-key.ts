/**
 * What "one address" means for address bans. A routable or private IP is the address (as Core
 * bans an IP): a new peer id costs an attacker nothing, a new IP does. Loopback is different:
 * every node of a local testnet is 127.0.0.1, so banning the IP would cut an honest testnet in
 * pieces; there the address is IP plus the peer's *listen* port ("127.0.0.1:4001"), which is
 * what tells local nodes apart. An inbound loopback connection comes from an ephemeral port, so
 * its key is only known once identify reports the peer's listen addresses.
 */
import type { Multiaddr } from '@multiformats/multiaddr';

export interface AddressParts {
  ip: string;
  port?: number;
}

/** The IP (and TCP port) of a multiaddr; undefined for non-IP addresses (dns, relays). */
export function addressParts(address: Multiaddr): AddressParts | undefined {
  const components = address.getComponents();
  const ip = components[0];
  if (ip === undefined || (ip.name !== 'ip4' && ip.name !== 'ip6') || ip.value === undefined) return undefined;
  const tcp = components[1]?.name === 'tcp' ? Number(components[1].value) : undefined;
  return { ip: ip.value, ...(tcp !== undefined && Number.isInteger(tcp) ? { port: tcp } : {}) };
}

export function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1' || ip === '0:0:0:0:0:0:0:1';
}

/**
 * The ban key of an address the peer *listens* on (a dialled address, or one identify reported):
 * the IP, or for loopback IP:port. Undefined when it names no IP, or loopback without a port.
 */
export function listenKey(address: Multiaddr): string | undefined {
  const parts = addressParts(address);
  if (!parts) return undefined;
  if (!isLoopback(parts.ip)) return parts.ip;
  if (parts.port === undefined) return undefined;
  return parts.ip.includes(':') ? `[${parts.ip}]:${parts.port}` : `${parts.ip}:${parts.port}`;
}

/** The ban key of an inbound connection's remote address: the IP, or undefined on loopback (wait for identify). */
export function inboundKey(remote: Multiaddr): string | undefined {
  const parts = addressParts(remote);
  if (!parts || isLoopback(parts.ip)) return undefined;
  return parts.ip;
}

/** Whether `target` (setban's argument) names an address rather than a peer id. */
export function isAddressKey(target: string): boolean {
  return /^[0-9.]+(:\d+)?$/.test(target) || target.includes(':');
}
