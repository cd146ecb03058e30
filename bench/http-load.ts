// A keep-alive HTTP load generator in autocannon's model, run as its own process by
// rpc.bench.ts so that the client's cost does not share the server's event loop: N connections
// (raw sockets, the request bytes built once), each sending its next request when the previous
// answer has fully arrived. Prints one JSON line: requests/s and latency percentiles in ms.
// A lean client matters: node:http's client costs more CPU per request than the server does.
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

const [url, concurrencyText, secondsText, authorization, body, serverPid] = process.argv.slice(2);

/**
 * The server's CPU time in ms (user + system, from /proc on Linux; undefined elsewhere): on a
 * shared machine requests/s follow the load, CPU per request much less.
 */
function serverCpuMs(): number | undefined {
  if (!serverPid) return undefined;
  try {
    const fields = readFileSync(`/proc/${serverPid}/stat`, 'latin1').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}
const target = new URL(url);
const concurrency = Number(concurrencyText);
const request = Buffer.from(
  `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nAuthorization: ${authorization}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\n\r\n${body}`,
);

/** One connection: answers are counted by their Content-Length (the server always sends one). */
function connection(onAnswer: (ms: number, status: number) => void): Socket {
  const socket = connect({ host: target.hostname, port: Number(target.port), noDelay: true });
  let pending: Buffer = Buffer.alloc(0);
  let sentAt = 0;
  const send = (): void => {
    sentAt = performance.now();
    socket.write(request);
  };
  socket.on('connect', send);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (;;) {
      const headerEnd = pending.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const head = pending.subarray(0, headerEnd).toString('latin1');
      const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (pending.length < headerEnd + 4 + length) return;
      const status = Number(head.slice(9, 12));
      pending = pending.subarray(headerEnd + 4 + length);
      onAnswer(performance.now() - sentAt, status);
      send();
    }
  });
  socket.on('error', (err) => {
    console.error(err);
    process.exit(1);
  });
  return socket;
}

let recording = false;
/** Every answer, warm-up included (the bench divides the server's CPU time by it). */
let total = 0;
let done = 0;
let failed = 0;
const latencies: number[] = [];
const sockets = Array.from({ length: concurrency }, () =>
  connection((ms, status) => {
    total++;
    if (!recording) return;
    if (status !== 200) failed++;
    done++;
    latencies.push(ms);
  }),
);
// A warm-up second first (JIT, sockets), not counted.
await new Promise((resolve) => setTimeout(resolve, 1000));
recording = true;
const start = performance.now();
const cpuAtStart = process.cpuUsage();
const serverAtStart = serverCpuMs();
const doneAtStart = total;
await new Promise((resolve) => setTimeout(resolve, Number(secondsText) * 1000));
recording = false;
const elapsed = performance.now() - start;
const cpu = process.cpuUsage(cpuAtStart);
/** This process's CPU over the window, as a share of one core: on 2 cores the client must not be the limit. */
const clientCpu = (cpu.user + cpu.system) / 1000 / elapsed;
const serverAtEnd = serverCpuMs();
const answered = total - doneAtStart;
/** The server's share of one core over the window, and its CPU µs per answer (clock ticks of 10 ms: coarse, hence the long window). */
const server = serverAtStart === undefined || serverAtEnd === undefined ? {} : { serverCpu: (serverAtEnd - serverAtStart) / elapsed, serverUsPerRequest: ((serverAtEnd - serverAtStart) * 1000) / answered };
for (const socket of sockets) socket.destroy();
// Answers still arriving after the window are counted in total only; wait for none.
latencies.sort((a, b) => a - b);
const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
process.stdout.write(`${JSON.stringify({ rps: (done * 1000) / elapsed, p50: at(0.5), p99: at(0.99), max: latencies[latencies.length - 1], failed, total, clientCpu, ...server })}\n`);
