/**
 * `powcoin mine` against a node: getblocktemplate → build the block → NoncePool search →
 * submitblock, again and again. A long-poll request runs beside the search; when it answers (new
 * tip or new transactions) the search is cancelled and restarted on the fresh template.
 */
import { randomBytes } from 'node:crypto';
import { unixNow } from '../consensus/header-checks.js';
import type { NoncePool } from '../miner/nonce-pool.js';
import { Block } from '../primitives/block.js';
import { toHex } from '../primitives/bytes.js';
import type { RpcClient } from '../rpc/client.js';
import { GbtWork, type TemplateJson } from './gbt-block.js';

export interface RemoteMinerOptions {
  payoutScript: Uint8Array;
  /** Stop after this many accepted blocks (0: never). */
  maxBlocks: number;
  /** Called with each line to print. */
  print: (line: string) => void;
  statusEverySeconds: number;
}

const GBT_REQUEST = { rules: ['segwit'] };

export class RemoteMiner {
  private running = true;
  private accepted = 0;
  private extraNonce = BigInt(randomBytes(4).readUInt32LE()) << 20n;

  constructor(
    private readonly client: RpcClient,
    private readonly pool: NoncePool,
    private readonly options: RemoteMinerOptions,
  ) {}

  stop(): void {
    this.running = false;
    this.pool.cancel();
  }

  /** Mines until stopped or maxBlocks are accepted; returns the number accepted. */
  async run(): Promise<number> {
    const status = setInterval(() => this.options.print(`hashrate ${(this.pool.hashrate().total / 1e6).toFixed(2)} MH/s, ${this.accepted} block(s) accepted`), this.options.statusEverySeconds * 1000);
    try {
      while (this.running && (this.options.maxBlocks === 0 || this.accepted < this.options.maxBlocks)) await this.mineTemplate();
    } finally {
      clearInterval(status);
    }
    return this.accepted;
  }

  private async mineTemplate(): Promise<void> {
    const template = await this.client.call<TemplateJson>('getblocktemplate', [GBT_REQUEST]);
    const work = new GbtWork(template, this.options.payoutScript);
    let stale = false;
    const poll = this.longPoll(template.longpollid).then(() => {
      stale = true;
      this.pool.cancel();
    });
    while (this.running && !stale) {
      const block = work.block(this.extraNonce++, unixNow());
      const result = await this.pool.mine({ header: block.header.encode(), target: work.target });
      if (!('nonce' in result)) continue; // exhausted: next extranonce; cancelled: loop condition decides
      const solved = new Block(block.header.with({ nonce: result.nonce }), block.txs);
      const verdict = await this.client.call<string | null>('submitblock', [toHex(solved.encode())]);
      if (verdict === null) this.accepted++;
      this.options.print(`block ${template.height} ${solved.hash()} ${verdict === null ? 'accepted' : `rejected: ${verdict}`}`);
      break;
    }
    void poll.catch(() => undefined);
  }

  /** Resolves when the node's long poll answers: the template is out of date. */
  private async longPoll(id: string | undefined): Promise<void> {
    if (!id) return new Promise(() => undefined);
    await this.client.call('getblocktemplate', [{ ...GBT_REQUEST, longpollid: id }]);
  }
}
