import { build } from "esbuild";
import { Log, LogLevel, type Miniflare } from "miniflare";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { recorderMiniflareOptions } from "../../scripts/lib/miniflare-recorder.ts";
import { ADMIN_TOKEN, VERBATIM_SECRET } from "../lib/miniflare-worker.ts";
import {
  GATEWAY_WORKER,
  gatewayScript,
  HOST_WORKER,
  spawn,
  storageBinding,
  storesOf,
} from "../lib/topology.ts";
import { applyMigrations, wranglerStorage } from "../lib/wrangler-config.ts";

/**
 * The export benchmark's processes (one workerd each, as bench/lib/topology.ts's "split" places the
 * recorder's work):
 *
 * - S (storage): the only copy of local D1 and R2 (with the gateway other processes reach them through),
 *   the Durable Objects (the evidence log the export asks for proofs, the audit writer the API appends to),
 *   and the helper Worker that seeds days through the recorder's write path. On Cloudflare these are
 *   services on other machines.
 * - E (export): the recorder's bundle with the EXPORTS Workflow, D1 and R2 through S's gateway, the Durable
 *   Objects in S through the dev registry; it serves the console API that starts the export, runs every
 *   Workflow step, and holds the helper Worker that reads the baseline over the same gateway. One E per
 *   measured day, started fresh, so its peak memory is that export's.
 */
export type Process = { mf: Miniflare; url: string; pid: number | null };

export const EXPORT_WORKER = "verbatim-exporter";
export const BENCH_WORKER = "verbatim-export-bench";

/** The recorder's own evidence log, in S's host Worker: the records consumer appends seeded leaves to it. */
const EVIDENCE_LOG = { className: "EvidenceLog", scriptName: HOST_WORKER, useSQLite: true };

export type ExportTopology = {
  storage: Process;
  /** Starts a seeding process: the helper Worker alone, on S's storage and evidence log. */
  startSeeder: (label: string) => Promise<Process>;
  /** Starts a fresh E (its own Workflow state under `label`); `inspectorPort` opens its V8 inspector. */
  startExporter: (label: string, inspectorPort?: number) => Promise<Process>;
  close: () => Promise<void>;
};

/** The helper Worker (bench/export/worker/), bundled with the recorder's modules it imports. */
export async function buildBenchWorker(root: string, work: string): Promise<string> {
  const outfile = join(work, "export-bench-worker.js");
  await build({
    entryPoints: [join(root, "bench", "export", "worker", "bench-worker.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2024",
    outfile,
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    logLevel: "error",
  });
  return outfile;
}

export async function startExportTopology(options: {
  root: string;
  /** The recorder's bundle (bench/lib/worker-build.ts). */
  scriptPath: string;
  benchScriptPath: string;
  persistRoot: string;
  /** Opens S's V8 inspector on this port (where seeding or storage spends its CPU). */
  storageInspectorPort?: number;
}): Promise<ExportTopology> {
  const configPath = join(options.root, "wrangler.toml");
  const storage = wranglerStorage(configPath);
  const recorder = recorderMiniflareOptions(configPath);
  await mkdir(options.persistRoot, { recursive: true });
  const shared = {
    host: "127.0.0.1",
    port: 0,
    logRequests: false,
    cf: false,
    log: new Log(LogLevel.WARN),
  } as const;
  const registry = { unsafeDevRegistryPath: join(options.persistRoot, "dev-registry") };
  const runtime = {
    compatibilityDate: storage.compatibilityDate,
    compatibilityFlags: storage.compatibilityFlags,
  };
  const vars = { ...storage.vars, VERBATIM_SECRET, ADMIN_TOKEN };
  const worker = {
    modules: true,
    scriptPath: options.scriptPath,
    modulesRoot: dirname(options.scriptPath),
    ...runtime,
    bindings: vars,
  };
  const bench = {
    name: BENCH_WORKER,
    modules: true,
    scriptPath: options.benchScriptPath,
    modulesRoot: dirname(options.benchScriptPath),
    ...runtime,
    bindings: vars,
  };
  const stores = storesOf(storage);

  const s = await spawn({
    ...shared,
    ...registry,
    ...(options.storageInspectorPort === undefined ? {} : { inspectorPort: options.storageInspectorPort }),
    d1Persist: join(options.persistRoot, "d1"),
    r2Persist: join(options.persistRoot, "r2"),
    durableObjectsPersist: join(options.persistRoot, "do"),
    workers: [
      {
        name: HOST_WORKER,
        ...worker,
        d1Databases: storage.d1Databases,
        r2Buckets: storage.r2Buckets,
        durableObjects: recorder.durableObjects,
      },
      {
        name: GATEWAY_WORKER,
        modules: true,
        script: gatewayScript(stores),
        compatibilityDate: storage.compatibilityDate,
        unsafeBindings: stores.map((st) => storageBinding(st.binding, { kind: "raw", service: st.service })),
        unsafeDirectSockets: stores.map((st) => ({ host: "127.0.0.1", port: 0, entrypoint: st.entrypoint })),
      },
      {
        ...bench,
        d1Databases: storage.d1Databases,
        r2Buckets: storage.r2Buckets,
        durableObjects: { EVIDENCE: EVIDENCE_LOG },
      },
    ],
  });
  try {
    await applyMigrations(s.mf, storage.migrations);
  } catch (error) {
    await s.mf.dispose();
    throw error;
  }
  const remote: ReturnType<typeof storageBinding>[] = [];
  for (const st of stores) {
    const address = (await s.mf.unsafeGetDirectURL(GATEWAY_WORKER, st.entrypoint)).host;
    remote.push(storageBinding(st.binding, { kind: "remote", type: st.type, address }));
  }
  const external: Record<string, { className: string; useSQLite: boolean; scriptName: string }> = {};
  for (const [binding, definition] of Object.entries(recorder.durableObjects))
    external[binding] = { ...definition, scriptName: HOST_WORKER };

  const started: Process[] = [];
  return {
    storage: s,
    startSeeder: async (label) => {
      const p = await spawn({
        ...shared,
        ...registry,
        workers: [
          {
            ...bench,
            name: `${BENCH_WORKER}-${label}`,
            unsafeBindings: remote,
            durableObjects: { EVIDENCE: EVIDENCE_LOG },
          },
        ],
      });
      started.push(p);
      return p;
    },
    startExporter: async (label, inspectorPort) => {
      const e = await spawn({
        ...shared,
        ...registry,
        ...(inspectorPort === undefined ? {} : { inspectorPort }),
        workflowsPersist: join(options.persistRoot, `workflows-${label}`),
        workers: [
          {
            name: EXPORT_WORKER,
            ...worker,
            unsafeBindings: remote,
            durableObjects: external,
            workflows: { EXPORTS: { name: "verbatim-export", className: "ExportWorkflow" } },
          },
          { ...bench, unsafeBindings: remote },
        ],
      });
      started.push(e);
      return e;
    },
    close: async () => {
      await Promise.allSettled(started.map((p) => p.mf.dispose()));
      await s.mf.dispose();
    },
  };
}
