/** Reaching the testnet's nodes: RPC clients with the testnet's credentials, and finding a node by name. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RpcClient } from '../rpc/client.js';
import { type TestnetNode, type TestnetState, TestnetError } from './state.js';
import { HOST } from './defaults.js';

export type Say = (line: string) => void;


export function clientFor(state: TestnetState, node: TestnetNode, timeoutMs = 60_000): RpcClient {
  return new RpcClient({ url: `http://${HOST}:${node.rpcPort}/`, credentials: { user: state.rpcUser, password: state.rpcPassword }, timeoutMs });
}

export function call<T = unknown>(state: TestnetState, node: TestnetNode, method: string, params: unknown[] = [], timeoutMs?: number): Promise<T> {
  return clientFor(state, node, timeoutMs).call<T>(method, params);
}

/** A node by name (`node2`), index (`2`) or role when only one node has it (`seed`, `wallet`). */
export function findNode(state: TestnetState, ref: string): TestnetNode {
  const byName = state.nodes.find((node) => node.name === ref || String(node.index) === ref);
  if (byName) return byName;
  const byRole = state.nodes.filter((node) => node.role === ref);
  if (byRole.length === 1) return byRole[0];
  const names = state.nodes.map((node) => `${node.name} (${node.role})`).join(', ');
  throw new TestnetError(`no node '${ref}' in this testnet${byRole.length > 1 ? ` (several are ${ref}s)` : ''}; nodes: ${names}`, 2);
}

export function logTail(node: TestnetNode, lines = 8): string {
  try {
    const text = readFileSync(node.log, 'utf8').trimEnd().split('\n').slice(-lines);
    return text.map((line) => `    ${line.length > 400 ? `${line.slice(0, 400)}...` : line}`).join('\n');
  } catch {
    return '    (no log)';
  }
}
