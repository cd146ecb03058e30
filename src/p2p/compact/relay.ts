/**
 * Compact block relay over gossip, modelled on BIP152's high-bandwidth mode. A new block goes
 * out on its own topic as header + nonce + 6-byte short ids, with the coinbase and any tx we
 * never saw in our mempool prefilled. A receiver checks the header (proof of work first, then
 * against its parent) and lets gossipsub forward the message at once, as Core relays a compact
 * block before validating it; then it rebuilds the block from its mempool and recent txs, asks
 * the sender for the txs it lacks (blocktxn/1), and falls back to the whole block (blocks/1)
 * when the short ids collide, the sender cannot help, or the rebuilt block does not match its
 * header. Only the chain decides whether the block is valid.
 */
import type { GossipSub, Message, TopicValidatorResult } from '@libp2p/gossipsub';
import type { PeerId } from '@libp2p/interface';
import { isRuleError } from '../../consensus/errors.js';
import { checkBlockHeader, checkHeaderContext } from '../../consensus/header-checks.js';
import type { HeaderView } from '../../consensus/header-view.js';
import type { NetworkParams } from '../../params/types.js';
import type { Block } from '../../primitives/block.js';
import type { Transaction } from '../../primitives/transaction.js';
import type { P2PBlockEntry, P2PChain, P2PMempool, TxAccepted } from '../interfaces.js';
import type { Logger } from '../../util/logger.js';
import { requestBlocks } from '../protocols/blocks.js';
import type { ProtocolContext } from '../protocols/context.js';
import { PeerError } from '../protocols/stream-io.js';
import type { BoundedSet } from '../../util/bounded-set.js';
import { compactMessageId, MAX_BLOCK_BYTES, type Topics } from '../topics.js';
import { oversizedVerdict, PENALTY, settle, verdict, type Verdict } from '../verdict.js';
import { type CompactBlock, decodeCompact, encodeCompact, toCompact } from './codec.js';
import { requestBlockTxn, serveBlockTxn } from './protocol.js';
import { entriesPool, PartialBlock, type RebuildFailure, txPool } from './rebuild.js';
import { RecentTxs } from './recent-txs.js';

export interface CompactRelayOptions {
  /** Publish our new blocks in compact form (false: whole blocks on the block topic). */
  publish: boolean;
}

export interface CompactRelayModules {
  pubsub: GossipSub;
  topics: Topics;
  chain: P2PChain;
  mempool: P2PMempool;
  params: NetworkParams;
  context: ProtocolContext;
  logger: Logger;
  /** Gossip's memory of what came from the network (message ids, and `compactHeardKey`s). */
  heard: BoundedSet<string>;
  judged(peer: PeerId, verdict: Verdict): void;
  /** The verdict on each compact block message gossip brought (not on blocks rebuilt or fetched later), for metrics. */
  gossipJudged?(verdict: Verdict): void;
  sawHeight(peer: PeerId, height: number): void;
}

/** How each compact block we received ended (tests and the bench read these). */
export interface CompactStats {
  received: number;
  /** Rebuilt from our own pools alone. */
  fromPool: number;
  /** Rebuilt after asking the sender for some txs. */
  fetched: number;
  txsFetched: number;
  /** Fetched whole over blocks/1, and why. */
  fullBlocks: number;
  fallbackReasons: Record<string, number>;
}

/** The heard-set key of a block that reached us as a compact block (never re-published as ours). */
export function compactHeardKey(hash: string): string {
  return `cmpct-block:${hash}`;
}

const RECENT_TXS = 5_000;
const SEEN_WTXIDS = 100_000;
/** Blocks kept to answer blocktxn requests without a store read. */
const SERVED_BLOCKS = 8;

export class CompactRelay {
  readonly stats: CompactStats = { received: 0, fromPool: 0, fetched: 0, txsFetched: 0, fullBlocks: 0, fallbackReasons: {} };
  private readonly recent = new RecentTxs(RECENT_TXS, SEEN_WTXIDS);
  /** Rebuilds under way, by block hash: a second compact form of the same block waits for the first. */
  private readonly inflight = new Map<string, Promise<Block | undefined>>();
  private readonly served = new Map<string, Block>();
  private readonly onTx = ({ entry }: TxAccepted): void => this.recent.add(entry.wtxid, entry.tx);
  private running = false;

  constructor(
    readonly options: CompactRelayOptions,
    private readonly modules: CompactRelayModules,
  ) {}

  /** Registers blocktxn/1 (before the stack starts, as the other protocols). */
  async serve(): Promise<void> {
    await serveBlockTxn(this.modules.context, (hash) => this.blockFor(hash));
  }

  start(): void {
    const { pubsub, topics, mempool } = this.modules;
    this.running = true;
    pubsub.topicValidators.set(topics.compact, (peer, message) => this.validate(peer, message));
    pubsub.subscribe(topics.compact);
    mempool.on('txAccepted', this.onTx);
  }

  stop(): void {
    const { pubsub, topics, mempool } = this.modules;
    this.running = false;
    mempool.off('txAccepted', this.onTx);
    pubsub.topicValidators.delete(topics.compact);
    if (pubsub.getTopics().includes(topics.compact)) pubsub.unsubscribe(topics.compact);
  }

  /** Whether this block reached us as a compact block. */
  heardBlock(hash: string): boolean {
    return this.modules.heard.has(compactHeardKey(hash));
  }

  /** Publishes a block of ours (mined, submitted) in compact form. */
  async publish(block: Block): Promise<void> {
    const hash = block.hash();
    this.remember(hash, block);
    const compact = toCompact(block, (tx) => !this.recent.has(tx.wtxid()));
    const data = encodeCompact(compact);
    this.modules.heard.add(compactMessageId(data));
    this.modules.heard.add(compactHeardKey(hash));
    try {
      const { recipients } = await this.modules.pubsub.publish(this.modules.topics.compact, data);
      this.modules.logger.debug({ hash, bytes: data.length, prefilled: compact.prefilled.length, recipients: recipients.length }, 'published compact block');
    } catch (err) {
      this.modules.logger.warn({ hash, err: String(err) }, 'compact block publish failed');
    }
  }

  /**
   * The gossip validator: only cheap checks before the verdict (size, decode, proof of work,
   * the header against its parent), so the block spreads at the speed of the network; the
   * rebuild and the chain's validation follow, off the validator.
   */
  private async validate(peer: PeerId, message: Message): Promise<TopicValidatorResult> {
    const { chain } = this.modules;
    const data = message.data;
    if (data.length > MAX_BLOCK_BYTES) return this.judge(peer, oversizedVerdict(data.length, MAX_BLOCK_BYTES));
    let compact: CompactBlock;
    try {
      compact = decodeCompact(data);
    } catch (err) {
      return this.judge(peer, { action: 'reject', penalty: PENALTY.malformed, reason: `compact block: ${String(err)}` });
    }
    const { header } = compact;
    const hash = header.hash();
    if (chain.getEntry(hash)?.haveData) return this.judge(peer, { action: 'ignore', penalty: 0, reason: 'duplicate' });
    const parent = chain.getEntry(header.prevHashHex());
    const headerVerdict = this.checkHeader(compact, parent);
    if (headerVerdict) return this.judge(peer, headerVerdict);
    this.stats.received++;
    this.modules.sawHeight(peer, parent!.height + 1);
    // On the next turn of the event loop: gossipsub forwards the message as soon as this
    // verdict resolves, and the rebuild would otherwise run first, delaying every hop by it.
    // `running` is read again then: a node stopping meanwhile starts no rebuild.
    setImmediate(() => {
      if (this.running) void this.rebuildAfter(peer, hash, compact);
    });
    return this.judge(peer, { action: 'accept', penalty: 0, reason: 'compact block header valid' });
  }

  /** Proof of work before any lookup; then the parent's rules. Undefined: the header is good. */
  private checkHeader({ header }: CompactBlock, parent: P2PBlockEntry | undefined): Verdict | undefined {
    const { chain, params } = this.modules;
    try {
      checkBlockHeader(header, params);
      if (!parent) return { action: 'ignore', penalty: 0, reason: 'orphan', missing: header.prevHashHex() };
      checkHeaderContext(header, headerView(parent), params, chain.time());
      return undefined;
    } catch (err) {
      if (!isRuleError(err)) return { action: 'ignore', penalty: 0, reason: 'internal-error', bug: err };
      if (err.action === 'ignore') return { action: 'ignore', penalty: 0, reason: err.code };
      return { action: 'reject', penalty: PENALTY.invalidHeaders, reason: err.code };
    }
  }

  private judge(peer: PeerId, result: Verdict): TopicValidatorResult {
    this.modules.gossipJudged?.(result);
    this.modules.judged(peer, result);
    return result.action as TopicValidatorResult;
  }

  /** One rebuild per block at a time: another compact form of it (a forgery, say) waits its turn. */
  private async rebuildAfter(peer: PeerId, hash: string, compact: CompactBlock): Promise<void> {
    const before = this.inflight.get(hash);
    const mine = (async () => {
      if (before && (await before)) return this.served.get(hash);
      if (this.modules.chain.getEntry(hash)?.haveData) return undefined;
      return this.rebuild(peer, hash, compact);
    })();
    this.inflight.set(hash, mine);
    try {
      await mine;
    } catch (err) {
      this.modules.logger.warn({ hash, peer: peer.toString(), err: String(err) }, 'compact block rebuild failed');
    } finally {
      if (this.inflight.get(hash) === mine) this.inflight.delete(hash);
    }
  }

  /** Rebuilds, fetching what is missing, and hands the block to the chain; resolves to it when it was accepted. */
  private async rebuild(peer: PeerId, hash: string, compact: CompactBlock): Promise<Block | undefined> {
    const partial = PartialBlock.init(compact, [entriesPool(this.modules.mempool), txPool(this.recent.values())]);
    if (typeof partial === 'string') return this.fullBlock(peer, hash, partial);
    const missing = partial.missing();
    let fetched: Transaction[] = [];
    if (missing.length > 0) {
      const txs = await this.askTxs(peer, hash, missing);
      if (!txs) return this.fullBlock(peer, hash, 'sender-lacks-txs');
      fetched = txs;
    }
    const block = partial.fill(fetched);
    if (typeof block === 'string') return this.fullBlock(peer, hash, block);
    this.remember(hash, block);
    const result = await this.process(peer, block, false);
    // A chain verdict of "possibly mutated" (a witness mismatch the merkle check cannot see): the whole block, then.
    if (result.mutated) return this.fullBlock(peer, hash, 'mutated');
    if (result.action !== 'accept') return undefined;
    if (missing.length > 0) {
      this.stats.fetched++;
      this.stats.txsFetched += missing.length;
    } else this.stats.fromPool++;
    return block;
  }

  private async askTxs(peer: PeerId, hash: string, missing: number[]): Promise<Transaction[] | undefined> {
    try {
      return await requestBlockTxn(this.modules.context, peer, hash, missing);
    } catch (err) {
      this.blame(peer, err, 'blocktxn');
      return undefined;
    }
  }

  /** The fallback: the whole block by hash from the peer that relayed its compact form. */
  private async fullBlock(peer: PeerId, hash: string, reason: RebuildFailure | 'sender-lacks-txs' | 'mutated'): Promise<Block | undefined> {
    this.stats.fullBlocks++;
    this.stats.fallbackReasons[reason] = (this.stats.fallbackReasons[reason] ?? 0) + 1;
    this.modules.logger.info({ hash, peer: peer.toString(), reason }, 'compact block not rebuilt; fetching the whole block');
    let block: Block | undefined;
    try {
      [block] = await requestBlocks(this.modules.context, peer, [hash]);
    } catch (err) {
      this.blame(peer, err, 'blocks');
    }
    if (!block) return undefined;
    const result = await this.process(peer, block, true);
    if (result.action !== 'accept') return undefined;
    this.remember(hash, block);
    return block;
  }

  /**
   * Hands a block to the chain. A rebuilt block's failure is not held against the sender, as
   * Core does not punish compact blocks relayed before validation; a whole block it served is.
   */
  private async process(peer: PeerId, block: Block, served: boolean): Promise<Verdict> {
    // Marked only now, with a body that matches the header: a forged compact message under the
    // real header must not stop us publishing the real block if we then mine or receive it.
    this.modules.heard.add(compactHeardKey(block.hash()));
    const result = verdict('block', await settle(() => this.modules.chain.processBlock(block)));
    if (served || result.action === 'accept' || result.bug !== undefined) this.modules.judged(peer, result);
    else this.modules.logger.info({ hash: block.hash(), peer: peer.toString(), reason: result.reason }, 'rebuilt compact block refused');
    return result;
  }

  private blame(peer: PeerId, err: unknown, what: string): void {
    if (err instanceof PeerError && (err.kind === 'malformed' || err.kind === 'protocol')) {
      this.modules.context.penalise(peer, err.kind, `${what}: ${err.message}`);
    } else if ((err as Error)?.name === 'DecodeError') {
      this.modules.context.penalise(peer, 'malformed', `${what}: ${(err as Error).message}`);
    } else {
      this.modules.logger.info({ peer: peer.toString(), err: String(err) }, `${what} request failed`);
    }
  }

  private remember(hash: string, block: Block): void {
    this.served.delete(hash);
    this.served.set(hash, block);
    if (this.served.size > SERVED_BLOCKS) this.served.delete(this.served.keys().next().value as string);
  }

  /** For blocktxn/1: a block we hold, or are rebuilding now (our own answer may be on its way). */
  private async blockFor(hash: string): Promise<Block | undefined> {
    const known = this.served.get(hash);
    if (known) return known;
    const pending = this.inflight.get(hash);
    if (pending) {
      const block = await pending.catch(() => undefined);
      if (block) return block;
    }
    return this.served.get(hash) ?? this.modules.chain.getBlock(hash);
  }
}

/** The chain's index entry as the header rules read it. */
function headerView(entry: P2PBlockEntry): HeaderView {
  return {
    height: entry.height,
    time: entry.header.time,
    bits: entry.header.bits,
    ancestor(height: number) {
      const ancestor = entry.ancestorEntry(height);
      if (!ancestor) throw new RangeError(`no ancestor at height ${height}`);
      return { time: ancestor.header.time, bits: ancestor.header.bits };
    },
  };
}
