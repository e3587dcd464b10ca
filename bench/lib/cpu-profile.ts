/**
 * A V8 CPU profile of one isolate in a workerd process, taken through its inspector (Miniflare's
 * `inspectorPort`), summed by function: self time (where the samples land) and inclusive time (on the
 * stack). Native work a JavaScript function calls into (WebCrypto, a stream read) counts in that function.
 */
type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
type Target = { title?: string; webSocketDebuggerUrl: string };

export type ProfileRow = { function: string; self_pct: number; inclusive_pct: number };
/** `functions`: inclusive share of each watched function name (any file), e.g. how much is under gzipSync. */
export type ProfileSummary = {
  samples: number;
  ms: number;
  top: ProfileRow[];
  functions: Record<string, number>;
};

/** A DevTools protocol session with one isolate of a workerd process (its inspector on `port`). */
export async function inspectIsolate(
  port: number,
  isolate: RegExp,
): Promise<{
  call: (method: string, params?: object, timeoutMs?: number) => Promise<unknown>;
  close: () => void;
}> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as Target[];
  const target = targets.find((t) => isolate.test(t.title ?? ""));
  if (!target) throw new Error(`no isolate ${isolate} among ${targets.map((t) => t.title).join(", ")}`);
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
  // workerd's inspector has been seen to leave a call unanswered for good: every call has a deadline.
  const call = (method: string, params: object = {}, timeoutMs = 10_000) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++nextId;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`inspector: ${method} unanswered after ${timeoutMs / 1000} s`));
      }, timeoutMs);
      waiting.set(id, (result) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(result);
      });
      socket.send(JSON.stringify({ id, method, params }));
    });
  return { call, close: () => socket.close() };
}

export async function startCpuProfile(
  port: number,
  isolate: RegExp,
  intervalUs = 500,
): Promise<{
  stop: (top: number, watch?: readonly string[], source?: string) => Promise<ProfileSummary>;
}> {
  const { call, close } = await inspectIsolate(port, isolate);
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: intervalUs });
  await call("Profiler.start");
  return {
    stop: async (top, watch = [], source) => {
      const { profile } = (await call("Profiler.stop", {}, 120_000)) as { profile: Profile };
      close();
      return summarise(profile, top, watch, source?.split("\n"));
    },
  };
}

/**
 * `lines`: the bundle's source, to name anonymous functions by the variable they are assigned to (bundlers
 * write `var dflt = function (...)`; V8 reports those as anonymous).
 */
function summarise(
  profile: Profile,
  top: number,
  watch: readonly string[],
  lines?: readonly string[],
): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const label = ({ functionName, url, lineNumber }: CallFrame) => {
    const line = !functionName && url.endsWith("index.js") ? (lines?.[lineNumber] ?? "") : "";
    const assigned = /(?:var|let|const)\s+([\w$]+)\s*=/.exec(line);
    const name = functionName || (assigned ? `${assigned[1]} (anonymous)` : "(anonymous)");
    return `${name} ${url.split("/").pop() ?? ""}:${lineNumber}`;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const watched = new Map<string, number>();
  for (const sample of profile.samples) {
    const leaf = nodes.get(sample);
    if (!leaf) continue;
    self.set(label(leaf.callFrame), (self.get(label(leaf.callFrame)) ?? 0) + 1);
    const seen = new Set<string>();
    const seenWatched = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parents.get(id)) {
      const frame = nodes.get(id)?.callFrame ?? { functionName: "?", url: "", lineNumber: 0 };
      const name = label(frame);
      if (!seen.has(name)) inclusive.set(name, (inclusive.get(name) ?? 0) + 1);
      seen.add(name);
      if (watch.includes(frame.functionName) && !seenWatched.has(frame.functionName)) {
        watched.set(frame.functionName, (watched.get(frame.functionName) ?? 0) + 1);
        seenWatched.add(frame.functionName);
      }
    }
  }
  const total = Math.max(1, profile.samples.length);
  const pct = (n: number) => Math.round((1000 * n) / total) / 10;
  return {
    samples: profile.samples.length,
    ms: Math.round(profile.timeDeltas.reduce((a, b) => a + b, 0) / 1000),
    top: [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, n]) => ({
        function: name,
        self_pct: pct(n),
        inclusive_pct: pct(inclusive.get(name) ?? 0),
      })),
    functions: Object.fromEntries(watch.map((name) => [name, pct(watched.get(name) ?? 0)])),
  };
}
