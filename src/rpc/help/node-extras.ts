/** help entries: Core's node extras (branch nodeextra): network control, block fetch, mempool priorities, packages, block scans. */
import type { HelpTable } from './types.js';

const HASH = '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206';

export const nodeExtrasHelp: HelpTable = {
  setnetworkactive: {
    description: 'Disable/enable all p2p network activity. false hangs up every peer, refuses inbound connections and dials nobody; true lets the node connect again (manual peers at once).',
    args: { state: { type: 'boolean', text: 'true to enable networking, false to disable' } },
    result: 'true|false (boolean) the value that was passed',
    examples: [[false], [true]],
  },
  getblockfrompeer: {
    description:
      'Attempt to fetch a block whose header we have but whose body we lack (a side-chain block, or one not downloaded yet) from the given peer, over blocks/1. Unlike Core the call waits for the peer\'s answer, so the block is stored when it returns; a peer that does not deliver it still gets {} as in Core. -1 "Block header missing", "Block already downloaded", "Peer does not exist".',
    args: { blockhash: { type: 'string', text: 'The block hash to try to fetch' }, peer_id: { type: 'numeric', text: 'The peer to fetch it from (see getpeerinfo for peer ids)' } },
    result: '{} (json object) empty',
    examples: [[HASH, 0]],
  },
};
