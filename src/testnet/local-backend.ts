/**
 * The local back end: `powcoin node` processes on 127.0.0.1, described by `<dir>/testnet.json`
 * (local-state.ts). RPC goes to each node's port with the testnet's credentials; a node is cut
 * off by banning every other node's peer id (both ways: a banned peer is hung up on and refused).
 */
import { readFileSync } from 'node:fs';
import { RpcClient } from '../rpc/client.js';
import type { MemberNode, TestnetBackend } from './backend.js';
import { HOST } from './defaults.js';
import { TestnetError } from './errors.js';
import { type TestnetNode, type TestnetState, isOurDaemon, readState, writeState } from './local-state.js';

export function clientFor(state: TestnetState, node: TestnetNode, timeoutMs = 60_000): RpcClient {
  return new RpcClient({ url: `http://${HOST}:${node.rpcPort}/`, credentials: { user: state.rpcUser, password: state.rpcPassword }, timeoutMs });
}

export function call<T = unknown>(state: TestnetState, node: TestnetNode, method: string, params: unknown[] = [], timeoutMs?: number): Promise<T> {
  return clientFor(state, node, timeoutMs).call<T>(method, params);
}

/** The last lines of a node's log, for an error message. */
export function logTail(node: TestnetNode, lines = 8): string {
  try {
    const text = readFileSync(node.log, 'utf8').trimEnd().split('\n').slice(-lines);
    return text.map((line) => `    ${line.length > 400 ? `${line.slice(0, 400)}...` : line}`).join('\n');
  } catch {
    return '    (no log)';
  }
}

/** A ban long enough to outlast any demo; `heal` lifts it. */
const CUT_BAN_SECONDS = 86_400;

export class LocalBackend implements TestnetBackend {
  readonly kind = 'local';

  constructor(readonly state: TestnetState) {}

  /** The testnet in `dir`, from its state file. */
  static open(dir: string): LocalBackend {
    return new LocalBackend(readState(dir));
  }

  get where(): string {
    return this.state.dir;
  }

  get network(): string {
    return this.state.network;
  }

  get nodes(): readonly TestnetNode[] {
    return this.state.nodes;
  }

  private own(node: MemberNode): TestnetNode {
    const found = this.state.nodes.find((candidate) => candidate.name === node.name);
    if (!found) throw new TestnetError('unknown-node', `no node '${node.name}' in ${this.state.dir}`);
    return found;
  }

  call<T = unknown>(node: MemberNode, method: string, params: unknown[] = [], timeoutMs?: number): Promise<T> {
    return call<T>(this.state, this.own(node), method, params, timeoutMs);
  }

  callRaw(node: MemberNode, method: string, params: unknown[] = []): Promise<string> {
    return clientFor(this.state, this.own(node)).callRaw(method, params);
  }

  async running(node: MemberNode): Promise<boolean> {
    return isOurDaemon(this.own(node));
  }

  async handle(node: MemberNode): Promise<string | undefined> {
    const pid = this.own(node).pid;
    return pid === undefined ? undefined : String(pid);
  }

  async isolated(node: MemberNode): Promise<boolean> {
    return this.own(node).isolated === true;
  }

  async seedAddress(): Promise<string> {
    const seed = this.state.nodes.find((node) => node.role === 'seed');
    if (!seed?.p2pAddress) throw new TestnetError('not-running', `the seed's p2p address is unknown; is the seed running? (${this.state.dir})`);
    return seed.p2pAddress;
  }

  async cut(node: MemberNode): Promise<void> {
    const own = this.own(node);
    for (const other of this.state.nodes) {
      if (other === own || !other.peerId) continue;
      await this.call(own, 'setban', [other.peerId, 'add', CUT_BAN_SECONDS]);
    }
  }

  async rejoin(node: MemberNode): Promise<void> {
    await this.call(node, 'clearbanned');
  }

  async markIsolated(node: MemberNode, isolated: boolean): Promise<void> {
    this.own(node).isolated = isolated;
    writeState(this.state);
  }

  whereToLook(node: MemberNode): string {
    return this.own(node).log;
  }
}
