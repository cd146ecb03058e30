/** Renders one method's help as Core does: usage, description, Arguments, Result, Examples. */
import type { RpcMethod } from '../methods/types.js';
import { usage } from '../methods/types.js';
import type { MethodHelp } from './types.js';

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** An argument as `powcoin rpc` reads it (JSON when it parses, else a string), quoted for a shell. */
export function shellWord(value: unknown): string {
  if (typeof value !== 'string') {
    const json = JSON.stringify(value);
    return /^[\w.-]+$/.test(json) ? json : quote(json);
  }
  let parsesAsJson = true;
  try {
    JSON.parse(value);
  } catch {
    parsesAsJson = false;
  }
  // "1" or "true" as a string must reach the node as a string: send it as JSON text.
  if (parsesAsJson) return quote(JSON.stringify(value));
  return /^[\w.:/@%+=,-]+$/.test(value) ? value : quote(value);
}

function exampleLines(name: string, params: readonly unknown[]): string[] {
  const cli = ['> powcoin rpc', name, ...params.map(shellWord)].join(' ');
  const body = JSON.stringify({ jsonrpc: '1.0', id: 'curltest', method: name, params });
  const curl = `> curl --user myusername --data-binary '${body.replace(/'/g, `'\\''`)}' -H 'content-type: application/json' http://127.0.0.1:8632/`;
  return [cli, curl];
}

export function methodHelpText(method: RpcMethod, entry: MethodHelp | undefined): string {
  const parts = [usage(method), '', entry?.description ?? method.summary];
  if (method.args.length > 0) {
    const width = Math.max(...method.args.map((a) => a.name.length));
    const lines = method.args.map((arg, i) => {
      const doc = entry?.args?.[arg.name];
      const kind = `${doc?.type ?? 'see docs/rpc.md'}, ${arg.required ? 'required' : 'optional'}`;
      return `${i + 1}. ${arg.name.padEnd(width)}    (${kind})${doc ? ` ${doc.text}` : ''}`;
    });
    parts.push('', 'Arguments:', ...lines);
  }
  if (entry?.result) parts.push('', 'Result:', entry.result);
  // Without an entry, the example calls the method with its required arguments named.
  const examples = entry?.examples ?? [method.args.filter((a) => a.required).map((a) => a.name)];
  parts.push('', 'Examples:', ...examples.flatMap((params) => exampleLines(method.name, params)));
  return parts.join('\n');
}
