// A keep-alive HTTP load generator, run as its own process by rpc.bench.ts so that the client's
// cost does not share the server's event loop. Prints requests/s.
import http from 'node:http';

const [url, concurrencyText, secondsText, authorization, body] = process.argv.slice(2);
const target = new URL(url);
const concurrency = Number(concurrencyText);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const headers = { authorization, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };

function post(): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers }, (response) => {
      if (response.statusCode !== 200) reject(new Error(`HTTP ${response.statusCode}`));
      response.resume();
      response.on('end', resolve);
    });
    request.on('error', reject);
    request.end(body);
  });
}

let done = 0;
const end = Date.now() + Number(secondsText) * 1000;
const start = Date.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (Date.now() < end) {
      await post();
      done++;
    }
  }),
);
agent.destroy();
process.stdout.write(`${(done * 1000) / (Date.now() - start)}\n`);
