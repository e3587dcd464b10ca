import { kVoid } from "miniflare";

/**
 * A Miniflare external plugin (loaded by path through a worker's `unsafeBindings`, like storage-plugin.ts)
 * that gives a Worker workerd's debug-port binding: `connect(address).getActor(service, className, id)` is a
 * stub on a Durable Object in another workerd process. Miniflare's own dev registry uses it from a proxy
 * Durable Object in the calling process; topology.ts uses it to call the object directly (see there).
 */
export const PLUGIN_NAME = "verbatim-debug-port";

type UnsafeBinding = { name: string };

export const plugins = {
  [PLUGIN_NAME]: {
    getBindings(options: UnsafeBinding[] | undefined) {
      // workerdDebugPort bindings have no configuration (a capnp Void).
      return (options ?? []).map(({ name }) => ({ name, workerdDebugPort: kVoid }));
    },
    getNodeBindings() {
      return {};
    },
    getServices() {
      return [];
    },
  },
};
