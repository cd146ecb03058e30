/**
 * A raw libp2p node the tests control: it speaks just enough powcoin (gossip on our topics, and a
 * status answer so the victim keeps the connection) to publish whatever bytes a test wants.
 */
import '../../src/p2p/polyfill.js';
import { noise } from '@chainsafe/libp2p-noise';
import { gossipsub, type GossipSub } from '@libp2p/gossipsub';
import { identify } from '@libp2p/identify';
import type { Libp2p } from '@libp2p/interface';
import { tcp } from '@libp2p/tcp';
import { yamux } from '@libp2p/yamux';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import { decodeBlocksRequest, decodeHeadersRequest, encodeBlocks, encodeHeaders, encodeStatus, type StatusMessage } from '../../src/p2p/protocols/messages.js';
import type { Block } from '../../src/primitives/block.js';
import type { BlockHeader } from '../../src/primitives/header.js';
import { MAX_HEADERS } from '../../src/p2p/topics.js';
import { readMessage, writeMessage } from '../../src/p2p/protocols/stream-io.js';
import { protocolsFor, topicsFor } from '../../src/p2p/topics.js';
import type { NetworkParams } from '../../src/params/index.js';
import { waitFor } from './helpers.js';

export { mineHeaders } from '../helpers/headers.js';

/** Generous: CPU is shared, and a refused dial waits for the victim's per-host rate limit to reset. */
const DIAL_CEILING_MS = 60_000;

export class EvilPeer {
  private constructor(
    readonly libp2p: Libp2p<{ pubsub: GossipSub; identify: unknown }>,
    readonly topics: ReturnType<typeof topicsFor>,
  ) {}

  /** `claim` is the status it answers with (default: at genesis, no work). */
  static async start(params: NetworkParams, claim: Partial<StatusMessage> = {}, port = 0): Promise<EvilPeer> {
    const topics = topicsFor(params);
    const libp2p = await createLibp2p({
      addresses: { listen: [`/ip4/127.0.0.1/tcp/${port}`] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: {
        identify: identify(),
        pubsub: gossipsub({ globalSignaturePolicy: 'StrictNoSign', allowPublishToZeroTopicPeers: true, maxInboundDataLength: 8_000_000 }),
      },
    });
    await libp2p.handle(protocolsFor(params).status, async (stream) => {
      await readMessage(stream, { maxBytes: 1_000, timeoutMs: 5_000 });
      const status = { genesisHash: params.genesisHash, tipHash: params.genesisHash, height: 0, chainwork: 0n, ...claim };
      await writeMessage(stream, encodeStatus(status), 5_000);
    });
    libp2p.services.pubsub.subscribe(topics.block);
    libp2p.services.pubsub.subscribe(topics.tx);
    return new EvilPeer(libp2p, topics);
  }

  /** The TCP port it listens on. */
  get port(): number {
    return Number(this.libp2p.getMultiaddrs()[0].getComponents()[1].value);
  }

  get id(): string {
    return this.libp2p.peerId.toString();
  }

  /** Dials without waiting for anything else; a refused dial may still "succeed" until the far side aborts it. */
  async dial(address: string): Promise<void> {
    await this.libp2p.dial(multiaddr(address)).catch(() => undefined);
  }

  /**
   * Connects to the victim and waits until it has heard our subscriptions. Every test peer dials
   * from 127.0.0.1, and libp2p refuses a host's sixth inbound connection within a second
   * (inboundConnectionThreshold, 5 a second) by resetting it: a refused dial is tried again.
   */
  async attack(address: string, victimId: string): Promise<void> {
    const deadline = Date.now() + DIAL_CEILING_MS;
    for (;;) {
      try {
        await this.libp2p.dial(multiaddr(address));
        break;
      } catch (err) {
        if ((err as { code?: string }).code !== 'ECONNRESET' || Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    await waitFor(() => this.libp2p.services.pubsub.getSubscribers(this.topics.block).some((peer) => peer.toString() === victimId), 10_000, 'victim subscribed');
  }

  /** Answers every request on `protocol` with `reply`, whatever was asked. */
  async answer(protocol: string, reply: Uint8Array): Promise<void> {
    await this.libp2p.handle(protocol, async (stream) => {
      await readMessage(stream, { maxBytes: 100_000, timeoutMs: 5_000 });
      await writeMessage(stream, reply, 5_000);
    });
  }

  /** Blocks asked of us on blocks/1 (counted whether or not we answer). */
  blocksAsked = 0;
  private readonly held: unknown[] = [];

  /**
   * Serves `chain` (headers from genesis's child on, in order) on headers/1 as an honest node
   * would (after the newest locator hash it has), and on blocks/1 reads each request, counts it
   * and never answers: the stream stays open until the victim gives up.
   */
  async serveHeadersOnly(params: NetworkParams, chain: readonly BlockHeader[]): Promise<void> {
    const protocols = protocolsFor(params);
    await this.serveHeaders(params, chain);
    await this.libp2p.handle(
      protocols.blocks,
      async (stream) => {
        this.blocksAsked += decodeBlocksRequest(await readMessage(stream, { maxBytes: 100_000, timeoutMs: 5_000 })).length;
        this.held.push(stream);
      },
      { maxInboundStreams: 1_000 },
    );
  }

  /** Hashes asked of us on blocks/1 by serveChain, in the order asked. */
  readonly blocksRequested: string[] = [];

  /**
   * Serves `blocks` (from genesis's child on, in order) as an honest node would: headers after
   * the newest locator hash it has, and on blocks/1 each block asked, in order, up to the first
   * it lacks; except that a block whose hash is in `swap` is answered with those bytes instead
   * (a forged copy). Block replies wait for `gate` to resolve.
   */
  async serveChain(params: NetworkParams, blocks: readonly Block[], options: { swap?: ReadonlyMap<string, Uint8Array>; gate?: Promise<void> } = {}): Promise<void> {
    await this.serveHeaders(params, blocks.map((block) => block.header));
    const bodies = new Map(blocks.map((block) => [block.hash(), block]));
    await this.libp2p.handle(
      protocolsFor(params).blocks,
      async (stream) => {
        const hashes = decodeBlocksRequest(await readMessage(stream, { maxBytes: 100_000, timeoutMs: 5_000 }));
        this.blocksRequested.push(...hashes);
        await options.gate;
        const reply: Uint8Array[] = [];
        for (const hash of hashes) {
          const raw = options.swap?.get(hash) ?? bodies.get(hash)?.encode();
          if (!raw) break;
          reply.push(raw);
        }
        await writeMessage(stream, encodeBlocks(reply), 5_000);
      },
      { maxInboundStreams: 1_000 },
    );
  }

  /** Answers headers/1 from `chain` (headers from genesis's child on) after the newest locator hash it has. */
  private async serveHeaders(params: NetworkParams, chain: readonly BlockHeader[]): Promise<void> {
    const heightOf = new Map<string, number>([[params.genesisHash, 0]]);
    chain.forEach((header, i) => heightOf.set(header.hash(), i + 1));
    await this.libp2p.handle(protocolsFor(params).headers, async (stream) => {
      const request = decodeHeadersRequest(await readMessage(stream, { maxBytes: 100_000, timeoutMs: 5_000 }));
      const from = request.locator.map((hash) => heightOf.get(hash)).find((height) => height !== undefined) ?? 0;
      await writeMessage(stream, encodeHeaders(chain.slice(from, from + MAX_HEADERS)), 5_000);
    });
  }

  /** Opens `protocol` on the victim and sends `request` as one length-prefixed message. */
  async ask(peerId: string, protocol: string, request: Uint8Array): Promise<void> {
    const stream = await this.libp2p.dialProtocol(peerIdFromString(peerId), protocol);
    await writeMessage(stream, request, 5_000).catch(() => undefined);
  }

  /**
   * Sends `count` copies of `request` on `protocol`, one stream after another without waiting for
   * replies; stops early once the victim hangs up. Returns how many were sent.
   */
  async flood(peerId: string, protocol: string, request: Uint8Array, count: number): Promise<number> {
    let sent = 0;
    for (; sent < count && this.connectedTo(peerId); sent++) {
      try {
        await this.ask(peerId, protocol, request);
      } catch {
        break;
      }
    }
    return sent;
  }

  async publish(topic: 'block' | 'tx', data: Uint8Array): Promise<void> {
    await this.libp2p.services.pubsub.publish(this.topics[topic], data);
  }

  connectedTo(peerId: string): boolean {
    return this.libp2p.getConnections().some((connection) => connection.remotePeer.toString() === peerId);
  }

  async stop(): Promise<void> {
    await this.libp2p.stop();
  }
}
