/**
 * Block and tx gossip: topic validators that feed what peers publish to the chain and mempool
 * (the verdict decides accept, ignore or reject, and the sender's penalty), and publishing of
 * blocks and txs that reached us some other way (our miner, RPC), so the network hears of them.
 * Txs a reorg returned to the mempool are handed to every peer over txs/1 instead (see
 * protocols/txs.ts for why gossip cannot carry them), and txs pushed to us that way are gossiped.
 */
import type { GossipSub, Message, TopicValidatorResult } from '@libp2p/gossipsub';
import type { PeerId } from '@libp2p/interface';
import { decodeFailure } from '../consensus/errors.js';
import { Block } from '../primitives/block.js';
import { Transaction } from '../primitives/transaction.js';
import type { BlockConnected, BlockDisconnected, P2PChain, P2PLogger, P2PMempool, TipChange, TxAccepted } from './interfaces.js';
import type { CompactRelay } from './compact/relay.js';
import { RecentSet } from './recent.js';
import { blockMessageId, MAX_BLOCK_BYTES, MAX_TX_BYTES, type Topics } from './topics.js';
import { oversizedVerdict, settle, verdict, type Verdict } from './verdict.js';

export interface GossipModules {
  pubsub: GossipSub;
  topics: Topics;
  chain: P2PChain;
  mempool: P2PMempool;
  logger: P2PLogger;
  /** Message ids (topics.ts) of blocks and txs that arrived from the network: never re-published as our own. */
  heard: RecentSet;
  /** Applies a verdict's penalty to the peer that relayed the message. */
  judged(peer: PeerId, what: 'block' | 'tx', verdict: Verdict): void;
  /** A peer relayed a valid block at this height, so its tip is at least that high. */
  sawHeight(peer: PeerId, height: number): void;
  /** Hands raw txs to every connected peer (txs/1). */
  pushToPeers(txs: Uint8Array[]): Promise<void>;
  /** Compact block relay (compact/relay.ts): its own topic, started and stopped with ours. */
  compact?: CompactRelay;
}

/** Txs returned by a reorg are collected this long, then pushed together. */
const RETURNED_BATCH_MS = 50;
/** Wtxids of disconnected blocks' txs remembered, waiting for the mempool to take them back. */
const RETURNED_CAPACITY = 50_000;

export class Gossip {
  // Event listeners cannot wait; a failure (say, the store closing under us at shutdown) is logged.
  private readonly onTip = (event: TipChange): void => void this.publishTip(event).catch((err) => this.publishFailed(err));
  private readonly onTx = (event: TxAccepted): void => void this.publishTx(event).catch((err) => this.publishFailed(err));
  private readonly onDisconnected = (event: BlockDisconnected): void => this.blockDisconnected(event);
  private readonly onConnected = ({ entry, block }: BlockConnected): void => {
    this.lastConnected = { hash: entry.hash, block };
  };
  /** The newest block connected: the new tip's body, without reading it back from the store. */
  private lastConnected: { hash: string; block: Block } | undefined;
  /** Txs of blocks a reorg disconnected: when the mempool takes one back, peers must hear of it again. */
  private readonly returned = new RecentSet(RETURNED_CAPACITY);
  private returnedBatch: Uint8Array[] = [];
  private returnedTimer: NodeJS.Timeout | undefined;

  constructor(private readonly modules: GossipModules) {}

  start(): void {
    const { pubsub, topics, chain, mempool } = this.modules;
    pubsub.topicValidators.set(topics.block, (peer, message) => this.validateBlock(peer, message));
    pubsub.topicValidators.set(topics.tx, (peer, message) => this.validateTx(peer, message));
    pubsub.subscribe(topics.block);
    pubsub.subscribe(topics.tx);
    chain.on('tipChanged', this.onTip);
    chain.on('blockDisconnected', this.onDisconnected);
    chain.on('blockConnected', this.onConnected);
    mempool.on('txAccepted', this.onTx);
    this.modules.compact?.start();
  }

  stop(): void {
    const { pubsub, topics, chain, mempool } = this.modules;
    chain.off('tipChanged', this.onTip);
    chain.off('blockDisconnected', this.onDisconnected);
    chain.off('blockConnected', this.onConnected);
    this.lastConnected = undefined;
    mempool.off('txAccepted', this.onTx);
    this.modules.compact?.stop();
    clearTimeout(this.returnedTimer);
    this.returnedTimer = undefined;
    this.returnedBatch = [];
    for (const topic of [topics.block, topics.tx]) {
      pubsub.topicValidators.delete(topic);
      if (pubsub.getTopics().includes(topic)) pubsub.unsubscribe(topic);
    }
  }

  private async validateBlock(peer: PeerId, message: Message): Promise<TopicValidatorResult> {
    const data = message.data;
    if (data.length > MAX_BLOCK_BYTES) return this.judge(peer, 'block', oversizedVerdict(data.length, MAX_BLOCK_BYTES));
    let hash: string | undefined;
    // Before processing: the tipChanged it may cause must not publish it again. Keyed by the
    // message id, not the block hash: a forged body under the real header is another message.
    this.modules.heard.add(blockMessageId(data));
    const outcome = await settle(() => {
      const block = decodeOrThrow(() => Block.decode(data), 'block');
      hash = block.hash();
      return this.modules.chain.processBlock(block);
    });
    const result = verdict('block', outcome);
    const height = result.action === 'accept' && hash ? this.modules.chain.getEntry(hash)?.height : undefined;
    if (height !== undefined) this.modules.sawHeight(peer, height);
    return this.judge(peer, 'block', result);
  }

  private async validateTx(peer: PeerId, message: Message): Promise<TopicValidatorResult> {
    const data = message.data;
    if (data.length > MAX_TX_BYTES) return this.judge(peer, 'tx', oversizedVerdict(data.length, MAX_TX_BYTES));
    const outcome = await settle(async () => {
      const tx = decodeOrThrow(() => Transaction.decode(data), 'tx');
      this.modules.heard.add(tx.wtxid());
      // The orphan's missing parents are txids, not blocks: nothing to sync, so drop them here.
      return { status: (await this.modules.mempool.acceptTransaction(tx)).status };
    });
    return this.judge(peer, 'tx', verdict('tx', outcome));
  }

  private judge(peer: PeerId, what: 'block' | 'tx', result: Verdict): TopicValidatorResult {
    this.modules.judged(peer, what, result);
    return result.action as TopicValidatorResult;
  }

  /** Publishes our tip block even if we heard it from the network (after a sync; see Syncer). */
  async announceTip(): Promise<void> {
    const tip = this.modules.chain.tip;
    const block = await this.modules.chain.getBlock(tip.hash);
    if (block) await this.publish(this.modules.topics.block, block.encode(), tip.hash);
  }

  /** A new tip we did not hear from a peer (mined here, submitted over RPC): tell everyone. */
  private async publishTip({ tip }: TipChange): Promise<void> {
    const block = this.lastConnected?.hash === tip.hash ? this.lastConnected.block : await this.modules.chain.getBlock(tip.hash);
    if (!block) return;
    const { compact } = this.modules;
    // Heard as a compact block: gossipsub forwards that message; nothing of ours to publish.
    if (compact?.heardBlock(tip.hash)) return;
    const data = block.encode();
    const id = blockMessageId(data);
    if (this.modules.heard.has(id)) return;
    this.modules.heard.add(id);
    if (compact?.options.publish) return compact.publish(block);
    await this.publish(this.modules.topics.block, data, tip.hash);
  }

  /**
   * Txs pushed to us over txs/1, judged as gossiped ones are. They are not marked as heard: if
   * the mempool takes one, we gossip it, since the pusher could not. Stops at the first invalid
   * one. Resolves to how many the mempool accepted.
   */
  async acceptPushed(peer: PeerId, txs: readonly Uint8Array[]): Promise<number> {
    let accepted = 0;
    for (const data of txs) {
      if (data.length > MAX_TX_BYTES) {
        this.modules.judged(peer, 'tx', oversizedVerdict(data.length, MAX_TX_BYTES));
        break;
      }
      const outcome = await settle(async () => ({ status: (await this.modules.mempool.acceptTransaction(decodeOrThrow(() => Transaction.decode(data), 'tx'))).status }));
      const result = verdict('tx', outcome);
      this.modules.judged(peer, 'tx', result);
      if (result.action === 'reject') break;
      if (result.action === 'accept') accepted++;
    }
    return accepted;
  }

  private blockDisconnected({ block }: BlockDisconnected): void {
    for (const tx of block.txs.slice(1)) this.returned.add(tx.wtxid());
  }

  /** A tx back from a disconnected block: gossip would drop it as seen, so push it to every peer. */
  private queueReturned(tx: Uint8Array): void {
    this.returnedBatch.push(tx);
    this.returnedTimer ??= setTimeout(() => {
      const batch = this.returnedBatch;
      this.returnedBatch = [];
      this.returnedTimer = undefined;
      this.modules.logger.info({ txs: batch.length }, 'pushing txs a reorg returned to the mempool');
      this.modules.pushToPeers(batch).catch((err) => this.publishFailed(err));
    }, RETURNED_BATCH_MS);
  }

  private async publishTx({ entry }: TxAccepted): Promise<void> {
    if (this.returned.delete(entry.wtxid)) return this.queueReturned(entry.tx.encode());
    if (this.modules.heard.has(entry.wtxid)) return;
    this.modules.heard.add(entry.wtxid);
    await this.publish(this.modules.topics.tx, entry.tx.encode(), entry.wtxid);
  }

  private publishFailed(err: unknown): void {
    this.modules.logger.warn({ err: String(err) }, 'could not publish');
  }

  private async publish(topic: string, data: Uint8Array, id: string): Promise<void> {
    try {
      const { recipients } = await this.modules.pubsub.publish(topic, data);
      this.modules.logger.debug({ topic, id, recipients: recipients.length }, 'published');
    } catch (err) {
      this.modules.logger.warn({ topic, id, err: String(err) }, 'publish failed');
    }
  }
}

function decodeOrThrow<T>(decode: () => T, what: 'block' | 'tx'): T {
  try {
    return decode();
  } catch (err) {
    throw decodeFailure(err, what);
  }
}
