// Times commands as a shell would: from this small process (not the bench's own tsx process with
// a node running in it, whose size slows every spawn), taking turns between the commands so that
// load on the machine falls on all of them alike. Prints each command's wall times in ms as JSON.
// Usage: node bench/cli-timer.mjs RUNS '[["node","-e","0"], ...]'
import { spawnSync } from 'node:child_process';

const runs = Number(process.argv[2]);
const commands = JSON.parse(process.argv[3]);
const times = commands.map(() => []);
for (let run = 0; run < runs; run++) {
  commands.forEach(([file, ...args], i) => {
    const start = performance.now();
    const result = spawnSync(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    times[i].push(performance.now() - start);
    if (result.status !== 0) throw new Error(`${[file, ...args].join(' ')} exited ${result.status}: ${result.stderr}`);
  });
}
process.stdout.write(JSON.stringify(times));
