/**
 * Bytes sent and received per connection, counted where they meet the socket: libp2p hands
 * every raw connection to its metrics component (`trackMultiaddrConnection`) before the noise
 * and yamux upgrade, so wrapping that connection's `sendData` and `onData` counts every byte on
 * the wire, handshakes and framing included (Core counts whole messages with headers too).
 * A connection is found again by its `timeline` object, which libp2p's Connection shares with
 * the raw connection it wraps. Other libp2p metrics are accepted and ignored.
 */
import type { Metrics, MultiaddrConnection } from '@libp2p/interface';

export interface ByteCounts {
  sent: number;
  recv: number;
}

type Countable = MultiaddrConnection & {
  sendData?: (data: { byteLength: number }) => unknown;
  onData?: (data: { byteLength: number }) => void;
};

export class ByteMeter {
  private readonly counts = new WeakMap<object, ByteCounts>();
  /** Totals over every connection this process has had (getnettotals). */
  readonly totals: ByteCounts = { sent: 0, recv: 0 };

  /** The bytes of the connection whose timeline this is; zeros for one we never saw. */
  of(timeline: object): ByteCounts {
    return this.counts.get(timeline) ?? { sent: 0, recv: 0 };
  }

  track(connection: MultiaddrConnection): void {
    const conn = connection as Countable;
    const counts: ByteCounts = { sent: 0, recv: 0 };
    this.counts.set(conn.timeline, counts);
    const totals = this.totals;
    const sendData = conn.sendData?.bind(conn);
    if (sendData) {
      conn.sendData = (data) => {
        const result = sendData(data);
        counts.sent += data.byteLength;
        totals.sent += data.byteLength;
        return result;
      };
    }
    const onData = conn.onData?.bind(conn);
    if (onData) {
      conn.onData = (data) => {
        counts.recv += data.byteLength;
        totals.recv += data.byteLength;
        onData(data);
      };
    }
  }

  /** The metrics component for createLibp2p: counts bytes, ignores the rest. */
  metrics(): Metrics {
    // Metrics objects libp2p registers (counters, gauges, histograms) accept any call and do nothing.
    const sink: unknown = new Proxy(() => sink, { get: (_target, prop) => (prop === 'then' ? undefined : sink), apply: () => sink });
    const meter = this;
    return new Proxy({} as Metrics, {
      get(_target, prop) {
        if (prop === 'trackMultiaddrConnection') return (maConn: MultiaddrConnection) => meter.track(maConn);
        // Traced functions must still run: hand them back unchanged.
        if (prop === 'traceFunction') return (_name: string, fn: unknown) => fn;
        if (prop === 'createTrace') return () => undefined;
        if (prop === 'then') return undefined;
        return sink;
      },
    });
  }
}
