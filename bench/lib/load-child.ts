/**
 * The load generator, run as its own process (`node bench/lib/load-child.ts '<LoadSpec JSON>'`) so it does
 * not share an event loop with the origin or the Miniflare controller. Prints one LoadResult as JSON.
 *
 * Latency percentiles are computed here from every 2xx response time (float ms): autocannon's own
 * histogram keeps whole milliseconds, too coarse to see a few hundred microseconds added per request.
 */
import autocannon from "autocannon";
import type { LoadResult, LoadSpec } from "./load.ts";

const spec = JSON.parse(process.argv[2] ?? "{}") as LoadSpec;
const times: number[] = [];
const instance = autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.durationS,
  requests: spec.requests,
  ...(spec.rate ? { overallRate: spec.rate } : {}),
});
instance.on("response", (_client, status, _bytes, ms) => {
  if (status >= 200 && status < 300) times.push(ms);
});
const result = await instance;
times.sort((a, b) => a - b);
const at = (q: number): number =>
  times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? Number.NaN;
const output: LoadResult = {
  rps: result.requests.total / result.duration,
  requests: result.requests.total,
  sent: result.requests.sent,
  ok: result["2xx"],
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  p50Ms: at(0.5),
  p99Ms: at(0.99),
  bytesPerS: result.throughput.average,
  durationS: result.duration,
  cpuMs: (({ user, system }) => (user + system) / 1000)(process.cpuUsage()),
};
process.stdout.write(JSON.stringify(output));
