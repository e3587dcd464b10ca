/**
 * Where the recorder's visitor process spends its CPU under load: a V8 CPU profile of its isolate, taken
 * through workerd's inspector while the proxy benchmark runs, summed by function (self and inclusive).
 *
 *   BENCH_INSPECT=9229 BENCH_ROUNDS=1 BENCH_SECONDS=30 node bench/run.ts proxy &
 *   node bench/profile-visitor.ts --port 9229 --after 66 --seconds 20
 *
 * `--after` waits until the recorder's saturated round has begun (the log's timestamps show when). Native
 * work a JavaScript function calls into (a stream read pumping a tee) is counted in that function's self time.
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "9229" },
    after: { type: "string", default: "66" },
    seconds: { type: "string", default: "20" },
    top: { type: "string", default: "40" },
  },
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
type Target = { title?: string; webSocketDebuggerUrl: string };

await sleep(Number(values.after) * 1000);
const targets = (await (await fetch(`http://127.0.0.1:${values.port}/json`)).json()) as Target[];
const target = targets.find((t) => /verbatim-visitor/.test(t.title ?? ""));
if (!target) throw new Error(`no verbatim-visitor isolate among ${targets.map((t) => t.title).join(", ")}`);

const socket = new WebSocket(target.webSocketDebuggerUrl);
await new Promise((resolve, reject) => {
  socket.addEventListener("open", resolve);
  socket.addEventListener("error", reject);
});
let nextId = 0;
const waiting = new Map<number, (result: unknown) => void>();
socket.addEventListener("message", (event) => {
  const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
  if (message.id !== undefined) waiting.get(message.id)?.(message.result);
});
const call = (method: string, params: object = {}) =>
  new Promise<unknown>((resolve) => {
    const id = ++nextId;
    waiting.set(id, resolve);
    socket.send(JSON.stringify({ id, method, params }));
  });

await call("Profiler.enable");
await call("Profiler.setSamplingInterval", { interval: 200 });
await call("Profiler.start");
await sleep(Number(values.seconds) * 1000);
const { profile } = (await call("Profiler.stop")) as { profile: Profile };
socket.close();

const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
const label = ({ functionName, url, lineNumber }: CallFrame) =>
  `${functionName || "(anonymous)"} ${url.split("/").pop() ?? ""}:${lineNumber}`;
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const sample of profile.samples) {
  const leaf = nodes.get(sample);
  if (!leaf) continue;
  self.set(label(leaf.callFrame), (self.get(label(leaf.callFrame)) ?? 0) + 1);
  const seen = new Set<string>();
  for (let id: number | undefined = sample; id !== undefined; id = parents.get(id)) {
    const name = label(nodes.get(id)?.callFrame ?? { functionName: "?", url: "", lineNumber: 0 });
    if (!seen.has(name)) inclusive.set(name, (inclusive.get(name) ?? 0) + 1);
    seen.add(name);
  }
}
const total = profile.samples.length;
const print = (title: string, counts: Map<string, number>) => {
  console.log(title);
  for (const [name, n] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top)))
    console.log(`${((100 * n) / total).toFixed(1).padStart(6)}%  ${name}`);
};
const ms = profile.timeDeltas.reduce((a, b) => a + b, 0) / 1000;
console.log(`${total} samples over ${ms.toFixed(0)} ms`);
print("self", self);
print("inclusive", inclusive);
