/** help entries: network and control methods. */
import type { HelpTable } from './types.js';

const PEER = '/ip4/127.0.0.1/tcp/18733/p2p/12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo';

export const networkHelp: HelpTable = {
  getnetworkinfo: { result: 'An object: version, subversion, protocolversion, connections, connections_in, connections_out, relayfee, incrementalfee, localaddresses, warnings.', examples: [[]] },
  getpeerinfo: { result: 'An array of peers: id, addr, inbound, connection_type, bytessent, bytesrecv, pingtime, synced_headers, synced_blocks.', examples: [[]] },
  getconnectioncount: { result: 'n (numeric) connected peers.', examples: [[]] },
  addnode: {
    args: { node: { type: 'string', text: 'A multiaddr with /p2p/<peer id>' }, command: { type: 'string', text: "'add' to keep it connected, 'remove' to forget it, 'onetry' to dial once" } },
    result: 'null',
    examples: [[PEER, 'add']],
  },
  getaddednodeinfo: { args: { node: { type: 'string', text: 'Only this added node (default: all)' } }, result: 'An array of {addednode, connected, addresses}.', examples: [[]] },
  getnodeaddresses: {
    args: { count: { type: 'numeric', text: 'How many; 0 for all (default=1)' }, network: { type: 'string', text: 'Only this network (ipv4, ipv6)' } },
    result: 'An array of {time, services, address, port, network}.',
    examples: [[8]],
  },
  addpeeraddress: {
    args: { address: { type: 'string', text: 'A multiaddr with /p2p/<peer id>' }, port: { type: 'numeric', text: 'Ignored when the multiaddr has one' }, tried: { type: 'boolean', text: 'Put it in the tried table (default=false)' } },
    result: 'An object: success.',
    examples: [[PEER]],
  },
  getnettotals: { result: 'An object: totalbytesrecv, totalbytessent, timemillis.', examples: [[]] },
  disconnectnode: { args: { address: { type: 'string', text: 'A multiaddr or peer id' }, nodeid: { type: 'numeric', text: 'The id from getpeerinfo (with address empty)' } }, result: 'null', examples: [[PEER], ['', 1]] },
  setban: {
    args: {
      subnet: { type: 'string', text: 'A peer id, an IP address, or IP:port on loopback' },
      command: { type: 'string', text: "'add' or 'remove'" },
      bantime: { type: 'numeric', text: 'Seconds (default: --ban-seconds), or a unix time with absolute' },
      absolute: { type: 'boolean', text: 'bantime is a unix time (default=false)' },
    },
    result: 'null',
    examples: [['192.168.0.6', 'add', 86400]],
  },
  listbanned: { result: 'An array of {address, ban_created, banned_until, ban_duration, time_remaining}.', examples: [[]] },
  clearbanned: { result: 'null', examples: [[]] },
};

export const controlHelp: HelpTable = {
  help: { args: { command: { type: 'string', text: 'The method to explain (default: list every method)' } }, result: '"text" (string)', examples: [[], ['getblock']] },
  stop: { result: '"powcoin stopping" (string)', examples: [[]] },
  uptime: { result: 'n (numeric) seconds since the node started.', examples: [[]] },
  setmocktime: {
    description: "Sets the node's clock to a fixed time (regtest only, as Core): block and header time checks, mempool entry times, block templates and generate* read it. -1 on other networks, -8 for a time outside [0, 9223372036].",
    args: { timestamp: { type: 'numeric', text: 'Seconds since the epoch; 0 goes back to the system clock' } },
    result: 'null',
    examples: [[1800000000], [0]],
  },
  logging: {
    description: 'Turns debug logs on or off per component (node, chain, mempool, miner, rpc, p2p, wallet; "all" names every one). Answers which components log at debug.',
    args: { include: { type: 'json array', text: 'Components to log at debug' }, exclude: { type: 'json array', text: 'Components back to the base level' } },
    result: 'An object: component → true when at debug.',
    examples: [[['p2p']], [[], ['all']]],
  },
};
