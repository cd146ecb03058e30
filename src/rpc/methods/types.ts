import type { RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';

export type MethodGroup = 'blockchain' | 'rawtransactions' | 'mining' | 'generating' | 'network' | 'wallet' | 'control' | 'util';

/** One named argument: `?` in help for optional ones. */
export interface ArgSpec {
  name: string;
  required?: boolean;
}

export interface RpcMethod {
  name: string;
  group: MethodGroup;
  args: readonly ArgSpec[];
  /** One line for `help`; the details are in docs/rpc.md. */
  summary: string;
  /** Answered during warmup (Core's "safe" methods: help, stop, uptime). */
  duringWarmup?: boolean;
  run(params: Params, ctx: RpcContext): unknown;
}

/** "getblock "blockhash" ( verbosity )": Core's usage line. */
export function usage(method: RpcMethod): string {
  const args = method.args.map((arg) => (arg.required ? `"${arg.name}"` : `( ${arg.name} )`));
  return [method.name, ...args].join(' ');
}

export const required = (name: string): ArgSpec => ({ name, required: true });
export const optional = (name: string): ArgSpec => ({ name });

/**
 * One method's help, shaped as Core's RPCHelpMan::ToString (usage, description, numbered
 * arguments). `help <method>` answers it, and so does a call with a wrong number of parameters.
 */
export function methodHelp(method: RpcMethod): string {
  const lines = [usage(method), '', method.summary];
  if (method.args.length > 0) {
    lines.push('', 'Arguments:');
    method.args.forEach((arg, i) => lines.push(`${i + 1}. ${arg.name}    (${arg.required ? 'required' : 'optional'})`));
  }
  return lines.join('\n');
}
