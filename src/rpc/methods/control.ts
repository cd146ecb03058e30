/** Control methods: help, stop, uptime, logging. `help` reads the table it is part of. */
import { RpcCode, RpcError } from '../errors.js';
import type { RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { helpFor } from '../help/index.js';
import { type MethodGroup, type RpcMethod, optional, required, usage } from './types.js';

/** Core's bound: the largest second count its nanosecond clock holds. */
const MAX_MOCK_TIME = 9_223_372_036;

const GROUP_TITLES: Record<MethodGroup, string> = {
  blockchain: 'Blockchain',
  control: 'Control',
  generating: 'Generating',
  mining: 'Mining',
  network: 'Network',
  rawtransactions: 'Rawtransactions',
  util: 'Util',
  wallet: 'Wallet',
};

/** Core's `help`: every usage line by group, or one method's usage and summary. */
export function helpText(methods: ReadonlyMap<string, RpcMethod>, command?: string): string {
  if (command !== undefined) {
    const method = methods.get(command);
    return method ? helpFor(method) : `help: unknown command: ${command}`;
  }
  const sections: string[] = [];
  for (const group of Object.keys(GROUP_TITLES) as MethodGroup[]) {
    const lines = [...methods.values()].filter((m) => m.group === group).map(usage).sort();
    if (lines.length > 0) sections.push(`== ${GROUP_TITLES[group]} ==\n${lines.join('\n')}`);
  }
  return sections.join('\n\n');
}

function stringList(p: Params, index: number): string[] {
  return p.array(index, []).map((item) => {
    if (typeof item !== 'string') throw new RpcError(RpcCode.TYPE_ERROR, 'JSON value is not a string as expected');
    return item;
  });
}

export function controlMethods(methods: () => ReadonlyMap<string, RpcMethod>): RpcMethod[] {
  return [
    { name: 'help', group: 'control', args: [optional('command')], summary: 'Lists the methods, or explains one.', duringWarmup: true, run: (p) => helpText(methods(), p.string(0)) },
    {
      name: 'stop',
      group: 'control',
      args: [],
      summary: 'Stops the node cleanly.',
      duringWarmup: true,
      run: (_p, ctx: RpcContext) => {
        // After the answer is written: the caller hears "stopping" before the server closes.
        setImmediate(() => ctx.control.stop());
        return 'powcoin stopping';
      },
    },
    { name: 'uptime', group: 'control', args: [], summary: 'Seconds since the node started.', duringWarmup: true, run: (_p, ctx) => Math.floor(ctx.now() - ctx.control.startedAt) },
    { name: 'setmocktime', group: 'control', args: [required('timestamp')], summary: 'Sets the node\'s clock (regtest only); 0 goes back to the system clock.', run: setMockTime },
    { name: 'logging', group: 'control', args: [optional('include'), optional('exclude')], summary: 'Turns debug logs on (include) or off (exclude) per component; answers the state.', run: (p, ctx) => ctx.control.logging(stringList(p, 0), stringList(p, 1)) },
  ];
}

/** Core's setmocktime: regtest only (a misc error elsewhere, as Core's runtime_error), then the range check. */
function setMockTime(p: Params, ctx: RpcContext): null {
  if (ctx.params.name !== 'regtest') throw new RpcError(RpcCode.MISC_ERROR, 'setmocktime is for regression testing (-regtest mode) only');
  const seconds = p.int(0);
  if (seconds < 0 || seconds > MAX_MOCK_TIME) throw new RpcError(RpcCode.INVALID_PARAMETER, `Mocktime must be in the range [0, ${MAX_MOCK_TIME}], not ${seconds}.`);
  ctx.control.setMockTime(seconds);
  return null;
}
