/** Finding a testnet's node by what an operator types. */
import type { MemberNode } from './backend.js';
import { TestnetError } from './errors.js';

export type Say = (line: string) => void;

/** A node by name (`node2`, `miner2`), index (`2`) or role when only one node has it (`seed`, `wallet`). */
export function findNode<N extends MemberNode>(testnet: { readonly nodes: readonly N[] }, ref: string): N {
  const byName = testnet.nodes.find((node) => node.name === ref || String(node.index) === ref);
  if (byName) return byName;
  const byRole = testnet.nodes.filter((node) => node.role === ref);
  if (byRole.length === 1) return byRole[0];
  const names = testnet.nodes.map((node) => `${node.name} (${node.role})`).join(', ');
  throw new TestnetError('unknown-node', `no node '${ref}' in this testnet${byRole.length > 1 ? ` (several are ${ref}s)` : ''}; nodes: ${names}`);
}

/** Whether `text` is an address rather than a node's name: bech32, `<hrp>1<data>`. */
export function isAddress(text: string): boolean {
  return /^[a-z0-9]+1[02-9ac-hj-np-z]{6,}$/.test(text);
}
