import { Log, LogLevel, Miniflare, type WorkerOptions } from "miniflare";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { recorderMiniflareOptions } from "../../scripts/lib/miniflare-recorder.ts";
import { ADMIN_TOKEN, VERBATIM_SECRET } from "./miniflare-worker.ts";
import { childrenNamed, cpuMs } from "./process-cpu.ts";
import { PLUGIN_NAME as DEBUG_PORT_PLUGIN_NAME } from "./debug-port-plugin.ts";
import { PLUGIN_NAME, type StorageBindingOptions } from "./storage-plugin.ts";
import { applyMigrations, wranglerStorage } from "./wrangler-config.ts";

/**
 * Local process topologies of the recorder, each a set of Miniflare instances (one workerd process each)
 * running the bundle `wrangler deploy --dry-run` makes:
 *
 * - "split": production's separation, as three OS processes.
 *     V (visitor)    the Worker's fetch path; its RECORDER binding reaches the Durable Objects in B through
 *                    Miniflare's dev registry (the exchange's body streams go across as RPC streams).
 *     B (background) the RecordingShard Durable Objects, the records queue (producer and broker) and the
 *                    only copy of local D1 and R2, which V and C use over a gateway (storage-plugin.ts).
 *     C (consumer)   the same bundle's queue() handler, killable and restartable mid-run: it holds no state.
 * - "all-in-one": one process with every binding, what `npm start` (wrangler dev) gives.
 * - "passthrough": the all-in-one process with RECORDING="off", the benchmark's baseline.
 *
 * Findings this module is built on (miniflare 4.20260730, workerd on Linux; bench/topology-check.ts shows
 * them):
 * - Cross-process Durable Object RPC works through the dev registry (`unsafeDevRegistryPath`; the binding
 *   names the host Worker with `scriptName`), ReadableStream arguments included.
 * - Miniflare's cross-process queues drop messages while no consumer process is registered: `send()` in B
 *   resolves and the message is gone (broker.worker.js, #tryRemoteConsumer). Cloudflare Queues keep them.
 *   So by default ("relay") B consumes the queues itself with a small relay Worker that hands each batch
 *   to C over RPC and, while C is unreachable, keeps the batch and retries: messages wait as they would on
 *   Cloudflare. "dev-registry" uses Miniflare's own forwarding instead (and so shows its dropping).
 * - Two workerd processes must not open the same D1/R2 persist directories: SQLite's file locks keep the
 *   files consistent, but workerd sets no busy timeout, so under concurrent use about one query in five
 *   fails at once with SQLITE_BUSY (reads too), and a process starting while another writes can die at
 *   start-up with the same error. Hence one owner (B) and a gateway for the others.
 * - `Miniflare#dispose()` ends workerd with SIGKILL (no graceful shutdown): killConsumer() is a hard kill.
 *   A workerd process killed from outside is restarted by Miniflare itself (crash recovery, new pid).
 * - Miniflare's local queue cannot be made to refuse a send(): its broker always takes the message. With
 *   `queueGate` (split only), B's producer bindings go through a pass-through gate Worker in B that the
 *   caller can close (setQueueOpen): while closed, send() throws in the shard as an unavailable Cloudflare
 *   queue's would, and the real local queue behind the gate is untouched.
 * - A Durable Object binding to another process's Worker ("dev-registry", the default) is, in the calling
 *   process, a proxy Durable Object of Miniflare's (dev-registry-proxy.worker.js) that forwards each call over
 *   workerd's debug port: two RPC hops, the first one within V, with the exchange's body streams pumped
 *   through both. On Cloudflare the Worker's stub call is one hop. `visitorShards: "direct"` gives V's
 *   RECORDER binding that one hop: a wrapped binding whose get() returns the debug port's stub on B's object
 *   itself (debug-port-plugin.ts), ids from the same namespace key as B's. The proxy benchmark uses it, so
 *   V's CPU holds what production's visitor isolate does for a hand-off and not Miniflare's extra hop. It
 *   reads B's debug-port address once, at start: a crashed and restarted B is not followed.
 */

export type TopologyKind = "split" | "all-in-one" | "passthrough";
export type QueueDelivery = "relay" | "dev-registry";
export type ShardPath = "dev-registry" | "direct";
export type Role = "visitor" | "background" | "consumer";

export type TopologyOptions = {
  kind: TopologyKind;
  /** The repository root: wrangler.toml and the migrations are read from here. */
  root: string;
  /** The bundle (bench/lib/worker-build.ts `buildWorker`). */
  scriptPath: string;
  origin: string;
  /** A directory of this topology's own: D1, R2, Durable Object state and the dev registry live under it. */
  persistRoot: string;
  /** Vars and secrets over wrangler.toml's [vars] (ORIGIN, RECORDING, ADMIN_TOKEN, VERBATIM_SECRET are set). */
  vars?: Record<string, string>;
  /** Overrides the queue consumers' max_batch_timeout (0: partial batches go at once). */
  batchTimeoutS?: number;
  /** "split" only: how records reach the consumer process (see above). Default "relay". */
  queueDelivery?: QueueDelivery;
  /** "split" only: B's queue producers go through a gate the caller can close (setQueueOpen). Default off. */
  queueGate?: boolean;
  /** "split" only: how V's RECORDER binding reaches the shards in B (see above). Default "dev-registry". */
  visitorShards?: ShardPath;
  log?: Log;
};

/** Per queue, since B started ("relay" delivery): messages, deliveries (retries included), JSON bytes of the
 *  messages, the largest, and Cloudflare Queues operations (write + delete per message, read per delivery,
 *  each per 64 KB). */
export type QueueStats = Record<
  string,
  { messages: number; deliveries: number; bytes: number; maxBytes: number; operations: number }
>;

/** Sends the queue gate passed on to the real queue (messages) and refused while closed (calls), so far. */
export type QueueGateState = { open: boolean; forwarded: number; refused: number };

export type Topology = {
  kind: TopologyKind;
  /** Where visitors (and the read API, /__verbatim/api) are served. */
  visitorUrl: string;
  /** Each role's workerd process; in a one-process topology all three are the same pid. Read it anew after a
   *  restart (and after a crash: Miniflare restarts a killed workerd under a new pid). */
  pids: () => Record<Role, number | null>;
  /** Each role's own HTTP entry (the bundle's fetch: its /__verbatim/api/health has that process's counters). */
  urls: () => Record<Role, string | null>;
  /** utime + stime of each role's process so far, ms (null where /proc is unavailable). */
  cpuMs: () => Record<Role, number | null>;
  /** Pins every thread of a role's process to `cpus` (taskset list syntax, e.g. "1" or "0,1"). */
  pin: (role: Role, cpus: string) => Promise<void>;
  /** "split" only: ends process C at once (SIGKILL, as dispose does), in-flight batch and all. */
  killConsumer: () => Promise<void>;
  /** "split" only: starts process C again on the same D1/R2 state. */
  restartConsumer: () => Promise<void>;
  /** The instance that owns D1 and R2 (B in "split"): its getD1Database/getR2Bucket read or seed the state. */
  storageOwner: Miniflare;
  /** "split" with `queueGate` only: opens or closes the gate in front of the records queue. */
  setQueueOpen: (open: boolean) => Promise<QueueGateState>;
  /** "split" with "relay" delivery only: what the queues have carried so far (counted by B's relay). */
  queueStats: () => Promise<QueueStats>;
  close: () => Promise<void>;
};

const run = promisify(execFile);
/** The wrangler.toml name: B's Worker keeps it, since Durable Object ids derive from "<script>-<class>". */
export const HOST_WORKER = "verbatim";
const VISITOR_WORKER = "verbatim-visitor";
const CONSUMER_WORKER = "verbatim-consumer";
const RELAY_WORKER = "verbatim-queue-relay";
const INGRESS_WORKER = "verbatim-queue-ingress";
export const GATEWAY_WORKER = "verbatim-storage-gateway";
const QUEUE_GATE_WORKER = "verbatim-queue-gate";
const DIRECT_SHARDS_WORKER = "verbatim-direct-shards";
const STORAGE_PLUGIN = {
  package: fileURLToPath(new URL("./storage-plugin.ts", import.meta.url)),
  name: PLUGIN_NAME,
};
const DEBUG_PORT_PLUGIN = {
  package: fileURLToPath(new URL("./debug-port-plugin.ts", import.meta.url)),
  name: DEBUG_PORT_PLUGIN_NAME,
};

/**
 * `visitorShards: "direct"`: the module of a wrapped binding (Miniflare calls its default export with the
 * designated Worker's bindings). NAMESPACE is a Durable Object binding naming B's class, used for ids only:
 * its unique key is B's ("<script>-<class>"), so idFromName() gives B's ids. get() connects to B's debug
 * port per stub: a connection cannot outlive the request that opened it, so none is kept between requests
 * (one TCP connection per hand-off, which production's stub call does not pay). Each method call closes its
 * connection when it settles: left to the garbage collector, they piled up in B by the thousand under load.
 */
const DIRECT_SHARDS_SCRIPT = `
export default function (env) {
  return {
    idFromName: (name) => env.NAMESPACE.idFromName(name),
    idFromString: (id) => env.NAMESPACE.idFromString(id),
    newUniqueId: (options) => env.NAMESPACE.newUniqueId(options),
    get: (id) =>
      new Proxy({}, {
        get(_, method) {
          if (typeof method !== "string" || method === "then") return undefined;
          return async (...args) => {
            const client = env.DEBUG_PORT.connect(env.ADDRESS);
            const actor = client.getActor(env.SERVICE, env.CLASS_NAME, id.toString());
            try {
              return await actor[method](...args);
            } finally {
              actor[Symbol.dispose]?.();
              client[Symbol.dispose]?.();
            }
          };
        },
      }),
  };
}
`;
/** How long the relay keeps a batch while the consumer process is unreachable, before the queue's retry. */
const RELAY_HOLD_MS = 10 * 60 * 1000;

/**
 * Process B's queue consumer in "relay" mode: hands the batch to process C and applies C's verdict to the
 * batch, so B's broker still does retries and dead-lettering exactly as configured in wrangler.toml. A
 * failed RPC means C is down or died mid-batch: the same batch is offered again until C is back (the
 * consumer is idempotent); only a consumer that ran and failed counts as an attempt.
 */
const RELAY_SCRIPT = `
const HOLD_MS = ${RELAY_HOLD_MS};
const delay = (seconds) => (seconds === undefined ? undefined : { delaySeconds: seconds });
// What the queues carried (queueStats()): bodies as JSON text, operations as Cloudflare bills them (a write
// and a delete per message, a read per delivery, each per 64 KB). Ids seen are kept for the process's life.
const stats = {};
const seen = new Set();
const encoder = new TextEncoder();
function account(queue, messages) {
  const s = (stats[queue] ??= { messages: 0, deliveries: 0, bytes: 0, maxBytes: 0, operations: 0 });
  for (const m of messages) {
    const size = encoder.encode(JSON.stringify(m.body) ?? "").byteLength;
    const units = Math.max(1, Math.ceil(size / 65536));
    s.deliveries++;
    s.operations += units;
    if (seen.has(m.id)) continue;
    seen.add(m.id);
    s.messages++;
    s.bytes += size;
    s.maxBytes = Math.max(s.maxBytes, size);
    s.operations += 2 * units;
  }
}
export default {
  fetch() {
    return Response.json(stats);
  },
  async queue(batch, env) {
    account(batch.queue, batch.messages);
    const messages = batch.messages.map((m) => ({
      id: m.id, timestamp: m.timestamp.getTime(), body: m.body, attempts: m.attempts,
    }));
    const deadline = Date.now() + HOLD_MS;
    let result;
    for (let waited = 0; ; waited++) {
      try {
        result = await env.INGRESS.deliver(batch.queue, messages);
        break;
      } catch (error) {
        if (waited === 0) console.warn("[relay] consumer unreachable, holding " + messages.length + " message(s) of " + batch.queue + ": " + error.message);
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    if (result.outcome !== "ok") throw new Error("consumer outcome " + result.outcome);
    if (result.retryBatch.retry) return batch.retryAll(delay(result.retryBatch.delaySeconds));
    const retries = new Map(result.retryMessages.map((r) => [r.msgId, r.delaySeconds]));
    for (const m of batch.messages) {
      if (retries.has(m.id)) m.retry(delay(retries.get(m.id)));
      else m.ack();
    }
  },
};
`;

/** Process C's entry in "relay" mode: runs the bundle's queue() handler (a local service binding) on a batch */
const INGRESS_SCRIPT = `
import { WorkerEntrypoint } from "cloudflare:workers";
export default class extends WorkerEntrypoint {
  async deliver(queue, messages) {
    const result = await this.env.CONSUMER.queue(
      queue,
      messages.map((m) => ({ ...m, timestamp: new Date(m.timestamp) })),
    );
    return {
      outcome: result.outcome,
      retryBatch: { retry: result.retryBatch.retry, delaySeconds: result.retryBatch.delaySeconds },
      retryMessages: result.retryMessages.map((r) => ({ msgId: r.msgId, delaySeconds: r.delaySeconds })),
    };
  }
}
`;

/** One entrypoint per storage binding, each on a socket of its own: requests pass through untouched. */
export type Store = { binding: string; type: "d1" | "r2"; service: string; entrypoint: string };
/** Miniflare's own names for the services behind each D1 database and R2 bucket (its D1 and R2 plugins). */
export function storesOf(storage: {
  d1Databases: Record<string, string>;
  r2Buckets: Record<string, string>;
}): Store[] {
  return [
    ...Object.entries(storage.d1Databases).map(([binding, id]) => ({
      binding,
      type: "d1" as const,
      service: `d1:db:${id}`,
    })),
    ...Object.entries(storage.r2Buckets).map(([binding, id]) => ({
      binding,
      type: "r2" as const,
      service: `r2:bucket:${id}`,
    })),
  ].map((store, i) => ({ ...store, entrypoint: `Store${i}` }));
}

export function gatewayScript(stores: Store[]): string {
  return [
    `import { WorkerEntrypoint } from "cloudflare:workers";`,
    ...stores.map(
      (s) =>
        `export class ${s.entrypoint} extends WorkerEntrypoint { fetch(request) { return this.env[${JSON.stringify(s.binding)}].fetch(request); } }`,
    ),
    `export default { fetch() { return new Response("storage gateway: one socket per binding", { status: 404 }); } };`,
  ].join("\n");
}

/**
 * `queueGate`: one entrypoint per producer binding, duck-typing a Queue (send, sendBatch) over the real
 * producer; GET /open and /close on the Worker's fetch switch all of them, every answer is the gate's state.
 */
function queueGateScript(bindings: string[]): string {
  return [
    `import { WorkerEntrypoint } from "cloudflare:workers";`,
    `const state = { open: true, forwarded: 0, refused: 0 };`,
    `function check() { if (!state.open) { state.refused++; throw new Error("queue unavailable (queue gate closed)"); } }`,
    ...bindings.map(
      (b, i) =>
        `export class Gate${i} extends WorkerEntrypoint {
  async send(body, options) { check(); await this.env[${JSON.stringify(b)}].send(body, options); state.forwarded++; }
  async sendBatch(messages, options) { check(); await this.env[${JSON.stringify(b)}].sendBatch(messages, options); state.forwarded += messages.length; }
}`,
    ),
    `export default { fetch(request) {
  const path = new URL(request.url).pathname;
  if (path === "/open") state.open = true;
  else if (path === "/close") state.open = false;
  return Response.json(state);
} };`,
  ].join("\n");
}

export function storageBinding(name: string, options: StorageBindingOptions) {
  return { name, type: PLUGIN_NAME, plugin: STORAGE_PLUGIN, options };
}

/** Starts a Miniflare and returns it with the pid of the workerd process it spawned. */
export async function spawn(options: ConstructorParameters<typeof Miniflare>[0]): Promise<{
  mf: Miniflare;
  url: string;
  pid: number | null;
}> {
  // Instances are started one at a time, so the one new workerd child of this process is this instance's.
  const before = new Set(childrenNamed(process.pid, "workerd"));
  const mf = new Miniflare(options);
  const url = (await mf.ready).origin;
  const spawned = childrenNamed(process.pid, "workerd").filter((pid) => !before.has(pid));
  return { mf, url, pid: spawned.length === 1 ? (spawned[0] ?? null) : null };
}

export async function startTopology(options: TopologyOptions): Promise<Topology> {
  const configPath = join(options.root, "wrangler.toml");
  const storage = wranglerStorage(configPath);
  const recorder = recorderMiniflareOptions(
    configPath,
    options.batchTimeoutS === undefined ? {} : { batchTimeoutS: options.batchTimeoutS },
  );
  const log = options.log ?? new Log(LogLevel.WARN);
  await mkdir(options.persistRoot, { recursive: true });
  const shared = {
    host: "127.0.0.1",
    port: 0,
    // No per-request logging through Node and no network fetch of Request.cf: both would tax the run.
    logRequests: false,
    cf: false,
    log,
  } as const;
  // Only the process holding D1, R2 or Durable Objects opens these directories (see above).
  const persist = {
    d1Persist: join(options.persistRoot, "d1"),
    r2Persist: join(options.persistRoot, "r2"),
    durableObjectsPersist: join(options.persistRoot, "do"),
  };
  const local = { d1Databases: storage.d1Databases, r2Buckets: storage.r2Buckets };
  const worker = {
    modules: true,
    scriptPath: options.scriptPath,
    // Module names are paths relative to this root; the default (the cwd) fails for a bundle outside it.
    modulesRoot: dirname(options.scriptPath),
    compatibilityDate: storage.compatibilityDate,
    compatibilityFlags: storage.compatibilityFlags,
    bindings: {
      ...storage.vars,
      ORIGIN: options.origin,
      RECORDING: options.kind === "passthrough" ? "off" : "on",
      VERBATIM_SECRET,
      ADMIN_TOKEN,
      ...options.vars,
    },
  } satisfies WorkerOptions;

  if (options.kind !== "split") {
    // One workerd process with every binding (wrangler dev's topology); the baseline differs in RECORDING.
    const one = await spawn({ ...shared, ...persist, name: HOST_WORKER, ...worker, ...local, ...recorder });
    await applyMigrations(one.mf, storage.migrations);
    const unsupported = () =>
      Promise.reject(new Error(`${options.kind}: the consumer is not a process of its own`));
    return {
      kind: options.kind,
      visitorUrl: one.url,
      pids: () => ({ visitor: one.pid, background: one.pid, consumer: one.pid }),
      urls: () => ({ visitor: one.url, background: one.url, consumer: one.url }),
      cpuMs: () => ({ visitor: cpuMs(one.pid), background: cpuMs(one.pid), consumer: cpuMs(one.pid) }),
      pin: (_role, cpus) => pin(one.pid, cpus),
      killConsumer: unsupported,
      restartConsumer: unsupported,
      storageOwner: one.mf,
      setQueueOpen: unsupported,
      queueStats: unsupported,
      close: () => one.mf.dispose(),
    };
  }

  const delivery = options.queueDelivery ?? "relay";
  // A registry of this topology's own: nothing else on the machine (wrangler dev, other runs) can join it.
  const registry = { unsafeDevRegistryPath: join(options.persistRoot, "dev-registry") };

  const stores = storesOf(storage);

  // With a gate, B's Worker reaches each queue producer through the gate Worker's entrypoint of that name.
  const gated = Object.keys(options.queueGate ? recorder.queueProducers : {});
  const hostQueues = options.queueGate
    ? {
        serviceBindings: Object.fromEntries(
          gated.map((b, i) => [b, { name: QUEUE_GATE_WORKER, entrypoint: `Gate${i}` }]),
        ),
      }
    : { queueProducers: recorder.queueProducers };

  // B first: the Durable Objects' host, the queue broker, the storage owner with its gateway for V and C, and
  // (relay) the queue consumer that forwards batches to C.
  const background = await spawn({
    ...shared,
    ...persist,
    ...registry,
    workers: [
      {
        name: HOST_WORKER,
        ...worker,
        ...local,
        durableObjects: recorder.durableObjects,
        ...hostQueues,
      },
      ...(options.queueGate
        ? [
            {
              name: QUEUE_GATE_WORKER,
              modules: true,
              script: queueGateScript(gated),
              compatibilityDate: storage.compatibilityDate,
              queueProducers: recorder.queueProducers,
            } satisfies WorkerOptions,
          ]
        : []),
      {
        name: GATEWAY_WORKER,
        modules: true,
        script: gatewayScript(stores),
        compatibilityDate: storage.compatibilityDate,
        // The raw services exist because HOST_WORKER binds the same database ids and bucket names.
        unsafeBindings: stores.map((s) => storageBinding(s.binding, { kind: "raw", service: s.service })),
        unsafeDirectSockets: stores.map((s) => ({ host: "127.0.0.1", port: 0, entrypoint: s.entrypoint })),
      } satisfies WorkerOptions,
      ...(delivery === "relay"
        ? [
            {
              name: RELAY_WORKER,
              modules: true,
              script: RELAY_SCRIPT,
              compatibilityDate: storage.compatibilityDate,
              queueConsumers: recorder.queueConsumers,
              serviceBindings: { INGRESS: INGRESS_WORKER },
            } satisfies WorkerOptions,
          ]
        : []),
    ],
  });
  // From here on a failure must not leave B (or C) running behind the caller's back.
  const started: Miniflare[] = [background.mf];
  const abandon = async (error: unknown): Promise<never> => {
    await Promise.allSettled(started.map((mf) => mf.dispose()));
    throw error;
  };
  await applyMigrations(background.mf, storage.migrations).catch(abandon);
  const remote: ReturnType<typeof storageBinding>[] = [];
  for (const s of stores) {
    const address = (await background.mf.unsafeGetDirectURL(GATEWAY_WORKER, s.entrypoint).catch(abandon))
      .host;
    remote.push(storageBinding(s.binding, { kind: "remote", type: s.type, address }));
  }

  // Durable Object bindings naming B's Worker: their stubs reach the objects in B (dev registry).
  const external: Record<string, { className: string; useSQLite: boolean; scriptName: string }> = {};
  for (const [binding, definition] of Object.entries(recorder.durableObjects)) {
    external[binding] = { ...definition, scriptName: HOST_WORKER };
  }

  // C: the bundle's queue() handler on B's D1/R2 (through the gateway); no visitors. It binds B's shards as
  // the deployed Worker does (its health endpoint asks them what they hold for the queue).
  const consumerOptions = {
    ...shared,
    ...registry,
    workers: [
      {
        name: CONSUMER_WORKER,
        ...worker,
        unsafeBindings: remote,
        durableObjects: external,
        ...(delivery === "dev-registry" ? { queueConsumers: recorder.queueConsumers } : {}),
      },
      ...(delivery === "relay"
        ? [
            {
              name: INGRESS_WORKER,
              modules: true,
              script: INGRESS_SCRIPT,
              compatibilityDate: storage.compatibilityDate,
              // Fetcher#queue() (how Miniflare's own broker invokes a consumer); without the flag a call named
              // `queue` is taken for JS RPC to the consumer's top-level handler and refused.
              compatibilityFlags: ["service_binding_extra_handlers", "experimental"],
              serviceBindings: { CONSUMER: CONSUMER_WORKER },
            } satisfies WorkerOptions,
          ]
        : []),
    ],
  };
  let consumer: { mf: Miniflare; url: string; pid: number | null } | null =
    await spawn(consumerOptions).catch(abandon);
  started.push(consumer.mf);

  // V: the fetch path. RECORDER names B's Worker, so its stubs reach the objects in B; D1/R2 (B's, through
  // the gateway) serve the read API and the console.
  const visitorWorker = {
    name: VISITOR_WORKER,
    ...worker,
    unsafeBindings: remote,
    queueProducers: recorder.queueProducers,
  };
  const visitor = await spawn(
    options.visitorShards === "direct"
      ? {
          ...shared,
          // BENCH_INSPECT=<port>: V's V8 inspector, for bench/profile-visitor.ts (a CPU profile under load).
          ...(process.env["BENCH_INSPECT"] ? { inspectorPort: Number(process.env["BENCH_INSPECT"]) } : {}),
          ...registry,
          workers: [
            {
              ...visitorWorker,
              wrappedBindings: Object.fromEntries(
                Object.keys(external).map((binding) => [binding, { scriptName: directName(binding) }]),
              ),
            },
            ...Object.entries(external).map(([binding, definition]) => {
              const host = registryEntry(registry.unsafeDevRegistryPath, definition.scriptName);
              return {
                name: directName(binding),
                modules: true,
                script: DIRECT_SHARDS_SCRIPT,
                durableObjects: { NAMESPACE: definition },
                bindings: {
                  ADDRESS: host.debugPortAddress,
                  SERVICE: host.userWorkerService,
                  CLASS_NAME: definition.className,
                },
                unsafeBindings: [
                  {
                    name: "DEBUG_PORT",
                    type: DEBUG_PORT_PLUGIN_NAME,
                    plugin: DEBUG_PORT_PLUGIN,
                    options: {},
                  },
                ],
              } satisfies WorkerOptions;
            }),
          ],
        }
      : { ...shared, ...registry, ...visitorWorker, durableObjects: external },
  ).catch(abandon);

  const pids = (): Record<Role, number | null> => ({
    visitor: visitor.pid,
    background: background.pid,
    consumer: consumer?.pid ?? null,
  });
  return {
    kind: "split",
    visitorUrl: visitor.url,
    pids,
    urls: () => ({ visitor: visitor.url, background: background.url, consumer: consumer?.url ?? null }),
    cpuMs: () => {
      const p = pids();
      return { visitor: cpuMs(p.visitor), background: cpuMs(p.background), consumer: cpuMs(p.consumer) };
    },
    pin: (role, cpus) => pin(pids()[role], cpus),
    killConsumer: async () => {
      const running = consumer;
      consumer = null;
      await running?.mf.dispose();
    },
    restartConsumer: async () => {
      if (consumer) throw new Error("the consumer is running");
      consumer = await spawn(consumerOptions);
    },
    storageOwner: background.mf,
    queueStats: async () => {
      if (delivery !== "relay")
        throw new Error("queue statistics come from the relay (queueDelivery: relay)");
      const relay = await background.mf.getWorker(RELAY_WORKER);
      return (await (await relay.fetch("http://relay/stats")).json()) as QueueStats;
    },
    setQueueOpen: async (open) => {
      if (!options.queueGate) throw new Error("the topology was started without queueGate");
      const gate = await background.mf.getWorker(QUEUE_GATE_WORKER);
      const response = await gate.fetch(`http://gate/${open ? "open" : "close"}`);
      return (await response.json()) as QueueGateState;
    },
    close: async () => {
      // V first, so no new exchanges arrive; then C and B.
      await visitor.mf.dispose();
      await consumer?.mf.dispose();
      await background.mf.dispose();
    },
  };
}

function directName(binding: string): string {
  return `${DIRECT_SHARDS_WORKER}-${binding.toLowerCase()}`;
}

/** What a Miniflare instance wrote about one of its Workers in the dev registry (one JSON file per Worker). */
function registryEntry(
  registry: string,
  worker: string,
): { debugPortAddress: string; userWorkerService: string } {
  const entry = JSON.parse(readFileSync(join(registry, worker), "utf8")) as {
    debugPortAddress?: unknown;
    userWorkerService?: unknown;
  };
  if (typeof entry.debugPortAddress !== "string" || typeof entry.userWorkerService !== "string")
    throw new Error(`dev registry: no debug port for ${worker}`);
  return { debugPortAddress: entry.debugPortAddress, userWorkerService: entry.userWorkerService };
}

/** `taskset -a`: every thread of the process (workerd runs several), not only its main thread. */
export async function pin(pid: number | null, cpus: string): Promise<void> {
  if (pid === null) throw new Error("no pid to pin");
  await run("taskset", ["-a", "-p", "-c", cpus, String(pid)]);
}
