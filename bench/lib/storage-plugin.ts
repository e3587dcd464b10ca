/**
 * A Miniflare external plugin (loaded by path through a worker's `unsafeBindings`) that lets one workerd
 * process own the local D1 databases and R2 buckets while Workers in other processes use them, so that only
 * one process ever opens their SQLite files (two processes on the same persist directories fail each
 * other's reads and writes with SQLITE_BUSY, and can even fail at start-up; see topology.ts).
 *
 * - "raw" (owner side): binds a Worker to one of Miniflare's own services by name ("d1:db:<id>",
 *   "r2:bucket:<id>"), a Fetcher that speaks the binding's wire protocol. A gateway Worker in the owner
 *   process passes requests arriving on its socket straight to it.
 * - "remote" (user side): a D1 binding (workerd's own d1-api module) or an R2 binding (workerd's native R2
 *   client) whose wire protocol goes over HTTP to such a gateway socket. The Worker's code sees ordinary D1
 *   and R2 bindings; only the transport differs, as on Cloudflare, where D1 and R2 are remote services too.
 *
 * Miniflare's remote bindings (`remoteProxyConnectionString`) do something similar but open a JS-RPC
 * WebSocket per binding use besides the HTTP request; a plain external service avoids that traffic.
 */

export const PLUGIN_NAME = "verbatim-storage";

export type StorageBindingOptions =
  { kind: "raw"; service: string } | { kind: "remote"; type: "d1" | "r2"; address: string };

type UnsafeBinding = { name: string; options: StorageBindingOptions };

const remoteService = (binding: string) => `${PLUGIN_NAME}:${binding}`;

/**
 * Miniflare's plugin interface, as much of it as an external plugin needs: bindings and services in
 * workerd's config shape.
 */
export const plugins = {
  [PLUGIN_NAME]: {
    getBindings(options: UnsafeBinding[] | undefined) {
      return (options ?? []).map(({ name, options: o }) => {
        if (o.kind === "raw") return { name, service: { name: o.service } };
        const service = { name: remoteService(name) };
        return o.type === "d1"
          ? // What Miniflare's D1 plugin binds, with the fetcher pointing elsewhere.
            {
              name,
              wrapped: {
                moduleName: "cloudflare-internal:d1-api",
                innerBindings: [{ name: "fetcher", service }],
              },
            }
          : { name, r2Bucket: service };
      });
    },
    getNodeBindings() {
      return {};
    },
    getServices({ options }: { options: UnsafeBinding[] | undefined }) {
      return (options ?? []).flatMap(({ name, options: o }) =>
        o.kind === "remote"
          ? [{ name: remoteService(name), external: { address: o.address, http: {} } }]
          : [],
      );
    },
  },
};
