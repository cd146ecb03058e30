/**
 * Network groups (Core's NetGroupManager without an asmap): addresses in one group are assumed
 * to be cheap for one operator to hold, so the buckets limit each group's share of the book.
 *
 * - public IPv4: the /16 (`ip4:1.2`); public IPv6: the /32 (`ip6:2001:0db8`); IPv4-mapped and
 *   embedded IPv4 (6to4 is not special-cased) count as IPv4.
 * - DNS names (dns, dns4, dns6, dnsaddr): the lower-cased name (`dns:seed.example.org`), since the
 *   name is what resolves, and we cannot know the operator behind it.
 * - loopback (127/8, ::1): the TCP port (`lo:8733`), so tests on 127.0.0.1 still spread over
 *   buckets as real networks would; the peer id when there is no port.
 * - private ranges (10/8, 172.16/12, 192.168/16, 100.64/10, 169.254/16, fc00::/7, fe80::/10):
 *   the full IP (`ip4:10.0.0.5`), so each test host or container is its own group.
 * - anything else (no IP or DNS component): `unroutable`, one group for all.
 * A source given without an address (ourselves, config, seeds) is `local`.
 */
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';

export const LOCAL_GROUP = 'local';
export const UNROUTABLE_GROUP = 'unroutable';

const DNS_PROTOCOLS = new Set(['dns', 'dns4', 'dns6', 'dnsaddr']);

/** The network group of `address` (a multiaddr string or object); `peerId` spreads port-less loopback. */
export function groupOf(address: string | Multiaddr | undefined, peerId?: string): string {
  if (address === undefined) return LOCAL_GROUP;
  let components: { name: string; value?: string }[];
  try {
    components = (typeof address === 'string' ? multiaddr(address) : address).getComponents();
  } catch {
    return UNROUTABLE_GROUP;
  }
  const host = components[0];
  const port = components.find((c) => c.name === 'tcp')?.value;
  if (host === undefined || host.value === undefined) return UNROUTABLE_GROUP;
  if (DNS_PROTOCOLS.has(host.name)) return `dns:${host.value.toLowerCase()}`;
  if (host.name === 'ip4') return ipv4Group(parseIPv4(host.value), port, peerId);
  if (host.name === 'ip6') {
    const bytes = parseIPv6(host.value);
    if (bytes === undefined) return UNROUTABLE_GROUP;
    if (isV4Mapped(bytes)) return ipv4Group(bytes.subarray(12), port, peerId);
    return ipv6Group(bytes, port, peerId);
  }
  return UNROUTABLE_GROUP;
}

function ipv4Group(b: Uint8Array | undefined, port: string | undefined, peerId: string | undefined): string {
  if (b === undefined) return UNROUTABLE_GROUP;
  if (b[0] === 127) return loopbackGroup(port, peerId);
  if (b[0] === 0) return UNROUTABLE_GROUP;
  if (isPrivateV4(b)) return `ip4:${b.join('.')}`;
  return `ip4:${b[0]}.${b[1]}`;
}

function ipv6Group(b: Uint8Array, port: string | undefined, peerId: string | undefined): string {
  if (b.every((x, i) => x === (i === 15 ? 1 : 0))) return loopbackGroup(port, peerId);
  if (b.every((x) => x === 0)) return UNROUTABLE_GROUP;
  const words = hexWords(b);
  // fc00::/7 unique-local and fe80::/10 link-local: the host itself.
  if ((b[0] & 0xfe) === 0xfc || (b[0] === 0xfe && (b[1] & 0xc0) === 0x80)) return `ip6:${words.join(':')}`;
  return `ip6:${words[0]}:${words[1]}`;
}

function loopbackGroup(port: string | undefined, peerId: string | undefined): string {
  if (port !== undefined) return `lo:${port}`;
  return peerId !== undefined ? `lo:peer:${peerId}` : 'lo';
}

function isPrivateV4(b: Uint8Array): boolean {
  return (
    b[0] === 10 ||
    (b[0] === 172 && (b[1] & 0xf0) === 16) ||
    (b[0] === 192 && b[1] === 168) ||
    (b[0] === 100 && (b[1] & 0xc0) === 64) ||
    (b[0] === 169 && b[1] === 254)
  );
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

function parseIPv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  return bytes.every((x) => x <= 255) ? Uint8Array.from(bytes) : undefined;
}

/** 16 bytes of an IPv6 address in any textual form (with `::` and a dotted IPv4 tail). */
export function parseIPv6(text: string): Uint8Array | undefined {
  let source = text;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    // A dotted IPv4 tail (::ffff:1.2.3.4) becomes its two hex words.
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    source = `${text.slice(0, lastColon + 1)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
  }
  const halves = source.split('::');
  if (halves.length > 2) return undefined;
  const words = (s: string) => (s === '' ? [] : s.split(':').map((w) => (/^[0-9a-f]{1,4}$/i.test(w) ? parseInt(w, 16) : NaN)));
  const left = words(halves[0]);
  const right = halves.length === 2 ? words(halves[1]) : [];
  const fill = 8 - left.length - right.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return undefined;
  const all = [...left, ...new Array<number>(fill).fill(0), ...right];
  if (all.some((w) => Number.isNaN(w))) return undefined;
  const bytes = new Uint8Array(16);
  all.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  return bytes;
}

function hexWords(b: Uint8Array): string[] {
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((b[i] << 8) | b[i + 1]).toString(16).padStart(4, '0'));
  return words;
}
