import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL("./load-child.ts", import.meta.url));

export type LoadRequest = { method: string; path: string; headers: Record<string, string>; body?: string };
export type LoadSpec = {
  url: string;
  connections: number;
  durationS: number;
  requests: LoadRequest[];
  /** Requests per second across all connections (open loop); absent: as fast as the target answers. */
  rate?: number;
  /** Pins the load generator's process to these CPUs (taskset list syntax); absent: not pinned. */
  cpus?: string;
};
export type LoadResult = {
  rps: number;
  requests: number;
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p50Ms: number;
  p99Ms: number;
  bytesPerS: number;
  durationS: number;
  /** CPU time (user + system) the load generator's process used, ms. */
  cpuMs: number;
};

/** Runs autocannon in a separate Node process against one target. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const node = [process.execPath, CHILD, JSON.stringify(spec)];
  // taskset execs node in place, so every thread of the generator (libuv's pool too) stays on `cpus`.
  const [file = "", ...args] = spec.cpus ? ["taskset", "-c", spec.cpus, ...node] : node;
  const { stdout } = await run(file, args, {
    maxBuffer: 4 * 1024 * 1024,
    timeout: (spec.durationS + 60) * 1000,
  });
  return JSON.parse(stdout) as LoadResult;
}
