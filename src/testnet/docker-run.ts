/** Running docker and compose for the docker back end: commands, their failures as TestnetErrors, and making Docker usable. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from './defaults.js';
import { TestnetError } from './errors.js';

/** ensure-docker.sh's exit code for "Docker cannot work here". */
export const SKIP_EXIT = 3;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Stream the command's stderr (progress) to ours as it comes. */
  echo?: boolean;
  cwd?: string;
}

/** Runs a command to its end; never throws for a non-zero exit (see `must`). */
export function run(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const input = options.input;
    const child = spawn(cmd, args, { cwd: options.cwd ?? packageRoot(), env: options.env ?? process.env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (options.echo) process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // a command that exits without reading its input
      child.stdin.end(input);
    }
  });
}

/** Runs a command; its stdout, or a `command-failed` TestnetError with the end of its output. */
export async function must(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const result = await run(cmd, args, options);
  if (result.code !== 0) {
    throw new TestnetError('command-failed', `${cmd} ${args.join(' ')} failed (exit ${result.code}): ${(result.stderr || result.stdout).trim().split('\n').slice(-8).join('\n')}`);
  }
  return result.stdout;
}

export type DockerCheck = { ok: true; detail: string } | { ok: false; reason: string };

/** Runs scripts/docker/ensure-docker.sh: Docker works (perhaps after installing and starting it), or why not. */
export async function ensureDocker(echo = true): Promise<DockerCheck> {
  const result = await run('bash', [join(packageRoot(), 'scripts', 'docker', 'ensure-docker.sh')], { echo });
  const lines = result.stderr.trim().split('\n').filter(Boolean);
  const last = lines.at(-1)?.replace(/^ensure-docker: (SKIP: )?/, '') ?? '';
  if (result.code === 0) return { ok: true, detail: last };
  return { ok: false, reason: result.code === SKIP_EXIT ? last : `ensure-docker.sh failed (exit ${result.code}): ${last}` };
}

/** `docker compose` (v2) when it works, else `docker-compose` (v1, Debian's package). */
export async function composeCommand(): Promise<string[]> {
  if ((await run('docker', ['compose', 'version']).catch(() => ({ code: 1 }))).code === 0) return ['docker', 'compose'];
  if ((await run('docker-compose', ['version']).catch(() => ({ code: 1 }))).code === 0) return ['docker-compose'];
  throw new TestnetError('docker-unavailable', "neither 'docker compose' nor 'docker-compose' works; run scripts/docker/ensure-docker.sh");
}

/**
 * Posts a JSON-RPC body to the node inside a container (its own 127.0.0.1:28632, the demo
 * network's RPC port, with the credentials of its environment); answers the reply text. For a
 * node whose RPC port is not published: cut off from the network, or an `extra` node.
 */
export async function execRpc(containerId: string, body: string): Promise<string> {
  const script =
    "let b='';process.stdin.on('data',c=>b+=c).on('end',async()=>{const a=Buffer.from(process.env.POWCOIN_RPC_USER+':'+process.env.POWCOIN_RPC_PASSWORD).toString('base64');" +
    "const r=await fetch('http://127.0.0.1:28632/',{method:'POST',headers:{'content-type':'application/json',authorization:'Basic '+a},body:b});process.stdout.write(await r.text())})";
  return must('docker', ['exec', '-i', containerId, 'node', '-e', script], { input: body });
}
