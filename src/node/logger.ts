/**
 * pino: JSON lines when stdout is not a terminal (for log collectors), one readable line per
 * event when it is. One child logger per component, each with its own level, so `logging`
 * (RPC) can turn one component's debug output on without drowning the rest. --log-file adds
 * JSON lines in a file rotated by size (pino-roll).
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import type Pretty from 'pino-pretty';
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

export interface LoggingOptions {
  pretty?: boolean;
  destination?: NodeJS.WritableStream;
  /** More destinations (a log file), each receiving every line the levels let through. */
  extra?: readonly DestinationStream[];
}

/** Figures print rounded: 1427.0155286238064 H/s is 1427.02; 0.000123456 is 0.000123. */
export function roundFigure(value: number): number {
  if (Number.isInteger(value) || !Number.isFinite(value)) return value;
  return Math.abs(value) >= 1 ? Math.round(value * 100) / 100 : Number(value.toPrecision(3));
}

function roundFields(fields: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(fields)) if (typeof value === 'number') fields[key] = roundFigure(value);
  return fields;
}

export function createLogging(level: LogLevel, options: LoggingOptions = {}): NodeLogging {
  const usePretty = options.pretty ?? process.stdout.isTTY === true;
  // Required only for a terminal: a daemon logging JSON (a service, a test) skips its ~50 ms of loading.
  const main = usePretty
    ? (createRequire(import.meta.url)('pino-pretty') as typeof Pretty)({ colorize: options.destination === undefined, destination: options.destination, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,component', messageFormat: '{component}: {msg}', singleLine: true, sync: true })
    : (options.destination ?? pino.destination({ sync: true }));
  const stream = options.extra?.length ? pino.multistream([{ stream: main, level: 'trace' }, ...options.extra.map((s) => ({ stream: s, level: 'trace' as const }))]) : main;
  // The root passes everything; each child's own level decides.
  const root = pino({ level: 'trace', base: undefined, formatters: { log: roundFields } }, stream);
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
    flush: () => {
      root.flush();
      for (const s of options.extra ?? []) (s as { flushSync?: () => void }).flushSync?.();
    },
  };
}

/** A log file rotated when it reaches `sizeMb`, keeping `keep` old files (pino-roll names them file.N.log). */
export async function openLogFile(path: string, sizeMb: number, keep: number): Promise<DestinationStream> {
  mkdirSync(dirname(path), { recursive: true });
  // Loaded only when asked for: pino-roll brings date-fns, ~0.1-0.4 s of startup for every node otherwise.
  const { default: roll } = await import('pino-roll');
  return roll({ file: path, size: `${sizeMb}m`, mkdir: true, limit: { count: keep } });
}
