// pino-roll ships no types: the subset the node uses (see its README).
declare module 'pino-roll' {
  import type { DestinationStream } from 'pino';
  interface PinoRollOptions {
    file: string;
    size?: number | string;
    frequency?: number | string;
    mkdir?: boolean;
    symlink?: boolean;
    limit?: { count: number };
    extension?: string;
  }
  export default function build(options: PinoRollOptions): Promise<DestinationStream & { end(): void; flushSync(): void; once(event: string, listener: () => void): void }>;
}
