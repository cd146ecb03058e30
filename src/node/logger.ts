/**
 * pino: JSON lines when stdout is not a terminal (for log collectors), pino-pretty's readable
 * lines when it is. One child logger per component, each with its own level, so `logging`
 * (RPC) can turn one component's debug output on without drowning the rest.
 */
import pino, { type Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';
import type { LogLevel } from './option-schema.js';

export const COMPONENTS = ['node', 'chain', 'mempool', 'miner', 'rpc', 'p2p', 'wallet'] as const;
export type Component = (typeof COMPONENTS)[number];

export interface NodeLogging {
  root: PinoLogger;
  child(component: Component): PinoLogger;
  /** Core's `logging` RPC: debug on for `include`, back to the base level for `exclude` ('all' names every one). */
  setDebug(include: readonly string[], exclude: readonly string[]): Record<string, boolean>;
  flush(): void;
}

export function createLogging(level: LogLevel, options: { pretty?: boolean; destination?: NodeJS.WritableStream } = {}): NodeLogging {
  const usePretty = options.pretty ?? process.stdout.isTTY === true;
  const stream = usePretty ? pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true }) : (options.destination ?? pino.destination({ sync: true }));
  // The root passes everything; each child's own level decides.
  const root = pino({ level: 'trace', base: undefined }, stream);
  const children = new Map<Component, PinoLogger>();
  for (const component of COMPONENTS) {
    const child = root.child({ component });
    child.level = level;
    children.set(component, child);
  }
  const expand = (names: readonly string[]) => (names.includes('all') || names.includes('1') ? [...COMPONENTS] : names.filter((n): n is Component => (COMPONENTS as readonly string[]).includes(n)));
  return {
    root,
    child: (component) => children.get(component)!,
    setDebug(include, exclude) {
      for (const name of expand(include)) children.get(name)!.level = 'debug';
      for (const name of expand(exclude)) children.get(name)!.level = level === 'debug' || level === 'trace' ? 'info' : level;
      return Object.fromEntries(COMPONENTS.map((name) => [name, ['debug', 'trace'].includes(children.get(name)!.level)]));
    },
    flush: () => root.flush(),
  };
}
