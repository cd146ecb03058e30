/**
 * What a testnet back end does: start, stop, cut off and reach its nodes. Everything a testnet
 * is used for (status, pay, partition, heal) is the same RPC calls whichever back end runs the
 * nodes, so it lives once in actions.ts and status.ts and works through this interface.
 *
 * Two back ends: local processes on 127.0.0.1 (local-backend.ts, `powcoin testnet ...`) and
 * containers of docker/docker-compose.yml (docker-backend.ts, `powcoin testnet --docker ...`).
 */

/** seed: does not mine, every other node starts from it; miner: mines; wallet: pays and gets paid. */
export type NodeRole = 'seed' | 'miner' | 'wallet';

/** One node of a testnet, as every back end names it. */
export interface MemberNode {
  /** `node2` (local), `miner2` (docker). */
  readonly name: string;
  readonly index: number;
  readonly role: NodeRole;
}

export interface TestnetBackend {
  readonly kind: 'local' | 'docker';
  /** Where the testnet lives, for messages: its directory, or its compose project. */
  readonly where: string;
  /** The network's name (e.g. `demo`). */
  readonly network: string;
  readonly nodes: readonly MemberNode[];
  /** A JSON-RPC call to one node, however its RPC is reached. */
  call<T = unknown>(node: MemberNode, method: string, params?: unknown[], timeoutMs?: number): Promise<T>;
  /** One call's JSON-RPC reply as the node wrote it (amounts keep their 8 decimals), for `testnet rpc`. */
  callRaw(node: MemberNode, method: string, params?: unknown[]): Promise<string>;
  /** Whether the node's process (or container) is running. */
  running(node: MemberNode): Promise<boolean>;
  /** A pid or container id for the status view, when running. */
  handle(node: MemberNode): Promise<string | undefined>;
  /** Whether the node is cut off (by `partition`) and not healed yet. */
  isolated(node: MemberNode): Promise<boolean>;
  /** The p2p address at which the other nodes dial the seed. */
  seedAddress(): Promise<string>;
  /** Cuts the node off the others in the back end's own way; `partition` then waits for it to have no peer. */
  cut(node: MemberNode): Promise<void>;
  /** Undoes `cut`; `heal` then has the node dial the seed (or every node dial the seed, for the seed). */
  rejoin(node: MemberNode): Promise<void>;
  /** Records the node as cut off or joined again, where the back end does not see it by itself. */
  markIsolated(node: MemberNode, isolated: boolean): Promise<void>;
  /** Where to look when the node misbehaves: its log file, or `docker logs ...`. */
  whereToLook(node: MemberNode): string;
}
